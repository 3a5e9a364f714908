/**
 * Files on tickets, replies and notes: all-or-nothing claiming, who may download what,
 * the headers a download carries, retries with an Idempotency-Key, and the clean-up job.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWorkspace,
  portalTicket,
  signInPortal,
  signInStaff,
  startTestApp,
  type Session,
  type TestEnv,
  type TestWorkspace,
} from '../../test/harness.ts';
import { injectUpload, PNG } from '../../test/multipart.ts';
import { cleanUpFiles } from './clean-up.ts';

let env: TestEnv;
let ws: TestWorkspace;
let requester: Session;
let colleague: Session;
let manager: Session;
let agent: Session;

const uploadOne = async (s: Session, name: string, data: Buffer = Buffer.from(`contents of ${name}\n`), type?: string) => {
  const res = await injectUpload(s, [{ name, data, ...(type ? { type } : {}) }]);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().items[0] as { id: string; url: string; previewUrl: string | null; name: string };
};
const ticketCount = async () =>
  (await env.db.query<{ n: number }>('select count(*)::int as n from tickets where workspace_id = $1', [ws.id]))[0]!.n;

beforeAll(async () => {
  env = await startTestApp();
  ws = await createWorkspace(env.db);
  requester = await signInPortal(env.app, ws.slug, ws.clients[0].members[0].email);
  colleague = await signInPortal(env.app, ws.slug, ws.clients[0].members[1].email);
  manager = await signInPortal(env.app, ws.slug, ws.clients[0].manager.email);
  agent = await signInStaff(env.app, ws.agent.email);
});
afterAll(() => env.close());

describe('a ticket with files', () => {
  it('is created with its files, which the requester, the manager and staff can download; a colleague cannot', async () => {
    const image = await uploadOne(requester, 'screen.png', PNG, 'image/png');
    const doc = await uploadOne(requester, 'steps.txt');
    const number = await portalTicket(requester, 'Printer offline', { attachmentIds: [image.id, doc.id] });
    const ticket = (await requester.get(`/tickets/${number}`)).json();
    expect(ticket.attachments.map((a: { name: string }) => a.name)).toEqual(['screen.png', 'steps.txt']);
    expect(ticket.attachments[0]).toMatchObject({ image: true, contentType: 'image/png' });

    for (const s of [requester, manager]) {
      const res = await s.get(`/attachments/${doc.id}`);
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe('contents of steps.txt\n');
    }
    expect((await colleague.get(`/attachments/${doc.id}`)).statusCode).toBe(404);
    expect((await colleague.get(`/tickets/${number}`)).statusCode).toBe(404);
    const staffView = (await agent.get(`/tickets/${number}`)).json();
    expect(staffView.attachments).toHaveLength(2);
    expect((await agent.get(`/attachments/${image.id}`)).rawPayload).toEqual(PNG);
  });

  it('is not created at all when one of its files is not the caller’s pending upload', async () => {
    const mine = await uploadOne(requester, 'mine.txt');
    const theirs = await uploadOne(colleague, 'theirs.txt');
    const justBefore = await portalTicket(requester, 'just before');
    const before = await ticketCount();
    const res = await requester.post('/tickets', { subject: 'x', description: 'y', attachmentIds: [mine.id, theirs.id] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('attachment_invalid');
    expect(await ticketCount()).toBe(before);
    // Nothing was claimed: the file can still be sent; and no ticket number was used up.
    expect(await portalTicket(requester, 'second try', { attachmentIds: [mine.id] })).toBe(justBefore + 1);
    const again = await requester.post('/tickets', { subject: 'x', description: 'y', attachmentIds: [mine.id] });
    expect(again.json().error.code).toBe('attachment_invalid'); // already on a ticket
    const unknown = await requester.post('/tickets', { subject: 'x', description: 'y', attachmentIds: [randomBytes(16).toString('base64url')] });
    expect(unknown.json().error.code).toBe('attachment_invalid');
  });

  it('refuses more files on one message than the workspace allows', async () => {
    const ids = [];
    for (let i = 0; i < 11; i++) ids.push((await uploadOne(requester, `n${i}.txt`)).id);
    const res = await requester.post('/tickets', { subject: 'x', description: 'y', attachmentIds: ids });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'too_many_files', details: { limit: 10 } });
    for (const id of ids) await requester.request('DELETE', `/uploads/${id}`);
  });
});

describe('replies and internal notes', () => {
  it('shows staff files on public replies to the contact, never those on internal notes', async () => {
    const number = await portalTicket(requester, 'VPN drops');
    const publicFile = await uploadOne(agent, 'guide.txt');
    const noteFile = await uploadOne(agent, 'INTERNAL-firewall.txt');
    await agent.post(`/tickets/${number}/messages`, { body: 'Try this guide', attachmentIds: [publicFile.id] });
    await agent.post(`/tickets/${number}/messages`, { body: 'firewall log', internal: true, attachmentIds: [noteFile.id] });
    const contactFile = await uploadOne(requester, 'log.txt');
    await requester.post(`/tickets/${number}/replies`, { body: 'still drops', attachmentIds: [contactFile.id] });

    const seen = await requester.get(`/tickets/${number}`);
    expect(seen.body).not.toContain('INTERNAL-firewall');
    expect(seen.body).not.toContain(noteFile.id);
    const thread = seen.json().thread as { body: string; attachments: { name: string }[] }[];
    expect(thread.find((m) => m.body === 'Try this guide')!.attachments.map((a) => a.name)).toEqual(['guide.txt']);
    expect(thread.find((m) => m.body === 'still drops')!.attachments.map((a) => a.name)).toEqual(['log.txt']);
    expect((await requester.get(`/attachments/${noteFile.id}`)).statusCode).toBe(404);
    expect((await requester.get(`/attachments/${publicFile.id}`)).statusCode).toBe(200);

    const staffThread = (await agent.get(`/tickets/${number}`)).json().thread as { internal: boolean; attachments: { name: string }[] }[];
    expect(staffThread.find((m) => m.internal)!.attachments.map((a) => a.name)).toEqual(['INTERNAL-firewall.txt']);
  });

  it('rolls a reply back, files and all, when it fails (closed ticket)', async () => {
    const number = await portalTicket(requester, 'to close');
    await requester.post(`/tickets/${number}/close`, { message: 'done' });
    const file = await uploadOne(requester, 'late.txt');
    const res = await requester.post(`/tickets/${number}/replies`, { body: 'one more', attachmentIds: [file.id] });
    expect(res.statusCode).toBe(409);
    const [row] = await env.db.query<{ ticket_id: string | null }>('select ticket_id from attachments where id = $1', [file.id]);
    expect(row!.ticket_id).toBeNull();
  });
});

describe('downloads', () => {
  let txt: { id: string };
  let png: { id: string };
  let svg: { id: string };
  let html: { id: string };
  beforeAll(async () => {
    txt = await uploadOne(requester, 'Résumé "final".txt', Buffer.from('0123456789abcdefghij'));
    png = await uploadOne(requester, 'shot.png', PNG);
    svg = await uploadOne(requester, 'logo.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'), 'image/svg+xml');
    html = await uploadOne(requester, 'page.html', Buffer.from('<!doctype html><script>alert(1)</script>'), 'text/html');
    await portalTicket(requester, 'files', { attachmentIds: [txt.id, png.id, svg.id, html.id] });
  });

  it('serves every file as an attachment with nosniff and a sandbox CSP', async () => {
    const res = await requester.get(`/attachments/${txt.id}`);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="Resume \\"final\\".txt"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22.txt`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain('sandbox');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('shows only safe raster images inline; SVG and HTML never', async () => {
    const image = await requester.get(`/attachments/${png.id}?inline=1`);
    expect(image.headers['content-disposition']).toMatch(/^inline;/);
    expect(image.headers['content-type']).toBe('image/png');
    for (const id of [svg.id, html.id]) {
      const res = await requester.get(`/attachments/${id}?inline=1`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-disposition']).toMatch(/^attachment;/);
      expect(res.headers['content-type']).toBe('application/octet-stream');
      expect(res.headers['content-security-policy']).toContain('sandbox');
    }
  });

  it('answers a repeat view with 304 and a range with 206', async () => {
    const first = await requester.get(`/attachments/${txt.id}`);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(first.headers['accept-ranges']).toBe('bytes');
    const again = await requester.request('GET', `/attachments/${txt.id}`, undefined, { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');

    const head = await env.app.inject({ method: 'HEAD', url: `${requester.base}/attachments/${txt.id}`, headers: { cookie: requester.cookie } });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe('20');
    expect(head.body).toBe('');

    const part = await requester.request('GET', `/attachments/${txt.id}`, undefined, { range: 'bytes=10-14' });
    expect(part.statusCode).toBe(206);
    expect(part.body).toBe('abcde');
    expect(part.headers['content-range']).toBe('bytes 10-14/20');
    const tail = await requester.request('GET', `/attachments/${txt.id}`, undefined, { range: 'bytes=-3' });
    expect(tail.body).toBe('hij');
    const beyond = await requester.request('GET', `/attachments/${txt.id}`, undefined, { range: 'bytes=50-60' });
    expect(beyond.statusCode).toBe(416);
    expect(beyond.headers['content-range']).toBe('bytes */20');
    // A range against a changed file (other ETag) gets the whole file.
    const stale = await requester.request('GET', `/attachments/${txt.id}`, undefined, { range: 'bytes=0-1', 'if-range': '"other"' });
    expect(stale.statusCode).toBe(200);
    expect(stale.body).toHaveLength(20);
  });

  it('gives 404 for guessed and malformed ids', async () => {
    for (const id of [randomBytes(16).toString('base64url'), 'x', `${txt.id}x`, '..%2F..%2Fetc%2Fpasswd']) {
      expect((await requester.get(`/attachments/${id}`)).statusCode).toBe(404);
      expect((await agent.get(`/attachments/${id}`)).statusCode).toBe(404);
    }
  });

  it('gives another workspace 404, even with a valid id', async () => {
    const other = await createWorkspace(env.db);
    const foreignStaff = await signInStaff(env.app, other.admin.email);
    const foreignContact = await signInPortal(env.app, other.slug, other.clients[0].manager.email);
    expect((await foreignStaff.get(`/attachments/${txt.id}`)).statusCode).toBe(404);
    expect((await foreignContact.get(`/attachments/${txt.id}`)).statusCode).toBe(404);
    // Nor can they attach it to their own ticket.
    const res = await foreignContact.post('/tickets', { subject: 'x', description: 'y', attachmentIds: [txt.id] });
    expect(res.json().error.code).toBe('attachment_invalid');
  });
});

