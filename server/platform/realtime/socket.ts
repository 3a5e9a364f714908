/**
 * One live WebSocket with its limits: frames per second (token bucket), a bounded send
 * buffer (a client that reads too slowly is disconnected rather than growing our memory),
 * and a heartbeat (a peer that stops answering pings is dropped).
 */
import type { WebSocket } from 'ws';
import { CLOSE, LIVE_LIMITS, type ServerFrame } from '../../../contracts/live.ts';

export class LiveSocket {
  #tokens: number = LIVE_LIMITS.burst;
  #refilledAt = Date.now();
  #alive = true;
  closed = false;

  constructor(readonly ws: WebSocket, readonly limits: { maxBufferedBytes: number } = LIVE_LIMITS) {
    ws.on('pong', () => {
      this.#alive = true;
    });
    ws.on('close', () => {
      this.closed = true;
    });
  }

  /** Sends one frame, or disconnects a client whose unread backlog is over the limit. */
  send(frame: ServerFrame): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > this.limits.maxBufferedBytes) {
      this.closed = true;
      // The close frame would queue behind the backlog: drop the connection at once.
      this.ws.terminate();
      return;
    }
    this.ws.send(JSON.stringify(frame));
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.ws.close(code, reason);
  }

  /**
   * Takes one frame's token: `ok`, `limited` (drop it and say so) or `abuse` (far past
   * the limit: close the connection).
   */
  take(now = Date.now()): 'ok' | 'limited' | 'abuse' {
    this.#tokens = Math.min(LIVE_LIMITS.burst, this.#tokens + ((now - this.#refilledAt) / 1000) * LIVE_LIMITS.framesPerSecond);
    this.#refilledAt = now;
    this.#tokens -= 1;
    if (this.#tokens >= 0) return 'ok';
    return this.#tokens < -LIVE_LIMITS.burst ? 'abuse' : 'limited';
  }

  /** Called every heartbeat interval: drops a peer that did not answer the last ping. */
  heartbeat(): void {
    if (this.closed) return;
    if (!this.#alive) {
      this.closed = true;
      this.ws.terminate();
      return;
    }
    this.#alive = false;
    this.ws.ping();
  }

  static readonly CLOSE = CLOSE;
}
