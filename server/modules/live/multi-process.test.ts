/**
 * Several Portico processes on one PostgreSQL: a contact on one process and a technician
 * on another chat live, and a ticket change made through one reaches a page on the other
 * — through PostgreSQL LISTEN/NOTIFY, and once through Redis. A process killed
 * mid-conversation (also right after a commit, before it could publish or acknowledge)
 * loses nothing and doubles nothing once the client reconnects to the other process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../contracts/chat.ts';
import type { ServerFrame } from '../../../contracts/live.ts';
import { openPostgres, type Db } from '../../platform/db/db.ts';
import { createWorkspace, TEST_PASSWORD, type TestWorkspace } from '../../test/harness.ts';
import { LiveTestClient } from '../../test/live-client.ts';
import { freePort, killAll, startProcess, waitHealthy } from '../../test/process.ts';

const DB_URL = process.env.TEST_DATABASE_URL;
const REDIS_URL = process.env.TEST_REDIS_URL;

type Proc = ReturnType<typeof startProcess> & { url: string };
type Over = { url: string; base: string; cookie: string; csrfToken: string };

let db: Db;
let ws: TestWorkspace;

async function run(env: Record<string, string> = {}): Promise<Proc> {
  const port = await freePort();
  const proc = startProcess({ DATABASE_URL: DB_URL!, SEED_DEMO: 'false', PORT: String(port), NODE_ENV: 'test', PUBLIC_URL: `http://127.0.0.1:${port}`, ...env });
  await waitHealthy(port, proc.exited);
  return { ...proc, url: `http://127.0.0.1:${port}` };
}

async function signIn(url: string, base: string, email: string): Promise<Over> {
  const res = await fetch(`${url}${base}/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ email, password: TEST_PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const boot = (await (await fetch(`${url}${base}/bootstrap`, { headers: { cookie } })).json()) as { session: { csrfToken: string } };
  return { url, base, cookie, csrfToken: boot.session.csrfToken };
}

/** The same session used at another process's address (one database, one session). */
const at = (s: Over, url: string): Over => ({ ...s, url });

