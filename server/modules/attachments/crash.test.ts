/**
 * Crashes between the steps of an upload, in a real process killed with SIGKILL at a
 * failpoint: after the crash there is never a ticket without its files, and once the
 * clean-up runs no blob is left without its row.
 */
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, type Db } from '../../platform/db/db.ts';
import { LocalBlobStore } from '../../platform/storage/local-store.ts';
import { upload } from '../../test/multipart.ts';
import { freePort, killAll, portalSignInOver, startProcess, waitHealthy } from '../../test/process.ts';
import { cleanUpFiles } from './clean-up.ts';

const CONTACT = 'tom@harbordental.example';
let dataDir: string;
const filesDir = () => path.join(dataDir, 'files');
const blobCount = () => readdirSync(filesDir(), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;

/** Starts Portico on the test's data directory (demo data on first start). */
async function run(env: Record<string, string> = {}) {
  const port = await freePort();
  const proc = startProcess({ DATA_DIR: dataDir, PORT: String(port), NODE_ENV: 'test', ...env });
  await waitHealthy(port, proc.exited);
  const url = `http://127.0.0.1:${port}`;
  return { ...proc, url, contact: await portalSignInOver(url, 'brightline', CONTACT, 'demo-password') };
}

/** The embedded database of a stopped process, opened by the test itself. */
async function inspect<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openPglite(path.join(dataDir, 'pg'));
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'portico-crash-'));
});
afterAll(async () => {
  killAll();
  await rm(dataDir, { recursive: true, force: true });
});

describe('a process killed mid-upload', () => {
  it('between storing the blob and committing its row: no row, and the clean-up removes the blob', async () => {
    const server = await run({ FAILPOINT: 'upload.after-blob' });
    const res = await upload(server.url, server.contact, [{ name: 'scan.pdf', data: Buffer.from('%PDF-1.4 test') }]).catch((e: Error) => e);
    expect(res).toBeInstanceOf(Error); // the connection died with the process
    expect(await server.exited).toBeNull(); // killed by a signal, not exited
    expect(blobCount()).toBe(1);

    await inspect(async (db) => {
      expect((await db.query('select 1 from attachments')).length).toBe(0);
      const files = new LocalBlobStore(filesDir());
      const log = { info: () => undefined } as never;
      expect((await cleanUpFiles({ db, files, log })).orphansRemoved).toBe(0); // too young: might still commit
      expect((await cleanUpFiles({ db, files, log }, new Date(Date.now() + 2 * 3600_000))).orphansRemoved).toBe(1);
    });
    expect(blobCount()).toBe(0);
  });

  it('between claiming files for a ticket and committing it: no ticket, and the files can still be sent', async () => {
    const server = await run({ FAILPOINT: 'ticket.before-commit' });
    const up = await upload(server.url, server.contact, [{ name: 'photo.txt', data: Buffer.from('the printer') }]);
    expect(up.status).toBe(201);
    const id = up.body.items[0].id as string;
    const subject = `Crash test ${Date.now()}`;
    const create = await fetch(`${server.url}${server.contact.base}/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: server.contact.cookie, 'x-csrf-token': server.contact.csrfToken },
      body: JSON.stringify({ subject, description: 'd', attachmentIds: [id] }),
    }).catch((e: Error) => e);
    expect(create).toBeInstanceOf(Error);
    expect(await server.exited).toBeNull();

    await inspect(async (db) => {
      expect((await db.query('select 1 from tickets where subject = $1', [subject])).length).toBe(0);
      const [row] = await db.query<{ ticket_id: string | null }>('select ticket_id from attachments where id = $1', [id]);
      expect(row).toEqual({ ticket_id: null });
    });

    // After a normal restart the same upload goes out with the ticket.
    const again = await run();
    const retry = await fetch(`${again.url}${again.contact.base}/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: again.contact.cookie, 'x-csrf-token': again.contact.csrfToken },
      body: JSON.stringify({ subject, description: 'd', attachmentIds: [id] }),
    });
    expect(retry.status).toBe(201);
    const ticket = (await retry.json()) as { attachments: { id: string }[] };
    expect(ticket.attachments.map((a) => a.id)).toEqual([id]);
    again.child.kill('SIGTERM');
    await again.exited;
  });
});
