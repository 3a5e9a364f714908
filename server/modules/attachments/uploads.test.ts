/**
 * Uploads over a real HTTP connection: limits, odd names, content detection, and that a
 * refused or broken upload leaves nothing behind (no row, no blob).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, signInPortal, signInStaff, startTestApp, type Session, type TestEnv, type TestWorkspace } from '../../test/harness.ts';
import { listen, PNG, upload } from '../../test/multipart.ts';

const MB = 1024 * 1024;
let env: TestEnv;
let base: string;
let ws: TestWorkspace;
let contact: Session;

/** Every blob file under FILES_DIR. */
function blobs(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) e.isDirectory() ? walk(path.join(dir, e.name)) : out.push(path.join(dir, e.name));
  };
  walk(env.config.filesDir);
  return out;
}

const rows = async () =>
  (await env.db.query<{ n: number }>('select count(*)::int as n from attachments where workspace_id = $1', [ws.id]))[0]!.n;

beforeAll(async () => {
  env = await startTestApp();
  base = await listen(env.app);
  ws = await createWorkspace(env.db);
  contact = await signInPortal(env.app, ws.slug, ws.clients[0].members[0].email);
});
afterAll(() => env.close());

describe('limits', () => {
  it('takes a file of exactly 10 MB and refuses 10 MB + 1 byte, naming the file and the limit', async () => {
    const ok = await upload(base, contact, [{ name: 'exact.bin', size: 10 * MB }]);
    expect(ok.status).toBe(201);
    expect(ok.body.items[0]).toMatchObject({ name: 'exact.bin', size: 10 * MB });
    const before = await rows();
    const blobsBefore = blobs().length;

    const over = await upload(base, contact, [{ name: 'big-report.bin', size: 10 * MB + 1 }]);
    expect(over.status).toBe(413);
    expect(over.body.error).toMatchObject({ code: 'file_too_large', details: { name: 'big-report.bin', limitBytes: 10 * MB } });
    expect(over.body.error.message).toContain('big-report.bin');
    expect(over.body.error.message).toContain('10 MB');
    expect(await rows()).toBe(before);
    expect(blobs().length).toBe(blobsBefore);
  });

  it('cuts a streamed oversize file off once the limit is crossed, long before its end', async () => {
    const before = blobs().length;
    const res = await upload(base, contact, [{ name: 'huge.iso', size: 200 * MB }], { chunked: true });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('file_too_large');
    // Socket buffers and scheduling, not 200 MB: typically 20–40 MB, 69 MB once on a loaded machine.
    expect(res.sent).toBeLessThan(100 * MB);
    expect(blobs().length).toBe(before);
  });

  it('refuses an 11th file before storing any, when the manifest announces it', async () => {
    const before = { rows: await rows(), blobs: blobs().length };
    const files = Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.from(`file ${i}\n`) }));
    const res = await upload(base, contact, files, { manifest: true });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'too_many_files', details: { limit: 10 } });
    expect({ rows: await rows(), blobs: blobs().length }).toEqual(before);
  });

  it('refuses an 11th file without a manifest too, removing the ten already stored', async () => {
    const before = { rows: await rows(), blobs: blobs().length };
    const files = Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.from(`file ${i}\n`) }));
    const res = await upload(base, contact, files);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('too_many_files');
    expect({ rows: await rows(), blobs: blobs().length }).toEqual(before);
  });

  it('refuses an oversize file announced in the manifest before reading it', async () => {
    const res = await upload(base, contact, [{ name: 'a.bin', size: 11 * MB }], { manifest: true });
    expect(res.status).toBe(413);
    expect(res.body.error.details.name).toBe('a.bin');
  });

  it('refuses an empty file, and a request with no file', async () => {
    const empty = await upload(base, contact, [{ name: 'empty.txt', data: Buffer.alloc(0) }]);
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatchObject({ code: 'file_empty', details: { name: 'empty.txt' } });
    const none = await upload(base, contact, []);
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe('upload_invalid');
  });

  it('follows the limits an admin sets', async () => {
    const admin = await signInStaff(env.app, ws.admin.email);
    const set = await admin.patch('/settings', { attachments: { maxFiles: 2, maxFileMb: 1 } });
    expect(set.json().attachments).toEqual({ maxFiles: 2, maxFileMb: 1 });
    const boot = await contact.get('/bootstrap');
    expect(boot.json().workspace.settings.attachments).toEqual({ maxFiles: 2, maxFileBytes: MB });
    expect((await upload(base, contact, [{ name: 'x.bin', size: MB + 1 }])).status).toBe(413);
    const three = [1, 2, 3].map((i) => ({ name: `${i}.txt`, data: Buffer.from('x') }));
    expect((await upload(base, contact, three)).body.error.code).toBe('too_many_files');
    expect((await admin.patch('/settings', { attachments: { maxFiles: 0 } })).statusCode).toBe(400);
    expect((await admin.patch('/settings', { attachments: { maxFileMb: 501 } })).statusCode).toBe(400);
    await admin.patch('/settings', { attachments: { maxFiles: 10, maxFileMb: 10 } });
  });
});