async function call(s: Over, method: string, path: string, body?: unknown) {
  const res = await fetch(`${s.url}${s.base}${path}`, {
    method,
    headers: { cookie: s.cookie, origin: s.url, 'x-csrf-token': s.csrfToken, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

/** The technician's connection marks them online a moment after it opens. */
async function untilAvailable(contact: Over) {
  for (let i = 0; i < 50; i++) {
    if ((await call(contact, 'GET', '/chat/availability')).json.available) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('chat never became available');
}

const live = (s: Over, path: string) => LiveTestClient.open(s.url, path, { cookie: s.cookie });
const msg = (chatId: string, seq: number) => (f: ServerFrame) => f.type === 'chat.message' && f.chatId === chatId && f.message.seq === seq;

/** Messages a connection received for a chat: each sequence number once, with no gap. */
function expectContiguous(messages: ChatMessage[], from: number, to: number) {
  expect(messages.map((m) => m.seq)).toEqual(Array.from({ length: to - from + 1 }, (_, i) => from + i));
}

/**
 * A session process 1 has just served (and so remembers) is signed out through process 2:
 * process 1 refuses it within a second — told through the relay, not by its cache expiring (5 s).
 */
async function signOutAcross(s: Over, p1: Proc, p2: Proc, path: string) {
  const on1 = at(s, p1.url);
  expect((await call(on1, 'GET', path)).status).toBe(200);
  expect((await call(at(s, p2.url), 'POST', '/auth/sign-out', {})).status).toBe(200);
  const t0 = Date.now();
  let status = 200;
  while (Date.now() - t0 < 1000 && (status = (await call(on1, 'GET', path)).status) === 200) await new Promise((r) => setTimeout(r, 20));
  expect(status).toBe(401);
}

beforeAll(async () => {
  if (!DB_URL) return;
  db = await openPostgres(DB_URL, 2);
  ws = await createWorkspace(db);
});
afterAll(async () => {
  killAll();
  await db?.close();
});

/** Contact on process 1, technician on process 2: chat both ways and a ticket change. */
async function chatAcross(p1: Proc, p2: Proc, contactIndex: 0 | 1) {
  const portal = `/portal/${ws.slug}/api`;
  const contact = await signIn(p1.url, portal, ws.clients[contactIndex].members[0].email);
  const agent = await signIn(p2.url, '/staff/api', ws.agent.email);
  expect((await call(agent, 'PUT', '/chat/presence', { status: 'online' })).status).toBe(200);
  const agentLive = await live(agent, '/staff/api/live');
  await agentLive.subscribe('chats');
  const contactLive = await live(contact, `${portal}/live`);
  await contactLive.subscribe('tickets');

  // A ticket change made through process 2 reaches the portal page on process 1.
  const created = await call(contact, 'POST', '/tickets', { subject: 'Across processes', description: 'x', priority: 'normal' });
  expect(created.status).toBe(201);
  const number = created.json.number as number;
  await contactLive.subscribe(`ticket:${number}`);
  const t0 = Date.now();
  expect((await call(agent, 'POST', `/tickets/${number}/messages`, { body: 'Seen it', internal: false })).status).toBe(201);
  await contactLive.next((f) => f.type === 'ticket.changed' && f.number === number && f.change === 'replied', 2000);
  const ticketLatency = Date.now() - t0;

  // Chat: started on 1, seen waiting and accepted on 2.
  await untilAvailable(contact);
  const start = await call(contact, 'POST', '/chats', { message: 'Started on process one' });
  expect(start.status).toBe(201);
  const chatId = start.json.chat.id as string;
  await agentLive.next((f) => f.type === 'chats.changed' && f.newChat, 2000);
  await contactLive.subscribe(`chat:${chatId}`);
  await agentLive.subscribe(`chat:${chatId}`);
  expect((await call(agent, 'POST', `/chats/${chatId}/accept`)).status).toBe(200);
  await contactLive.next((f) => f.type === 'chat.updated' && f.chat.status === 'active', 2000);
  expect(await contactLive.sendChat(chatId, 'across-contact-1', 'Hello from one')).toMatchObject({ type: 'chat.ack', seq: 3 });
  expect(await agentLive.next(msg(chatId, 3), 2000)).toMatchObject({ message: { body: 'Hello from one' } });
  expect(await agentLive.sendChat(chatId, 'across-agent-1', 'Hello from two')).toMatchObject({ type: 'chat.ack', seq: 4 });
  expect(await contactLive.next(msg(chatId, 4), 2000)).toMatchObject({ message: { body: 'Hello from two' } });
  contactLive.send({ type: 'chat.typing', chatId });
  expect(await agentLive.next((f) => f.type === 'chat.typing' && f.chatId === chatId, 2000)).toMatchObject({ from: 'contact' });
  return { contact, agent, agentLive, contactLive, chatId, ticketLatency };
}

describe.runIf(DB_URL)('two processes on one PostgreSQL (LISTEN/NOTIFY)', () => {
  it('carry a chat and ticket changes across; a killed process loses and doubles nothing', async () => {
    const [p1, p2] = [await run(), await run()];
    const { contact, agent, agentLive, contactLive, chatId } = await chatAcross(p1, p2, 0);

    // Five messages in flight, then process 1 dies with them.
    const clientIds = ['kill-0001', 'kill-0002', 'kill-0003', 'kill-0004', 'kill-0005'];
    for (const id of clientIds) contactLive.send({ type: 'chat.send', chatId, clientId: id, body: `in flight ${id}` });
    p1.child.kill('SIGKILL');
    await contactLive.closed();
    const held = Math.max(...contactLive.chatMessages(chatId).map((m) => m.seq));

    // The client reconnects to process 2, resumes after what it holds, and re-sends every
    // message it has no acknowledgement for (acknowledged ones too, to be thorough).
    const back = await live(at(contact, p2.url), `/portal/${ws.slug}/api/live`);
    await back.subscribe(`chat:${chatId}`, held);
    for (const id of clientIds) expect(await back.sendChat(chatId, id, `in flight ${id}`)).toMatchObject({ type: 'chat.ack' });
    expect(await agentLive.sendChat(chatId, 'after-kill-agent', 'Still here')).toMatchObject({ type: 'chat.ack', seq: 10 });
    await back.next(msg(chatId, 10), 2000);
    await agentLive.next(msg(chatId, 10), 2000);

    const rows = await db.query<{ client_msg_id: string; n: number }>(
      `select client_msg_id, count(*)::int as n from chat_messages where chat_id = $1 and client_msg_id like 'kill-%' group by 1 order by 1`,
      [chatId],
    );
    expect(rows).toEqual(clientIds.map((id) => ({ client_msg_id: id, n: 1 })));
    // Process 2's technician saw every message once, in order; the contact has all of them
    // across its two connections, none twice.
    expectContiguous(agentLive.chatMessages(chatId), 1, 10);
    expectContiguous([...contactLive.chatMessages(chatId), ...back.chatMessages(chatId)], 1, 10);
    expect(agentLive.chatMessages(chatId).filter((m) => m.clientId?.startsWith('kill-')).map((m) => m.clientId).sort()).toEqual(clientIds);

    // The ticket made when the chat closes keeps all of it.
    const closed = await call(agent, 'POST', `/chats/${chatId}/close`);
    const ticket = await call(agent, 'GET', `/tickets/${closed.json.chat.ticketNumber}`);
    expect(ticket.json.thread.filter((m: { kind: string }) => m.kind === 'reply').length).toBe(2 + 5 + 1);
    for (const c of [agentLive, back]) c.close();
    p2.child.kill('SIGTERM');
    await p2.exited;
  });

  it('a process killed after storing a message but before publishing it: the re-send on the other delivers it once', async () => {
    const p1 = await run({ FAILPOINT: 'chat.after-commit' });
    const p2 = await run();
    const portal = `/portal/${ws.slug}/api`;
    const contact = await signIn(p1.url, portal, ws.clients[1].members[1].email);
    const agent = await signIn(p2.url, '/staff/api', ws.admin.email);
    await call(agent, 'PUT', '/chat/presence', { status: 'online' });
    const agentLive = await live(agent, '/staff/api/live');
    await untilAvailable(contact);
    const chatId = (await call(contact, 'POST', '/chats', { message: 'Failpoint chat' })).json.chat.id as string;
    await agentLive.subscribe(`chat:${chatId}`);
    await call(agent, 'POST', `/chats/${chatId}/accept`);
    const contactLive = await live(contact, `${portal}/live`);
    await contactLive.subscribe(`chat:${chatId}`);
    contactLive.send({ type: 'chat.send', chatId, clientId: 'committed-0001', body: 'Stored, never announced' });
    expect(await p1.exited).toBeNull(); // killed itself right after the commit
    const [stored] = await db.query<{ seq: number }>(`select seq from chat_messages where chat_id = $1 and client_msg_id = 'committed-0001'`, [chatId]);
    expect(stored!.seq).toBe(3);
    expect(agentLive.chatMessages(chatId).map((m) => m.seq)).toEqual([1, 2]); // never published

    const back = await live(at(contact, p2.url), `${portal}/live`);
    await back.subscribe(`chat:${chatId}`, 2);
    expect(await back.sendChat(chatId, 'committed-0001', 'Stored, never announced')).toMatchObject({ type: 'chat.ack', seq: 3 });
    expect(await agentLive.next(msg(chatId, 3), 2000)).toMatchObject({ message: { body: 'Stored, never announced' } });
    await new Promise((r) => setTimeout(r, 200));
    expectContiguous(agentLive.chatMessages(chatId), 1, 3);
    expectContiguous(back.chatMessages(chatId), 3, 3);
    await call(agent, 'POST', `/chats/${chatId}/close`);
    await call(agent, 'PUT', '/chat/presence', { status: 'away' });
    for (const c of [agentLive, back]) c.close();
    p2.child.kill('SIGTERM');
    await p2.exited;
  });
});

describe.runIf(DB_URL)('two processes on one PostgreSQL: remembered sign-ins', () => {
  it('a sign-out on one process ends the session on the other at once', async () => {
    const [p1, p2] = [await run(), await run()];
    await signOutAcross(await signIn(p1.url, `/portal/${ws.slug}/api`, ws.clients[0].manager.email), p1, p2, '/tickets');
    await signOutAcross(await signIn(p1.url, '/staff/api', ws.admin.email), p1, p2, '/tickets');
    for (const p of [p1, p2]) p.child.kill('SIGTERM');
    await Promise.all([p1.exited, p2.exited]);
  });
});

describe.runIf(DB_URL && REDIS_URL)('two processes with Redis', () => {
  it('carry a chat and ticket changes across through Redis pub/sub', async () => {
    const [p1, p2] = [await run({ REDIS_URL: REDIS_URL! }), await run({ REDIS_URL: REDIS_URL! })];
    const { agentLive, contactLive, agent, chatId } = await chatAcross(p1, p2, 1);
    await call(agent, 'POST', `/chats/${chatId}/close`);
    await contactLive.next((f) => f.type === 'chat.updated' && f.chat.status === 'closed', 2000);
    for (const c of [agentLive, contactLive]) c.close();
    await signOutAcross(await signIn(p1.url, `/portal/${ws.slug}/api`, ws.clients[1].manager.email), p1, p2, '/tickets');
    for (const p of [p1, p2]) p.child.kill('SIGTERM');
    await Promise.all([p1.exited, p2.exited]);
  });
});
