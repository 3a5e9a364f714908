import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb } from '../../test/harness.ts';
import type { Db } from './db.ts';
import { migrate, readMigrations } from './migrate.ts';

let db: Db;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(() => db.close());

describe('migrations', () => {
  it('are versioned files, recorded once, and re-running applies nothing', async () => {
    const files = await readMigrations();
    expect(files.map((f) => f.version)).toEqual(files.map((_, i) => i + 1));
    const again = await migrate(db);
    expect(again.applied).toEqual([]);
    const rows = await db.query<{ version: number }>('select version from schema_migrations order by version');
    expect(rows.map((r) => r.version)).toEqual(files.map((f) => f.version));
  });

  it('refuse to start when an applied file was edited', async () => {
    const files = await readMigrations();
    const edited = files.map((f, i) => (i === 0 ? { ...f, checksum: 'x' } : f));
    await expect(migrate(db, edited)).rejects.toThrow(/was changed after it was applied/);
  });

  it('back tenancy with composite keys: a ticket cannot point into another workspace', async () => {
    const ids = await db.query<{ ws: string; client: string; contact: string }>(
      `with w1 as (insert into workspaces (slug, name) values ('mig-' || substr(md5(random()::text), 1, 8), 'one') returning id),
            w2 as (insert into workspaces (slug, name) values ('mig-' || substr(md5(random()::text), 1, 8), 'two') returning id),
            c2 as (insert into clients (workspace_id, name) select id, 'c' from w2 returning id, workspace_id),
            k2 as (insert into contacts (workspace_id, client_id, email, name, role) select workspace_id, id, 'k@x.test', 'k', 'member' from c2 returning id)
       select (select id from w1) as ws, (select id from c2) as client, (select id from k2) as contact`,
    );
    const { ws, client, contact } = ids[0]!;
    await expect(
      db.query(
        `insert into tickets (workspace_id, number, client_id, requester_id, subject, description, priority, status, source)
         values ($1, 1, $2, $3, 's', 'd', 'normal', 'new', 'portal')`,
        [ws, client, contact],
      ),
    ).rejects.toThrow(/foreign key/);
  });
});
