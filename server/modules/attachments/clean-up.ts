/**
 * The clean-up job: what uploads leave behind when nobody finishes them.
 * - Pending uploads never sent with a message are removed after a day (row, then blob).
 * - Blobs with no row, older than an hour, are removed: a crash between storing a blob and
 *   committing its row, or a blob whose row was deleted, leaves one.
 * - Idempotency keys are kept for a day (a client retries within minutes, not days).
 */
import type { Deps } from '../../platform/context.ts';

export const PENDING_TTL_MS = 24 * 3600_000;
export const ORPHAN_AGE_MS = 3600_000;
const BATCH = 500;

export type CleanUpReport = { pendingRemoved: number; orphansRemoved: number; keysRemoved: number };

export async function cleanUpFiles(deps: Pick<Deps, 'db' | 'files' | 'log'>, now = new Date()): Promise<CleanUpReport> {
  const report: CleanUpReport = { pendingRemoved: 0, orphansRemoved: 0, keysRemoved: 0 };

  // Rows first: if deleting a blob fails, it is an orphan and the sweep below retries it.
  for (;;) {
    const rows = await deps.db.query<{ storage_key: string }>(
      `delete from attachments where id in (
         select id from attachments where attached_at is null and created_at < $1 limit ${BATCH})
       returning storage_key`,
      [new Date(now.getTime() - PENDING_TTL_MS)],
    );
    for (const r of rows) await deps.files.delete(r.storage_key);
    report.pendingRemoved += rows.length;
    if (rows.length < BATCH) break;
  }

  let batch: string[] = [];
  const sweep = async () => {
    const known = await deps.db.query<{ storage_key: string }>(
      'select storage_key from attachments where storage_key = any($1::text[])',
      [batch],
    );
    const keep = new Set(known.map((r) => r.storage_key));
    for (const key of batch) {
      if (keep.has(key)) continue;
      await deps.files.delete(key);
      report.orphansRemoved++;
    }
    batch = [];
  };
  for await (const key of deps.files.listOlderThan(new Date(now.getTime() - ORPHAN_AGE_MS))) {
    batch.push(key);
    if (batch.length >= BATCH) await sweep();
  }
  if (batch.length) await sweep();

  const keys = await deps.db.query('delete from idempotency_keys where created_at < $1 returning 1', [
    new Date(now.getTime() - PENDING_TTL_MS),
  ]);
  report.keysRemoved = keys.length;
  if (report.pendingRemoved || report.orphansRemoved) deps.log.info(report, 'removed unused uploads');
  return report;
}