describe('Idempotency-Key', () => {
  it('gives one ticket for a retried create, and refuses the key for a different request', async () => {
    const key = randomBytes(12).toString('hex');
    const body = { subject: 'Retry me', description: 'network flaked' };
    const before = await ticketCount();
    const first = await requester.request('POST', '/tickets', body, { 'idempotency-key': key });
    const second = await requester.request('POST', '/tickets', body, { 'idempotency-key': key });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json().number).toBe(first.json().number);
    expect(await ticketCount()).toBe(before + 1);
    const other = await requester.request('POST', '/tickets', { ...body, subject: 'Something else' }, { 'idempotency-key': key });
    expect(other.statusCode).toBe(422);
    expect(other.json().error.code).toBe('idempotency_key_reused');
    // Keys are per person: the same key from a colleague is a new request.
    const theirs = await colleague.request('POST', '/tickets', body, { 'idempotency-key': key });
    // …and the retry and the refused reuse took no ticket number: the colleague's is the next.
    expect(theirs.json().number).toBe(first.json().number + 1);
  });

  it('gives one ticket when the same create without files arrives six times at once', async () => {
    const key = randomBytes(12).toString('hex');
    const body = { subject: 'Six at once', description: 'impatient clicking' };
    const before = await ticketCount();
    const answers = await Promise.all(Array.from({ length: 6 }, () => requester.request('POST', '/tickets', body, { 'idempotency-key': key })));
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 201, 201, 201]);
    const first = answers[0]!.json();
    for (const a of answers) expect(a.json()).toEqual(first);
    expect(await ticketCount()).toBe(before + 1);
    const [events] = await env.db.query<{ n: number }>(
      `select count(*)::int as n from events e join tickets t on t.id = e.ticket_id
        where t.workspace_id = $1 and t.subject = 'Six at once' and e.type = 'ticket.created'`,
      [ws.id],
    );
    expect(events!.n).toBe(1);
  });

  it('gives one ticket when the same create arrives twice at once, files attached once', async () => {
    const file = await uploadOne(requester, 'race.txt');
    const key = randomBytes(12).toString('hex');
    const body = { subject: 'Twice at once', description: 'double click', attachmentIds: [file.id] };
    const before = await ticketCount();
    const [a, b] = await Promise.all([
      requester.request('POST', '/tickets', body, { 'idempotency-key': key }),
      requester.request('POST', '/tickets', body, { 'idempotency-key': key }),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.json().number).toBe(b.json().number);
    expect(await ticketCount()).toBe(before + 1);
    expect(a.json().attachments.map((f: { id: string }) => f.id)).toEqual([file.id]);
  });

  it('makes a retried reply count once', async () => {
    const number = await portalTicket(requester, 'reply retry');
    const key = randomBytes(12).toString('hex');
    await requester.request('POST', `/tickets/${number}/replies`, { body: 'once' }, { 'idempotency-key': key });
    await requester.request('POST', `/tickets/${number}/replies`, { body: 'once' }, { 'idempotency-key': key });
    const thread = (await requester.get(`/tickets/${number}`)).json().thread as { body: string }[];
    expect(thread.filter((m) => m.body === 'once')).toHaveLength(1);
    const bad = await requester.request('POST', `/tickets/${number}/replies`, { body: 'x' }, { 'idempotency-key': 'bad key with spaces' });
    expect(bad.statusCode).toBe(400);
  });
});

