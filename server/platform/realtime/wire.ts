/**
 * How bus messages travel between processes: JSON with the sending process's id, so a
 * process ignores its own messages (it delivered them locally already).
 */
import type { BusMessage } from '../events.ts';

type Envelope = { o: string; m: BusMessage };

/**
 * Encodes for a transport with a size limit (PostgreSQL NOTIFY: < 8000 bytes). A chat
 * message too large travels as a reference the receivers load; an event loses its payload
 * (the fan-out needs only its type, workspace and ticket).
 */
export function encode(origin: string, message: BusMessage, maxBytes = Infinity): string | null {
  const text = JSON.stringify({ o: origin, m: message } satisfies Envelope);
  if (Buffer.byteLength(text) <= maxBytes) return text;
  if (message.kind === 'chat.message') {
    const { workspaceId, chatId } = message;
    return encode(origin, { kind: 'chat.message.ref', workspaceId, chatId, seq: message.message.seq }, maxBytes);
  }
  if (message.kind === 'event' && Object.keys(message.event.payload).length) {
    return encode(origin, { kind: 'event', event: { ...message.event, payload: {} } }, maxBytes);
  }
  return null;
}

/** Another process's message, or null for our own or anything unreadable. */
export function decode(origin: string, text: string): BusMessage | null {
  let env: Envelope;
  try {
    env = JSON.parse(text) as Envelope;
  } catch {
    return null;
  }
  if (!env || env.o === origin || typeof env.m !== 'object' || env.m === null) return null;
  if (env.m.kind === 'event') env.m.event.createdAt = new Date(env.m.event.createdAt);
  return env.m;
}
