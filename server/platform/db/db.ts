import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';

/** The extensions the migrations create; PGlite must load them. */
export const PGLITE_EXTENSIONS = { pg_trgm, citext, btree_gin };

/** Anything that runs SQL: the database itself or an open transaction. */
export type Sql = {
  /** Runs one statement with positional parameters ($1, $2…) and returns its rows. */
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /**
   * A named prepared statement (PostgreSQL: parsed once per connection, and after five runs
   * usually planned once). Only for a query whose generic plan was checked to be the right
   * one for every tenant: generic plans can be badly wrong on skewed data (see ARCHITECTURE).
   * The embedded database runs it as a plain query.
   */
  prepared<T = Record<string, unknown>>(name: string, text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(text: string): Promise<void>;
  /** Driver-level access for libraries (pg-boss): a statement or script, `{ rows }` of the last. */
  raw(text: string, params?: readonly unknown[]): Promise<{ rows: unknown[] }>;
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
    extensions: PGLITE_EXTENSIONS,
  });
  return pgliteDb(lite);
}

/** The `Db` over an open PGlite instance. */
export function pgliteDb(lite: PGlite): Db {
  type Q = Pick<PGlite, 'query' | 'exec'>;
  const run = async <T>(q: Q, text: string, params?: readonly unknown[]) =>
    (await q.query<T>(text, params as unknown[] | undefined)).rows;
  const raw = async (q: Q, text: string, params?: readonly unknown[]) =>
    params?.length ? run(q, text, params).then((rows) => ({ rows })) : ((await q.exec(text)).at(-1) ?? { rows: [] });
  const sql = (q: Q): Sql => ({
    query: (text, params) => run(q, text, params),
    prepared: (_name, text, params) => run(q, text, params),
    exec: async (text) => void (await q.exec(text)),
    raw: (text, params) => raw(q, text, params),
  });
  return {
    kind: 'pglite',
    ...sql(lite),
    // PGlite has one connection; its transaction() holds it exclusively until the end.
    tx: (fn) => lite.transaction((t) => fn(sql(t))),
    close: () => lite.close(),
  };
}

/** PostgreSQL through a node-postgres pool. */
export async function openPostgres(url: string, max = 10): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max });
  // Fail at boot, with the driver's message, if the server cannot be reached.
  await pool.query('select 1');
  type C = pg.Pool | pg.PoolClient;
  const run = async <T>(c: C, text: string, params?: readonly unknown[]) =>
    (await c.query(text, params as unknown[] | undefined)).rows as T[];
  const sql = (c: C): Sql => ({
    query: (text, params) => run(c, text, params),
    prepared: async <T>(name: string, text: string, params?: readonly unknown[]) =>
      (await c.query({ name, text, values: params as unknown[] | undefined })).rows as T[],
    exec: async (text) => void (await c.query(text)),
    async raw(text, params) {
      // A script answers with one result per statement; libraries want the last.
      const r = (await c.query(text, params as unknown[] | undefined)) as pg.QueryResult | pg.QueryResult[];
      return Array.isArray(r) ? (r.at(-1) ?? { rows: [] }) : r;
    },
  });
  return {
    kind: 'postgres',
    ...sql(pool),
    async tx(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn(sql(client));
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
