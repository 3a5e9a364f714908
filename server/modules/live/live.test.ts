/**
 * The live connection over real sockets, in one process: handshake (session, Origin),
 * subscriptions authorised like the HTTP routes, ticket events only to those who may see
 * them, limits. Chat is in chat.test.ts; several processes in multi-process.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE, LIVE_LIMITS, type ServerFrame } from '../../../contracts/live.ts';
import { createWorkspace, portalTicket, signInPortal, signInStaff, startTestApp, type Session, type TestEnv, type TestWorkspace } from '../../test/harness.ts';
import { LiveTestClient } from '../../test/live-client.ts';
import { listen } from '../../test/multipart.ts';

let env: TestEnv;
let base: string;
let a: TestWorkspace;
let b: TestWorkspace;
let owner: Session;
let colleague: Session;
let manager: Session;
let otherClient: Session;
let agent: Session;
let foreignStaff: Session;
let ticket: number;

const portalPath = (ws: TestWorkspace) => `/portal/${ws.slug}/api/live`;
const changed = (n: number, change?: string) => (f: ServerFrame) =>
  f.type === 'ticket.changed' && f.number === n && (change === undefined || f.change === change);

beforeAll(async () => {
  env = await startTestApp();
  base = await listen(env.app);
  a = await createWorkspace(env.db);
  b = await createWorkspace(env.db);
  owner = await signInPortal(env.app, a.slug, a.clients[0].members[0].email);
  colleague = await signInPortal(env.app, a.slug, a.clients[0].members[1].email);
  manager = await signInPortal(env.app, a.slug, a.clients[0].manager.email);
  otherClient = await signInPortal(env.app, a.slug, a.clients[1].manager.email);
  agent = await signInStaff(env.app, a.agent.email);
  foreignStaff = await signInStaff(env.app, b.admin.email);
  await portalTicket(owner, 'one');
  await portalTicket(owner, 'two');
  ticket = await portalTicket(owner, 'Printer on fire');
});
afterAll(() => env.close());

describe('handshake', () => {
  it('needs an active session of this portal', async () => {
    await expect(LiveTestClient.open(base, portalPath(a))).rejects.toMatchObject({ status: 401 });
    // B's contact session presented at A's portal is no session there.
    const bContact = await signInPortal(env.app, b.slug, b.clients[0].members[0].email);
    await expect(LiveTestClient.open(base, portalPath(a), { cookie: bContact.cookie })).rejects.toMatchObject({ status: 401 });
    await expect(LiveTestClient.open(base, '/staff/api/live', { cookie: owner.cookie })).rejects.toMatchObject({ status: 401 });
    const ok = await LiveTestClient.open(base, portalPath(a), { cookie: owner.cookie });
    ok.close();
  });

  it('refuses another Origin, and none', async () => {
    await expect(LiveTestClient.open(base, portalPath(a), { cookie: owner.cookie, origin: 'https://evil.example' })).rejects.toMatchObject({ status: 403 });
    await expect(LiveTestClient.open(base, portalPath(a), { cookie: owner.cookie, origin: null })).rejects.toMatchObject({ status: 403 });
    await expect(LiveTestClient.open(base, '/staff/api/live', { cookie: agent.cookie, origin: 'http://portico.test.evil.example' })).rejects.toMatchObject({ status: 403 });
    // The configured public address is our own too.
    const ok = await LiveTestClient.open(base, '/staff/api/live', { cookie: agent.cookie, origin: 'http://portico.test' });
    ok.close();
  });
});

describe('subscriptions are authorised like the HTTP routes', () => {
  it('refuses tickets, chats and queues the person may not see', async () => {
    const c = await LiveTestClient.open(base, portalPath(a), { cookie: colleague.cookie });
    expect(await c.subscribe(`ticket:${ticket}`)).toMatchObject({ type: 'error', code: 'not_found' });
    expect(await c.subscribe('chats')).toMatchObject({ type: 'error', code: 'not_found' });
    expect(await c.subscribe('chat:00000000-0000-4000-8000-000000000000')).toMatchObject({ type: 'error', code: 'not_found' });
    expect(await c.subscribe('ticket:999999')).toMatchObject({ type: 'error', code: 'not_found' });
    c.send({ type: 'subscribe', topic: '../../etc' });
    expect(await c.next((f) => f.type === 'error' && f.code === 'validation_failed')).toBeTruthy();
    c.close();
    const other = await LiveTestClient.open(base, portalPath(a), { cookie: otherClient.cookie });
    expect(await other.subscribe(`ticket:${ticket}`)).toMatchObject({ type: 'error', code: 'not_found' });
    other.close();
    const foreign = await LiveTestClient.open(base, '/staff/api/live', { cookie: foreignStaff.cookie });
    expect(await foreign.subscribe(`ticket:${ticket}`)).toMatchObject({ type: 'error', code: 'not_found' });
    foreign.close();
  });
});

describe('ticket events', () => {
  it('reach the requester, the manager and staff within a second; never a colleague, another client or another workspace', async () => {
    const open = (s: Session, path = portalPath(a)) => LiveTestClient.open(base, path, { cookie: s.cookie });
    const [own, man, col, oth, staff, foreign] = await Promise.all([
      open(owner),
      open(manager),
      open(colleague),
      open(otherClient),
      open(agent, '/staff/api/live'),
      open(foreignStaff, '/staff/api/live'),
    ]);
    expect(await own.subscribe(`ticket:${ticket}`)).toMatchObject({ type: 'subscribed' });
    for (const c of [own, man, col, oth, staff, foreign]) expect(await c.subscribe('tickets')).toMatchObject({ type: 'subscribed' });

    const t0 = Date.now();
    expect((await agent.post(`/tickets/${ticket}/messages`, { body: 'On our way', internal: false })).statusCode).toBe(201);
    // A first reply also opens the ticket: two events, pushed in either order.
    for (const c of [own, man, staff]) expect(await c.next(changed(ticket, 'replied'), 1000)).toBeTruthy();
    expect(Date.now() - t0).toBeLessThan(1000);

    expect((await agent.patch(`/tickets/${ticket}`, { status: 'pending' })).statusCode).toBe(200);
    expect(await own.next(changed(ticket, 'status'))).toBeTruthy();

    // Internal notes: staff hear of them, contacts never.
    const before = own.frames.length;
    expect((await agent.post(`/tickets/${ticket}/messages`, { body: 'SECRET internal', internal: true })).statusCode).toBe(201);
    expect(await staff.next(changed(ticket, 'note'))).toBeTruthy();
    await new Promise((r) => setTimeout(r, 300));
    for (const c of [own, man]) expect(c.frames.slice(before).filter((f) => 'change' in f && f.change === 'note')).toEqual([]);

    for (const c of [col, oth, foreign]) {
      expect(c.frames.filter((f) => f.type === 'ticket.changed')).toEqual([]);
      expect(JSON.stringify(c.frames)).not.toContain('SECRET');
    }
    expect(JSON.stringify(own.frames)).not.toContain('SECRET');

    // Once CC'd, the colleague hears of the ticket.
    expect((await agent.put(`/tickets/${ticket}/cc`, { contactIds: [a.clients[0].members[1].id] })).statusCode).toBe(200);
    expect(await col.next(changed(ticket, 'cc'))).toBeTruthy();
    for (const c of [own, man, col, oth, staff, foreign]) c.close();
  });
});

describe('limits', () => {
  it('closes a connection sending frames over the size limit', async () => {
    const c = await LiveTestClient.open(base, portalPath(a), { cookie: owner.cookie });
    c.send({ type: 'subscribe', topic: 'tickets', pad: 'x'.repeat(LIVE_LIMITS.maxFrameBytes + 1) });
    expect(await c.closed()).toBe(1009);
  });

  it('answers a flood with rate_limited, then closes it', async () => {
    const c = await LiveTestClient.open(base, portalPath(a), { cookie: owner.cookie });
    for (let i = 0; i < LIVE_LIMITS.burst * 3; i++) c.send({ type: 'unsubscribe', topic: 'tickets' });
    expect(await c.next((f) => f.type === 'error' && f.code === 'rate_limited')).toBeTruthy();
    expect(await c.closed()).toBe(CLOSE.rateLimited);
  });

  it('keeps at most a fixed number of connections per session, closing the oldest', async () => {
    const clients: LiveTestClient[] = [];
    for (let i = 0; i < LIVE_LIMITS.connectionsPerSession + 1; i++) {
      clients.push(await LiveTestClient.open(base, portalPath(a), { cookie: manager.cookie }));
    }
    expect(await clients[0]!.closed()).toBe(CLOSE.tooManyConnections);
    expect(clients.slice(1).every((c) => c.closeCode === null)).toBe(true);
    for (const c of clients) c.close();
  });

  it('closes the sockets of a session that was revoked', async () => {
    const s = await signInPortal(env.app, a.slug, a.clients[1].members[0].email);
    const c = await LiveTestClient.open(base, portalPath(a), { cookie: s.cookie });
    expect((await s.post('/auth/sign-out')).statusCode).toBeLessThan(300);
    expect(await env.app.live.sweepSessions()).toBeGreaterThanOrEqual(1);
    expect(await c.closed()).toBe(CLOSE.unauthenticated);
  });
});
