/**
 * Fan-out between processes through PostgreSQL: NOTIFY on one channel, each process
 * LISTENs on its own connection (reconnected with backoff if it drops).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { FastifyBaseLogger } from 'fastify';
import type { Sql } from '../db/db.ts';
import type { BusMessage, Relay } from '../events.ts';
import { decode, encode } from './wire.ts';

const CHANNEL = 'portico_live';
/** NOTIFY payloads must stay under 8000 bytes. */
const MAX_PAYLOAD = 7900;

export class PostgresRelay implements Relay {
  readonly name = 'postgres';
  readonly #origin = randomUUID();
  #client: pg.Client | null = null;
  #deliver: ((m: BusMessage) => void) | null = null;
  #stopped = false;
  #retry: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly url: string,
    private readonly db: Sql,
    private readonly log: Pick<FastifyBaseLogger, 'warn' | 'error'>,
  ) {}

  /** Listens at once; fails the boot, with the driver's message, if it cannot. */
  async start(deliver: (m: BusMessage) => void): Promise<void> {
    this.#deliver = deliver;
    this.#client = await this.#connect();
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (n) => {
      if (n.channel !== CHANNEL || !n.payload) return;
      const message = decode(this.#origin, n.payload);
      if (message) this.#deliver?.(message);
    });
    client.on('error', (err) => this.log.warn({ err }, 'live relay connection error'));
    client.on('end', () => {
      if (this.#client !== client || this.#stopped) return;
      this.#client = null;
      this.log.warn('live relay connection lost; reconnecting');
      this.#reconnect(0);
    });
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
      return client;
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
  }

  #reconnect(attempt: number) {
    if (this.#stopped) return;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      this.#connect().then(
        (client) => {
          if (this.#stopped) void client.end();
          else this.#client = client;
        },
        (err: unknown) => {
          this.log.error({ err }, 'live relay cannot listen; retrying');
          this.#reconnect(attempt + 1);
        },
      );
    }, Math.min(10_000, 250 * 2 ** attempt));
  }

  send(message: BusMessage): void {
    const payload = encode(this.#origin, message, MAX_PAYLOAD);
    if (!payload) return;
    this.db.query('select pg_notify($1, $2)', [CHANNEL, payload]).catch((err: unknown) => this.log.warn({ err }, 'live relay notify failed'));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#retry) clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
  }
}
