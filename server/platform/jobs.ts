/**
 * Background jobs on pg-boss (a PostgreSQL-backed queue), on PostgreSQL or the embedded
 * PGlite. Jobs are enqueued inside the transaction of the change that needs them, so a
 * job exists exactly when its change committed; payloads carry ids and handlers reload.
 */
import PgBoss from 'pg-boss';
import type { Db, Sql } from './db/db.ts';

export type JobName =
  | 'mail.deliver'
  | 'auth.magic-link'
  | 'auth.password-reset'
  | 'auth.register'
  | 'files.clean-up'
  | 'chat.close-idle'
  | 'domains.step';

export type JobOptions = {
  retryLimit?: number;
  retryDelay?: number;
  retryBackoff?: boolean;
  startAfter?: number;
  /** At most one such job per key and time slot, across every process. */
  singletonKey?: string;
  singletonSeconds?: number;
};

type Adapter = { executeSql: (text: string, values?: unknown[]) => Promise<{ rows: unknown[] }> };

/** pg-boss speaks to our `Sql` (a transaction, or the database), on either driver. */
const adapterFor = (sql: Sql): Adapter => ({ executeSql: (text, values) => sql.raw(text, values) });

/** Serialises queue creation across processes: pg-boss 10 attaches partitions without a lock. */
const QUEUE_DDL_LOCK = 7262002;

export class Jobs {
  readonly #boss: PgBoss;
  readonly #prefix: string;
  readonly #workers: { name: JobName; handler: (data: Record<string, unknown>) => Promise<void> }[] = [];
  #started = false;

  /**
   * `prefix` namespaces the queues: tests that share one PostgreSQL give each app its own,
   * so one test's worker never takes another's job.
   */
  readonly #db: Db;
  /** While queues are created, pg-boss's statements run in the transaction holding the lock. */
  #ddl: Sql | undefined;

  constructor(db: Db, opts: { prefix?: string; pollingSeconds?: number } = {}) {
    this.#db = db;
    this.#prefix = opts.prefix ?? '';
    const adapter: Adapter = { executeSql: (text, values) => (this.#ddl ?? db).raw(text, values) };
    this.#boss = new PgBoss({ db: adapter, schedule: false, supervise: true, migrate: true } as PgBoss.ConstructorOptions);
    this.pollingSeconds = opts.pollingSeconds ?? 1;
  }

  readonly pollingSeconds: number;

  #queue(name: JobName) {
    return `${this.#prefix}${name}`;
  }

  /** Registers a handler; it runs once `start()` is called. */
  work(name: JobName, handler: (data: Record<string, unknown>) => Promise<void>) {
    this.#workers.push({ name, handler });
  }

  async start(onError: (err: unknown) => void) {
    this.#boss.on('error', onError);
    await this.#boss.start();
    await this.#db.tx(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [QUEUE_DDL_LOCK]);
      this.#ddl = tx;
      try {
        for (const { name } of this.#workers) {
          if (!(await this.#boss.getQueue(this.#queue(name)))) await this.#boss.createQueue(this.#queue(name));
        }
      } finally {
        this.#ddl = undefined;
      }
    });
    for (const { name, handler } of this.#workers) {
      await this.#boss.work<Record<string, unknown>>(
        this.#queue(name),
        { pollingIntervalSeconds: this.pollingSeconds, batchSize: 5 },
        async (jobs) => {
          for (const job of jobs) await handler(job.data);
        },
      );
    }
    this.#started = true;
  }

  /** Enqueues a job in the given transaction (or directly on the database). */
  async send(sql: Sql, name: JobName, data: Record<string, unknown>, options: JobOptions = {}) {
    await this.#boss.send(this.#queue(name), data, { ...options, db: adapterFor(sql) } as PgBoss.SendOptions);
  }

  async stop() {
    if (this.#started) await this.#boss.stop({ graceful: true, wait: true, timeout: 5000 });
  }
}
