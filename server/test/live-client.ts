/**
 * A live (WebSocket) client for tests, over a real socket: it records every frame and
 * waits for the one a test expects.
 */
import WebSocket from 'ws';
import type { ClientFrame, ServerFrame } from '../../contracts/live.ts';

export class LiveTestClient {
  readonly frames: ServerFrame[] = [];
  closeCode: number | null = null;
  #waiters: { pred: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }[] = [];
  #closeWaiters: ((code: number) => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as ServerFrame;
      this.frames.push(frame);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.pred(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      for (const w of this.#closeWaiters) w(code);
    });
  }

  /**
   * Connects with a session cookie and an Origin (Portico's own unless given); resolves once
   * the server said hello, or rejects with the handshake's HTTP status.
   */
  static open(baseUrl: string, path: string, opts: { cookie?: string; origin?: string | null } = {}): Promise<LiveTestClient> {
    const url = `${baseUrl.replace(/^http/, 'ws')}${path}`;
    const origin = opts.origin === undefined ? baseUrl : opts.origin;
    const ws = new WebSocket(url, {
      headers: { ...(opts.cookie ? { cookie: opts.cookie } : {}), ...(origin ? { origin } : {}) },
    });
    const client = new LiveTestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => reject(Object.assign(new Error(`handshake refused: ${res.statusCode} ${body}`), { status: res.statusCode, body })));
      });
      ws.once('error', reject);
      client.next((f) => f.type === 'hello', 5000).then(() => resolve(client), reject);
    });
  }

  send(frame: ClientFrame | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** The first frame (already received or coming) matching `pred`. */
  next<T extends ServerFrame = ServerFrame>(pred: (f: ServerFrame) => boolean, timeoutMs = 5000, fromIndex = 0): Promise<T> {
    const seen = this.frames.slice(fromIndex).find(pred);
    if (seen) return Promise.resolve(seen as T);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame in ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5))}`)), timeoutMs);
      this.#waiters.push({
        pred,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f as T);
        },
      });
    });
  }

  /** Subscribes and waits for the answer (`subscribed` or an `error` for that topic). */
  async subscribe(topic: string, after?: number): Promise<ServerFrame> {
    const from = this.frames.length;
    this.send({ type: 'subscribe', topic, ...(after !== undefined ? { after } : {}) });
    return this.next((f) => (f.type === 'subscribed' || f.type === 'error') && 'topic' in f && f.topic === topic, 5000, from);
  }

  /** Sends a chat message and waits for its acknowledgement (or error). */
  async sendChat(chatId: string, clientId: string, body: string, attachmentIds: string[] = []): Promise<ServerFrame> {
    const from = this.frames.length;
    this.send({ type: 'chat.send', chatId, clientId, body, attachmentIds });
    return this.next((f) => (f.type === 'chat.ack' || f.type === 'error') && 'clientId' in f && f.clientId === clientId, 5000, from);
  }

  /** Frames received in the next `ms` that match `pred` (to assert that nothing came). */
  async collect(ms: number, pred: (f: ServerFrame) => boolean = () => true): Promise<ServerFrame[]> {
    const from = this.frames.length;
    await new Promise((r) => setTimeout(r, ms));
    return this.frames.slice(from).filter(pred);
  }

  chatMessages(chatId: string) {
    return this.frames.flatMap((f) => (f.type === 'chat.message' && f.chatId === chatId ? [f.message] : []));
  }

  closed(): Promise<number> {
    if (this.closeCode !== null) return Promise.resolve(this.closeCode);
    return new Promise((resolve) => this.#closeWaiters.push(resolve));
  }

  close(): void {
    this.ws.close();
  }
}
