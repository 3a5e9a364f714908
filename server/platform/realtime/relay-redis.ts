/** Fan-out between processes through Redis pub/sub (when `REDIS_URL` is set). */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';
import type { BusMessage, Relay } from '../events.ts';
import { decode, encode } from './wire.ts';

const CHANNEL = 'portico:live';

export class RedisRelay implements Relay {
  readonly name = 'redis';
  readonly #origin = randomUUID();
  readonly #pub: Redis;
  readonly #sub: Redis;

  constructor(url: string, private readonly log: Pick<FastifyBaseLogger, 'warn'>) {
    // No offline queue: while Redis is away, pushes are dropped (clients resync on reconnect)
    // rather than piling up in memory.
    const options = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 };
    this.#pub = new Redis(url, options);
    this.#sub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
    for (const r of [this.#pub, this.#sub]) r.on('error', (err) => this.log.warn({ err }, 'live relay (redis) error'));
  }

  /** Connects at once; fails the boot, saying where, if Redis cannot be reached. */
  async start(deliver: (m: BusMessage) => void): Promise<void> {
    try {
      await Promise.all([this.#pub.connect(), this.#sub.connect()]);
    } catch (err) {
      this.#pub.disconnect();
      this.#sub.disconnect();
      const { host, port } = this.#pub.options;
      throw new Error(`cannot reach Redis at ${host}:${port} (REDIS_URL): ${(err as Error).message}`);
    }
    this.#sub.on('message', (channel: string, text: string) => {
      if (channel !== CHANNEL) return;
      const message = decode(this.#origin, text);
      if (message) deliver(message);
    });
    await this.#sub.subscribe(CHANNEL);
  }

  send(message: BusMessage): void {
    const payload = encode(this.#origin, message);
    if (!payload || this.#pub.status !== 'ready') return;
    this.#pub.publish(CHANNEL, payload).catch((err: unknown) => this.log.warn({ err }, 'live relay publish failed'));
  }

  async stop(): Promise<void> {
    this.#sub.disconnect();
    await this.#pub.quit().catch(() => this.#pub.disconnect());
  }
}