describe('clean-up', () => {
  it('removes unsent uploads after a day and blobs without a row after an hour, and nothing in use', async () => {
    const kept = await uploadOne(requester, 'kept.txt');
    await portalTicket(requester, 'kept', { attachmentIds: [kept.id] });
    const unsent = await uploadOne(requester, 'unsent.txt');
    const fresh = await uploadOne(requester, 'fresh.txt');
    await env.db.query(`update attachments set created_at = now() - interval '25 hours' where id = $1`, [unsent.id]);
    // A blob whose row never committed (a crash between the two).
    const orphanKey = `${ws.id}/ab/${'ab'.padEnd(32, '0')}`;
    const { Readable } = await import('node:stream');
    await env.app.deps.files.put(orphanKey, Readable.from([Buffer.from('orphan')]));

    const soon = await cleanUpFiles(env.app.deps);
    expect(await env.app.deps.files.stat(orphanKey)).not.toBeNull(); // younger than an hour: maybe still being committed
    expect(soon.pendingRemoved).toBeGreaterThanOrEqual(1);
    const later = await cleanUpFiles(env.app.deps, new Date(Date.now() + 2 * 3600_000));
    expect(later.orphansRemoved).toBeGreaterThanOrEqual(1);
    expect(await env.app.deps.files.stat(orphanKey)).toBeNull();

    const keys = async (id: string) => (await env.db.query<{ storage_key: string }>('select storage_key from attachments where id = $1', [id]))[0];
    expect(await keys(unsent.id)).toBeUndefined();
    expect((await requester.get(`/attachments/${kept.id}`)).statusCode).toBe(200);
    expect((await requester.get(`/attachments/${fresh.id}`)).statusCode).toBe(200);
  });
});
