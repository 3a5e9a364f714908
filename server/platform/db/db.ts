import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { citext } from '@electric-sql/pglite/contrib/citext';

/** Anything that runs SQL: the database itself or an open transaction. */
export type Sql = {
  /** Runs one statement with positional parameters ($1, $2…) and returns its rows. */
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(text: string): Promise<void>;
};

export type Db = Sql & {
  kind: 'pglite' | 'postgres';
  /** Runs fn in one transaction: committed if it resolves, rolled back if it throws. */
  tx<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

/** Embedded PostgreSQL (PGlite). `dataDir` undefined keeps everything in memory (tests). */
export async function openPglite(dataDir?: string): Promise<Db> {
  const lite = await PGlite.create(dataDir ? `file://${dataDir}` : 'memory://', {
    extensions: { pg_trgm, citext },
  });
  const run = async <T>(q: Pick<PGlite, 'query'>, text: string, params?: readonly unknown[]) =>
    (await q.query<T>(text, params as unknown[] | undefined)).rows;
  return {
    kind: 'pglite',
    query: (text, params) => run(lite, text, params),
    exec: async (text) => void (await lite.exec(text)),
    // PGlite has one connection; its transaction() holds it exclusively until the end.
    tx: (fn) =>
      lite.transaction((t) =>
        fn({ query: (text, params) => run(t, text, params), exec: async (text) => void (await t.exec(text)) }),
      ),
    close: () => lite.close(),
  };
}

/** PostgreSQL through a node-postgres pool. */
export async function openPostgres(url: string, max = 10): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max });
  // Fail at boot, with the driver's message, if the server cannot be reached.
  await pool.query('select 1');
  const run = async <T>(c: pg.Pool | pg.PoolClient, text: string, params?: readonly unknown[]) =>
    (await c.query(text, params as unknown[] | undefined)).rows as T[];
  return {
    kind: 'postgres',
    query: (text, params) => run(pool, text, params),
    exec: async (text) => void (await pool.query(text)),
    async tx(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn({
          query: (text, params) => run(client, text, params),
          exec: async (text) => void (await client.query(text)),
        });
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** Returns the first row, or undefined. */
export async function first<T>(q: Sql, text: string, params?: readonly unknown[]): Promise<T | undefined> {
  return (await q.query<T>(text, params))[0];
}
