/**
 * A client that stops reading cannot grow the server's memory: once its unread backlog
 * passes the limit, the connection is dropped. Real sockets on loopback.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { LiveSocket } from './socket.ts';

const servers: WebSocketServer[] = [];
afterAll(() => {
  for (const s of servers) s.close();
});

it('drops a client whose unread backlog passes the limit, instead of buffering without bound', async () => {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  servers.push(wss);
  await once(wss, 'listening');
  const accepted = once(wss, 'connection');
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  await once(client, 'open');
  // The client stops reading: its socket's buffers fill, then the server's.
  (client as unknown as { _socket: { pause(): void } })._socket.pause();
  const [ws] = (await accepted) as [WebSocket];
  const limit = 256 * 1024;
  const live = new LiveSocket(ws, { maxBufferedBytes: limit });
  const frame = { type: 'chat.typing' as const, chatId: 'x', from: 'staff' as const, name: 'y'.repeat(16 * 1024) };
  let sent = 0;
  let peak = 0;
  while (!live.closed && sent < 10_000) {
    live.send(frame);
    sent++;
    peak = Math.max(peak, ws.bufferedAmount);
    if (sent % 50 === 0) await new Promise((r) => setImmediate(r));
  }
  expect(live.closed).toBe(true);
  // Dropped once the backlog passed the limit: never more than one frame over it.
  expect(peak).toBeLessThanOrEqual(limit + 17 * 1024);
  expect(sent).toBeLessThan(10_000);
  await once(ws, 'close');
  client.terminate();
});
