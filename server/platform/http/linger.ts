import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * After refusing a request whose body is still arriving (an oversize upload), stop the
 * sender without losing our answer. Closing at once would reset the connection while the
 * client is still writing, and a reset can destroy the response before the client reads
 * it; so keep reading and discarding for a short while (a "lingering close"), then close.
 */
export function lingerThenClose(request: FastifyRequest, reply: FastifyReply, maxBytes = 8 * 1024 * 1024, maxMs = 2000) {
  const req = request.raw;
  if (req.complete) return;
  reply.raw.once('finish', () => {
    const socket = req.socket;
    let discarded = 0;
    const close = () => socket.destroy();
    const timer = setTimeout(close, maxMs);
    timer.unref();
    req.on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > maxBytes) close();
    });
    req.once('end', () => clearTimeout(timer));
    req.once('close', () => clearTimeout(timer));
    req.resume();
  });
}
