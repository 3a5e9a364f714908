import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.ts';

const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export type Migration = { version: number; name: string; sql: string; checksum: string };

/** Reads `NNNN_name.sql` files in version order. */
export async function readMigrations(dir = migrationsDir): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (file) => {
      const sql = await readFile(path.join(dir, file), 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file.slice(5, -4),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    }),
  );
}

/**
 * Applies pending migrations, each in its own transaction under an advisory lock so that
 * several processes starting at once apply each file exactly once. Refuses to start if an
 * applied file was edited afterwards.
 */
export async function migrate(db: Db, migrations?: Migration[]): Promise<{ applied: string[] }> {
  const all = migrations ?? (await readMigrations());
  await db.exec(`create table if not exists schema_migrations (
    version integer primary key, name text not null, checksum text not null,
    applied_at timestamptz not null default now())`);
  const applied: string[] = [];
  for (const m of all) {
    await db.tx(async (tx) => {
      await tx.query('select pg_advisory_xact_lock(7262001)');
      const [row] = await tx.query<{ checksum: string }>(
        'select checksum from schema_migrations where version = $1',
        [m.version],
      );
      if (row) {
        if (row.checksum !== m.checksum) {
          throw new Error(
            `migration ${m.version}_${m.name} was changed after it was applied; add a new migration instead`,
          );
        }
        return;
      }
      // Multi-statement files go through the simple query protocol (no parameters).
      await tx.exec(m.sql);
      await tx.query('insert into schema_migrations (version, name, checksum) values ($1, $2, $3)', [
        m.version,
        m.name,
        m.checksum,
      ]);
      applied.push(`${m.version}_${m.name}`);
    });
  }
  return { applied };
}

/** True when every known migration is recorded as applied (used by /healthz). */
export async function migrationsApplied(db: Db, expected: number): Promise<boolean> {
  const [row] = await db.query<{ n: number }>('select count(*)::int as n from schema_migrations');
  return (row?.n ?? 0) >= expected;
}
