/**
 * Portal access links: staff email a requester a personal link that signs them in and opens
 * one ticket. Real SMTP delivery, real database; each test has a workspace of its own.
 */
import { createHash } from 'node:crypto';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import {
  createWorkspace,
  portalTicket,
  randomLoopback,
  Session,
  signInPortal,
  signInStaff,
  startTestApp,
  type TestEnv,
  type TestWorkspace,
} from '../../test/harness.ts';
import { linkIn, startSmtp, type TestSmtp } from '../../test/smtp.ts';

let env: TestEnv;
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp();
  env = await startTestApp({ SMTP_URL: smtp.url });
});
afterAll(async () => {
  await env?.close();
  await smtp?.close();
});

const USER_AGENT = 'TestAgent/1.0';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** A ticket of the first client's first member, and that member's address. */
async function ticketOf(ws: TestWorkspace) {
  const requester = ws.clients[0].members[0];
  const number = await portalTicket(await signInPortal(env.app, ws.slug, requester.email), `Printer ${ws.slug}`);
  return { number, requester };
}

/** Staff "Send portal link": returns the path of the emailed link (`/portal/access/…`) and its token. */
async function sendLink(agent: Session, number: number, email: string) {
  const res = await agent.post(`/tickets/${number}/portal-links`);
  expect(res.statusCode, res.body).toBe(201);
  const mail = await smtp.waitFor((m) => m.to === email && m.subject.includes(`[#${number}]`));
  const url = new URL(linkIn(mail, '/portal/access/'));
  expect(url.origin).toBe('http://portico.test');
  const token = url.pathname.split('/').pop()!;
  return { path: url.pathname, token, mail, items: res.json().items };
}

/** Follows the link as a browser would (a GET with a user agent from some address). */
const openLink = (path: string, remoteAddress = randomLoopback(), headers: Record<string, string> = {}) =>
  env.app.inject({ url: path, headers: { 'user-agent': USER_AGENT, ...headers }, remoteAddress });

/** The portal session the link's redirect opened. */
async function sessionFrom(res: LightMyRequestResponse, slug: string) {
  const c = res.cookies.find((x) => x.name === 'sid');
  if (!c) throw new Error(`no sid cookie: ${res.statusCode} ${res.body}`);
  const cookie = `sid=${c.value}`;
  const boot = await env.app.inject({ url: `/portal/${slug}/api/bootstrap`, headers: { cookie } });
  return { session: new Session(env.app, `/portal/${slug}/api`, cookie, boot.json().session.csrfToken), boot: boot.json() };
}

/** The neutral "link not valid" page: 404 HTML, unbranded, and no session. */
function expectDeadLink(res: LightMyRequestResponse) {
  expect(res.statusCode).toBe(404);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.body).not.toMatch(/portico/i);
  expect(res.cookies).toEqual([]);
  expect(res.headers['set-cookie']).toBeUndefined();
}

const setExpiry = (token: string, interval: string) =>
  env.db.query(`update auth_tokens set expires_at = now() + $2::interval where token_hash = $1`, [sha256(token), interval]);