describe('names and types', () => {
  it('keeps odd names as metadata only and stores every file under a generated key', async () => {
    const names = ['../x', '.htaccess', 'in\u200Bvoi\u202Ece.pdf', '"><svg onload=alert(1)>.jpg', 'C:\\Users\\me\\plan.txt'];
    const res = await upload(base, contact, names.map((name) => ({ name, data: Buffer.from('hello\n') })));
    expect(res.status).toBe(201);
    expect(res.body.items.map((i: { name: string }) => i.name)).toEqual([
      'x',
      '.htaccess',
      'invoice.pdf',
      '"><svg onload=alert(1)>.jpg',
      'plan.txt',
    ]);
    for (const file of blobs()) expect(path.basename(file)).toMatch(/^[0-9a-f]{32}$/);
    for (const item of res.body.items) expect(item.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('takes the type from the bytes and records a mismatch with the name or the browser', async () => {
    const res = await upload(base, contact, [
      { name: 'photo.png', type: 'image/png', data: PNG },
      { name: 'report.pdf', type: 'application/pdf', data: PNG },
      { name: 'notes.txt', type: 'image/png', data: Buffer.from('plain words\n') },
      { name: 'cat.jpg', type: 'image/jpeg', data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') },
    ]);
    expect(res.status).toBe(201);
    const [png, pdf, txt, svg] = res.body.items;
    expect(png).toMatchObject({ contentType: 'image/png', image: true });
    expect(png.previewUrl).toBe(`${png.url}?inline=1`);
    expect(pdf).toMatchObject({ contentType: 'image/png', name: 'report.pdf' });
    expect(txt.contentType).toBe('text/plain');
    expect(svg).toMatchObject({ contentType: 'image/svg+xml', image: false, previewUrl: null });
    const flags = await env.db.query<{ name: string; type_mismatch: boolean }>(
      'select name, type_mismatch from attachments where id = any($1::text[]) order by name',
      [res.body.items.map((i: { id: string }) => i.id)],
    );
    expect(Object.fromEntries(flags.map((f) => [f.name, f.type_mismatch]))).toEqual({
      'cat.jpg': true,
      'notes.txt': true,
      'photo.png': false,
      'report.pdf': true,
    });
  });
});

describe('broken uploads leave nothing behind', () => {
  it('a client that disconnects mid-upload leaves no row and no blob', async () => {
    const before = { rows: await rows(), blobs: blobs().length };
    const res = await upload(base, contact, [{ name: 'one.bin', data: Buffer.from('done') }, { name: 'two.bin', size: 5 * MB }], {
      abortAfter: 2 * MB,
    });
    expect(res.status).toBe(0);
    // The server notices the closed socket and removes what it stored.
    await expect.poll(() => blobs().length, { timeout: 5000 }).toBe(before.blobs);
    expect(await rows()).toBe(before.rows);
  });

  it('a full disk fails the upload cleanly and removes the files already stored', async () => {
    const { LocalBlobStore } = await import('../../platform/storage/local-store.ts');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(path.join(tmpdir(), 'portico-full-'));
    let puts = 0;
    class FullDisk extends LocalBlobStore {
      override async put(key: string, source: import('node:stream').Readable) {
        if (++puts === 2) {
          source.resume();
          throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
        }
        return super.put(key, source);
      }
    }
    const full = await startTestApp({}, { files: new FullDisk(dir) });
    const url = await listen(full.app);
    const w = await createWorkspace(full.db);
    const s = await signInPortal(full.app, w.slug, w.clients[0].members[0].email);
    const res = await upload(url, s, [{ name: 'a.txt', data: Buffer.from('a') }, { name: 'b.txt', data: Buffer.from('b') }]);
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('storage_unavailable');
    expect(readdirSync(dir, { recursive: true }).filter((f) => /[0-9a-f]{32}$/.test(String(f)))).toEqual([]);
    expect((await full.db.query('select 1 from attachments where workspace_id = $1', [w.id])).length).toBe(0);
    await full.close();
  });
});