describe('portal access links', () => {
  it('emails the requester a link to the ticket and stores only the hash of its token', async () => {
    const ws = await createWorkspace(env.db);
    const { number, requester } = await ticketOf(ws);
    const agent = await signInStaff(env.app, ws.agent.email);
    const { path, token, mail, items } = await sendLink(agent, number, requester.email);

    expect(path).toMatch(/^\/portal\/access\/[A-Za-z0-9_-]{64}$/);
    expect(mail.subject).toContain(`[#${number}]`);
    expect(items).toEqual([
      expect.objectContaining({ status: 'active', createdBy: ws.agent.name, contact: { name: requester.name, email: requester.email }, uses: [] }),
    ]);
    const rows = await env.db.query<Record<string, unknown>>(`select * from auth_tokens where workspace_id = $1`, [ws.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ purpose: 'access_link', token_hash: sha256(token), contact_id: requester.id });
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(await env.db.query(`select id from auth_tokens where token_hash = $1`, [token])).toEqual([]);
  });

  it('opens a session on the ticket, logs each use, and works until revoked', async () => {
    const ws = await createWorkspace(env.db);
    const { number, requester } = await ticketOf(ws);
    const agent = await signInStaff(env.app, ws.agent.email);
    const { path } = await sendLink(agent, number, requester.email);

    const ip = randomLoopback();
    const res = await openLink(path, ip);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/portal/${ws.slug}/tickets/${number}`);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    const [cookie] = res.cookies;
    expect(cookie).toMatchObject({ name: 'sid', path: `/portal/${ws.slug}`, httpOnly: true });
    const { session, boot } = await sessionFrom(res, ws.slug);
    expect(boot.session).toMatchObject({ stage: 'active', contact: { id: requester.id, email: requester.email } });
    const ticket = await session.get(`/tickets/${number}`);
    expect(ticket.statusCode).toBe(200);
    expect(ticket.json().number).toBe(number);

    // Multi-use: a second open works too, and both uses are shown to staff.
    const ip2 = randomLoopback();
    expect((await openLink(path, ip2)).statusCode).toBe(303);
    const list = (await agent.get(`/tickets/${number}/portal-links`)).json().items;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ status: 'active', createdBy: ws.agent.name, revokedAt: null });
    expect(list[0].uses).toHaveLength(2);
    expect(list[0].uses.map((u: { ip: string }) => u.ip).sort()).toEqual([ip, ip2].sort());
    expect(list[0].uses[0]).toMatchObject({ userAgent: USER_AGENT });

    const revoked = await agent.post(`/portal-links/${list[0].id}/revoke`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().items[0]).toMatchObject({ id: list[0].id, status: 'revoked', revokedAt: expect.any(String) });
    expectDeadLink(await openLink(path));
    expect((await agent.get(`/tickets/${number}/portal-links`)).json().items[0].uses).toHaveLength(2);
  });

  it('stops working when it expires, not a moment before', async () => {
    const ws = await createWorkspace(env.db);
    const { number, requester } = await ticketOf(ws);
    const agent = await signInStaff(env.app, ws.agent.email);
    const { path, token } = await sendLink(agent, number, requester.email);

    await setExpiry(token, '1 second');
    expect((await openLink(path)).statusCode).toBe(303);
    await setExpiry(token, '-1 second');
    expectDeadLink(await openLink(path));
    expect((await agent.get(`/tickets/${number}/portal-links`)).json().items[0].status).toBe('expired');
  });

  it('answers unknown, malformed and short tokens with the same 404 page', async () => {
    const ws = await createWorkspace(env.db);
    const { number, requester } = await ticketOf(ws);
    const { token } = await sendLink(await signInStaff(env.app, ws.agent.email), number, requester.email);
    const wrong = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    for (const t of [wrong, 'abc', 'x'.repeat(63), `${token}x`, `${token.slice(0, 63)}%21`, sha256(token)]) {
      expectDeadLink(await openLink(`/portal/access/${t}`));
    }
  });

  it('refuses to send and stops existing links when the workspace switches access links off', async () => {
    const ws = await createWorkspace(env.db);
    const { number, requester } = await ticketOf(ws);
    const agent = await signInStaff(env.app, ws.agent.email);
    const { path } = await sendLink(agent, number, requester.email);

    const admin = await signInStaff(env.app, ws.admin.email);
    const off = await admin.patch('/settings', { signIn: { accessLink: false } });
    expect(off.statusCode).toBe(200);
    expect(off.json().signIn.accessLink).toBe(false);
    const send = await agent.post(`/tickets/${number}/portal-links`);
    expect(send.statusCode).toBe(403);
    expect(send.json().error.code).toBe('sign_in_method_disabled');
    expectDeadLink(await openLink(path));
    expect((await agent.get(`/tickets/${number}/portal-links`)).json().items).toHaveLength(1);
  });

  it('does not sign in a disabled contact', async () => {
    const ws = await createWorkspace(env.db);
    const { number, requester } = await ticketOf(ws);
    const agent = await signInStaff(env.app, ws.agent.email);
    const { path } = await sendLink(agent, number, requester.email);
    await env.db.query(`update contacts set status = 'disabled' where id = $1`, [requester.id]);
    expectDeadLink(await openLink(path));
    expect((await agent.get(`/tickets/${number}/portal-links`)).json().items[0].uses).toEqual([]);
  });

  it('keeps links and their sessions inside their own workspace', async () => {
    const a = await createWorkspace(env.db);
    const b = await createWorkspace(env.db);
    const requester = a.clients[0].members[0];
    const contact = await signInPortal(env.app, a.slug, requester.email);
    await portalTicket(contact);
    const number = await portalTicket(contact); // #2 exists in A only
    await portalTicket(await signInPortal(env.app, b.slug, b.clients[0].manager.email)); // B has #1
    const agentA = await signInStaff(env.app, a.agent.email);
    const { path, items } = await sendLink(agentA, number, requester.email);
    const linkId = items[0].id as string;

    const agentB = await signInStaff(env.app, b.agent.email);
    expect((await agentB.get(`/tickets/${number}/portal-links`)).statusCode).toBe(404);
    expect((await agentB.post(`/tickets/${number}/portal-links`)).statusCode).toBe(404);
    const revoke = await agentB.post(`/portal-links/${linkId}/revoke`);
    expect(revoke.statusCode).toBe(404);
    const [row] = await env.db.query<{ revoked_at: Date | null }>('select revoked_at from auth_tokens where id = $1', [linkId]);
    expect(row!.revoked_at).toBeNull();

    const opened = await openLink(path);
    expect(opened.statusCode).toBe(303);
    expect(opened.headers.location).toBe(`/portal/${a.slug}/tickets/${number}`);
    const { session } = await sessionFrom(opened, a.slug);
    expect((await session.get(`/tickets/${number}`)).statusCode).toBe(200);
    const onB = await env.app.inject({ url: `/portal/${b.slug}/api/tickets`, headers: { cookie: session.cookie } });
    expect(onB.statusCode).toBe(401);
    const bootB = await env.app.inject({ url: `/portal/${b.slug}/api/bootstrap`, headers: { cookie: session.cookie } });
    expect(bootB.json().session).toBeNull();
    // B's staff created no link of their own by trying.
    expect(await env.db.query('select id from auth_tokens where workspace_id = $1', [b.id])).toEqual([]);
  });

  it('asks for the second factor when the contact has one, then opens the ticket', async () => {
    const ws = await createWorkspace(env.db);
    const { number, requester } = await ticketOf(ws);
    // The contact turns on two-step verification first.
    const own = await signInPortal(env.app, ws.slug, requester.email);
    const setup = await own.post('/account/mfa/setup', {});
    expect(setup.statusCode, setup.body).toBe(200);
    const { secret } = setup.json();
    const step = Math.floor(Date.now() / 30_000);
    const confirm = await own.post('/account/mfa/confirm', { code: await generate({ secret, epoch: step * 30 }) });
    expect(confirm.statusCode, confirm.body).toBe(200);

    const { path } = await sendLink(await signInStaff(env.app, ws.agent.email), number, requester.email);
    const opened = await openLink(path);
    expect(opened.statusCode).toBe(303);
    const { session, boot } = await sessionFrom(opened, ws.slug);
    expect(boot.session).toMatchObject({ stage: 'mfa', mfa: { enrolled: true } });
    expect(boot.session.contact).toBeUndefined();
    expect((await session.get(`/tickets/${number}`)).statusCode).toBe(401);

    // A code of a later time step than the one used at enrolment (a code is accepted once).
    const code = await generate({ secret, epoch: Math.max(step + 1, Math.floor(Date.now() / 30_000)) * 30 });
    const mfa = await session.post('/auth/mfa', { code });
    expect(mfa.statusCode, mfa.body).toBe(200);
    expect(mfa.json()).toMatchObject({ ok: true, stage: 'active' });
    const { session: active } = await sessionFrom(mfa, ws.slug);
    expect(active.cookie).not.toBe(session.cookie);
    expect((await active.get(`/tickets/${number}`)).statusCode).toBe(200);
    expect((await session.get(`/tickets/${number}`)).statusCode).toBe(401);
  });
});
