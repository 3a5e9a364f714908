/**
 * Live chat over real sockets: availability, start, accept, messages with sequence numbers,
 * duplicate sends, resume after a reconnect, typing and receipts, files, and the
 * conversion of a closed chat into a ticket.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Chat, ChatMessage } from '../../../contracts/chat.ts';
import type { ServerFrame } from '../../../contracts/live.ts';
import { createWorkspace, signInPortal, signInStaff, startTestApp, type Session, type TestEnv, type TestWorkspace } from '../../test/harness.ts';
import { LiveTestClient } from '../../test/live-client.ts';
import { injectUpload, listen, PNG } from '../../test/multipart.ts';
import { withinHours, describeHours } from './availability.ts';
import { closeIdleChats } from './close-chat.ts';

let env: TestEnv;
let base: string;
let a: TestWorkspace;
let b: TestWorkspace;
let agentLive: LiveTestClient;
let agent: Session;
let admin: Session;

const portalLive = (ws: TestWorkspace, s: Session) => LiveTestClient.open(base, `/portal/${ws.slug}/api/live`, { cookie: s.cookie });
const staffLive = (s: Session) => LiveTestClient.open(base, '/staff/api/live', { cookie: s.cookie });
const updated = (id: string, status: Chat['status']) => (f: ServerFrame) => f.type === 'chat.updated' && f.chat.id === id && f.chat.status === status;
const messageFrame = (id: string, seq: number) => (f: ServerFrame) => f.type === 'chat.message' && f.chatId === id && f.message.seq === seq;
let n = 0;
const cid = () => `client-msg-${Date.now()}-${n++}`;

beforeAll(async () => {
  env = await startTestApp();
  base = await listen(env.app);
  a = await createWorkspace(env.db);
  b = await createWorkspace(env.db);
  agent = await signInStaff(env.app, a.agent.email);
  admin = await signInStaff(env.app, a.admin.email);
  expect((await agent.put('/chat/presence', { status: 'online' })).statusCode).toBe(200);
  // Online = said so + a live connection open.
  agentLive = await staffLive(agent);
  await agentLive.subscribe('chats');
});
afterAll(async () => {
  agentLive.close();
  await env.close();
});

/** A contact of A starts a chat; returns it with the contact's session and live connection. */
async function started(contactIndex = 0, message = 'My screen is blank') {
  const email = a.clients[0].members[contactIndex as 0 | 1].email;
  const contact = await signInPortal(env.app, a.slug, email);
  const res = await contact.post('/chats', { message });
  expect(res.statusCode, res.body).toBe(201);
  const chat = res.json().chat as Chat;
  const live = await portalLive(a, contact);
  return { contact, chat, live };
}

describe('availability', () => {
  beforeEach(async () => {
    await admin.patch('/settings', { chat: { enabled: true, hours: null } });
  });

  it('is available with a technician online, and says why when not', async () => {
    const contact = await signInPortal(env.app, a.slug, a.clients[1].manager.email);
    expect((await contact.get('/chat/availability')).json()).toEqual({ available: true });

    await admin.patch('/settings', { chat: { enabled: false } });
    expect((await contact.get('/chat/availability')).json()).toMatchObject({ available: false, reason: 'disabled' });
    const refused = await contact.post('/chats', { message: 'hello?' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('chat_unavailable');

    // Hours that are never open now: the day before today only.
    const yesterday = (new Date().getUTCDay() + 6) % 7;
    await admin.patch('/settings', { chat: { enabled: true, hours: { timezone: 'UTC', days: [yesterday], from: '00:00', to: '23:59' } } });
    expect((await contact.get('/chat/availability')).json()).toMatchObject({ available: false, reason: 'outside_hours' });

    // B has nobody online.
    const bContact = await signInPortal(env.app, b.slug, b.clients[0].members[0].email);
    expect((await bContact.get('/chat/availability')).json()).toMatchObject({ available: false, reason: 'no_agents' });
    expect((await bContact.post('/chats', { message: 'anyone?' })).json().error.code).toBe('chat_unavailable');
    expect(await env.db.query('select 1 from chats where workspace_id = $1', [b.id])).toEqual([]);
  });

  it('goes when the technician goes away or disconnects', async () => {
    const contact = await signInPortal(env.app, a.slug, a.clients[1].members[0].email);
    await agent.put('/chat/presence', { status: 'away' });
    expect((await contact.get('/chat/availability')).json()).toMatchObject({ reason: 'no_agents' });
    await agent.put('/chat/presence', { status: 'online' });
    expect((await contact.get('/chat/availability')).json()).toEqual({ available: true });
    // Admin online but with no live connection: not counted.
    await admin.put('/chat/presence', { status: 'online' });
    agentLive.close();
    await agentLive.closed();
    await new Promise((r) => setTimeout(r, 100));
    expect((await contact.get('/chat/availability')).json()).toMatchObject({ reason: 'no_agents' });
    agentLive = await staffLive(agent);
    await agentLive.subscribe('chats');
    await new Promise((r) => setTimeout(r, 100));
    expect((await contact.get('/chat/availability')).json()).toEqual({ available: true });
    await admin.put('/chat/presence', { status: 'away' });
  });

  it('reads opening hours in their own time zone', () => {
    const hours = { timezone: 'America/New_York', days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' };
    expect(withinHours(hours, new Date('2026-11-23T14:30:00Z'))).toBe(true); // Monday 09:30 in New York
    expect(withinHours(hours, new Date('2026-11-23T13:30:00Z'))).toBe(false); // 08:30
    expect(withinHours(hours, new Date('2026-11-23T22:00:00Z'))).toBe(false); // 17:00: closed
    expect(withinHours(hours, new Date('2026-11-22T15:00:00Z'))).toBe(false); // Sunday
    expect(describeHours(hours)).toBe('Mon–Fri 09:00–17:00 (America/New_York)');
  });

  it('validates hours', async () => {
    const res = await admin.patch('/settings', { chat: { hours: { timezone: 'Mars/Olympus', days: [], from: '18:00', to: '09:00' } } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['chat.hours.days', 'chat.hours.timezone', 'chat.hours.to']);
  });
});

describe('a chat', () => {
  it('waits, is accepted by one technician, and carries messages both ways live', async () => {
    const { contact, chat, live } = await started(0, 'My screen is blank');
    expect(chat).toMatchObject({ status: 'waiting', agent: null, lastSeq: 1, firstMessage: 'My screen is blank' });
    expect((await contact.post('/chats', { message: 'again' })).json().error).toMatchObject({ code: 'chat_already_open', details: { chatId: chat.id } });

    // The queue: a new chat, with the contact's name, client and first message.
    expect(await agentLive.next((f) => f.type === 'chats.changed' && f.newChat)).toMatchObject({ onlineAgents: 1 });
    const list = (await agent.get('/chats')).json();
    expect(list.waiting.find((c: Chat) => c.id === chat.id)).toMatchObject({
      contact: { name: expect.any(String) },
      client: { name: a.clients[0].name },
      firstMessage: 'My screen is blank',
    });

    expect(await live.subscribe(`chat:${chat.id}`)).toMatchObject({ type: 'subscribed' });
    expect(await live.next(messageFrame(chat.id, 1))).toBeTruthy();
    expect(await agentLive.subscribe(`chat:${chat.id}`)).toMatchObject({ type: 'subscribed' });

    // Two technicians accept at once: one gets it.
    const results = await Promise.all([agent.post(`/chats/${chat.id}/accept`), admin.post(`/chats/${chat.id}/accept`)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const winner = results[0]!.statusCode === 200 ? agent : admin;
    const loser = winner === agent ? admin : agent;
    expect(results.find((r) => r.statusCode === 409)!.json().error.code).toBe('chat_taken');
    expect(await live.next(updated(chat.id, 'active'))).toBeTruthy();
    expect(await live.next(messageFrame(chat.id, 2))).toMatchObject({ message: { author: { type: 'system' } } });

    // The one who lost may not write in it.
    expect((await loser.post(`/chats/${chat.id}/messages`, { clientId: cid(), body: 'me too' })).statusCode).toBe(403);
    if (winner === admin) {
      // Keep the rest of the test on the agent's socket.
      await env.db.query('update chats set agent_id = $2 where id = $1', [chat.id, a.agent.id]);
    }

    const sent = await live.sendChat(chat.id, 'contact-msg-0001', 'It shows a blue light');
    expect(sent).toMatchObject({ type: 'chat.ack', seq: 3 });
    const got = await agentLive.next<Extract<ServerFrame, { type: 'chat.message' }>>(messageFrame(chat.id, 3), 1000);
    expect(got.message).toMatchObject({ body: 'It shows a blue light', author: { type: 'contact', id: a.clients[0].members[0].id } });

    const reply = await agentLive.sendChat(chat.id, 'agent-msg-0001', 'Hold the power button for 10 seconds');
    expect(reply).toMatchObject({ type: 'chat.ack', seq: 4 });
    expect(await live.next(messageFrame(chat.id, 4), 1000)).toMatchObject({ message: { author: { type: 'staff' } } });

    // Typing reaches the other side only.
    const mark = live.frames.length;
    live.send({ type: 'chat.typing', chatId: chat.id });
    expect(await agentLive.next((f) => f.type === 'chat.typing' && f.chatId === chat.id)).toMatchObject({ from: 'contact' });
    await new Promise((r) => setTimeout(r, 100));
    expect(live.frames.slice(mark).filter((f) => f.type === 'chat.typing')).toEqual([]);

    // Read receipts: the contact read up to 4.
    live.send({ type: 'chat.seen', chatId: chat.id, delivered: 4, read: 4 });
    expect(await agentLive.next((f) => f.type === 'chat.receipt' && f.side === 'contact' && f.read === 4)).toMatchObject({ delivered: 4 });
    // Marks never pass the last message, never go back.
    live.send({ type: 'chat.seen', chatId: chat.id, delivered: 99, read: 2 });
    const [row] = await env.db.query<{ d: number; r: number }>('select contact_delivered_seq as d, contact_read_seq as r from chats where id = $1', [chat.id]);
    await new Promise((r) => setTimeout(r, 100));
    expect(row).toEqual({ d: 4, r: 4 });

    live.close();
    agentLive.send({ type: 'unsubscribe', topic: `chat:${chat.id}` });
    await contact.post(`/chats/${chat.id}/close`);
  });

  it('stores a re-sent message once and acknowledges it with the same number', async () => {
    const { contact, chat, live } = await started(1, 'Duplicate test');
    await live.subscribe(`chat:${chat.id}`);
    const first = await live.sendChat(chat.id, 'same-client-id-1', 'Only once please');
    const again = await live.sendChat(chat.id, 'same-client-id-1', 'Only once please');
    expect(again).toEqual(first);
    const viaHttp = await contact.post(`/chats/${chat.id}/messages`, { clientId: 'same-client-id-1', body: 'Only once please' });
    expect(viaHttp.statusCode).toBe(200);
    expect(viaHttp.json().message.seq).toBe((first as { seq: number }).seq);
    const rows = await env.db.query('select seq from chat_messages where chat_id = $1 and client_msg_id = $2', [chat.id, 'same-client-id-1']);
    expect(rows).toHaveLength(1);
    // Every message arrives once on the socket, even though it was published three times.
    await new Promise((r) => setTimeout(r, 200));
    expect(live.chatMessages(chat.id).map((m) => m.seq)).toEqual([1, 2]);
    // Concurrent re-sends over HTTP: still one row.
    const burst = await Promise.all([1, 2, 3, 4].map(() => contact.post(`/chats/${chat.id}/messages`, { clientId: 'same-client-id-2', body: 'x' })));
    expect(new Set(burst.map((r) => r.json().message.seq)).size).toBe(1);
    live.close();
    await contact.post(`/chats/${chat.id}/close`);
  });

  it('resumes after a reconnect with exactly the messages missed', async () => {
    const { contact, chat, live } = await started(0, 'Resume test');
    await agent.post(`/chats/${chat.id}/accept`);
    await live.subscribe(`chat:${chat.id}`);
    await live.next(messageFrame(chat.id, 2));
    live.close();
    await live.closed();
    for (const body of ['while you were away 1', 'while you were away 2', 'while you were away 3']) {
      expect((await agent.post(`/chats/${chat.id}/messages`, { clientId: cid(), body })).statusCode).toBe(201);
    }
    const back = await portalLive(a, contact);
    await back.subscribe(`chat:${chat.id}`, 2);
    await back.next(messageFrame(chat.id, 5));
    await new Promise((r) => setTimeout(r, 150));
    expect(back.chatMessages(chat.id).map((m) => [m.seq, m.body])).toEqual([
      [3, 'while you were away 1'],
      [4, 'while you were away 2'],
      [5, 'while you were away 3'],
    ]);
    // And live again afterwards.
    await agent.post(`/chats/${chat.id}/messages`, { clientId: cid(), body: 'welcome back' });
    expect(await back.next(messageFrame(chat.id, 6))).toBeTruthy();
    back.close();
    await contact.post(`/chats/${chat.id}/close`);
  });

  it('is private to its contact and its workspace', async () => {
    const { contact, chat, live } = await started(0, 'PRIVATE chat');
    const colleague = await signInPortal(env.app, a.slug, a.clients[0].members[1].email);
    const otherClient = await signInPortal(env.app, a.slug, a.clients[1].manager.email);
    const foreignStaff = await signInStaff(env.app, b.admin.email);
    for (const s of [colleague, otherClient]) {
      const c = await portalLive(a, s);
      expect(await c.subscribe(`chat:${chat.id}`)).toMatchObject({ type: 'error', code: 'not_found' });
      expect(await c.sendChat(chat.id, cid(), 'intrude')).toMatchObject({ type: 'error', code: 'not_found' });
      c.send({ type: 'chat.typing', chatId: chat.id });
      expect((await s.get(`/chats/${chat.id}`)).statusCode).toBe(404);
      expect((await s.post(`/chats/${chat.id}/close`)).statusCode).toBe(404);
      expect((await s.get('/chats/current')).json()).toEqual({ chat: null });
      c.close();
    }
    const fs = await staffLive(foreignStaff);
    expect(await fs.subscribe(`chat:${chat.id}`)).toMatchObject({ type: 'error', code: 'not_found' });
    expect(await fs.subscribe('chats')).toMatchObject({ type: 'subscribed' });
    expect((await foreignStaff.post(`/chats/${chat.id}/accept`)).statusCode).toBe(404);
    expect(JSON.stringify((await foreignStaff.get('/chats')).json())).not.toContain('PRIVATE');
    fs.close();
    expect(await env.db.query('select seq from chat_messages where chat_id = $1', [chat.id])).toEqual([{ seq: 1 }]);
    live.close();
    await contact.post(`/chats/${chat.id}/close`);
  });

  it('refuses bad frames with a stable code and stores nothing', async () => {
    const { contact, chat, live } = await started(1, 'Bad frames');
    await live.subscribe(`chat:${chat.id}`);
    expect(await live.sendChat(chat.id, 'bad id!', 'x')).toMatchObject({ type: 'error', code: 'validation_failed' });
    expect(await live.sendChat(chat.id, cid(), '   ')).toMatchObject({ type: 'error', code: 'validation_failed' });
    expect(await live.sendChat(chat.id, cid(), 'x'.repeat(4001))).toMatchObject({ type: 'error', code: 'validation_failed' });
    expect(await live.sendChat(chat.id, cid(), 'file?', ['not-mine-xxxxxxxxxxxxxxxx'])).toMatchObject({ type: 'error', code: 'attachment_invalid' });
    live.ws.send('not json');
    expect(await live.next((f) => f.type === 'error' && f.code === 'invalid_json')).toBeTruthy();
    expect(await env.db.query('select seq from chat_messages where chat_id = $1', [chat.id])).toEqual([{ seq: 1 }]);
    live.close();
    await contact.post(`/chats/${chat.id}/close`);
    expect(await live.closed()).toBeTypeOf('number');
    const after = await portalLive(a, contact);
    expect(await after.sendChat(chat.id, cid(), 'too late')).toMatchObject({ type: 'error', code: 'chat_closed' });
    after.close();
  });
});

describe('closing a chat', () => {
  it('turns the transcript into a ticket: every message, author, time and file', async () => {
    const { contact, chat, live } = await started(0, 'Outlook keeps crashing');
    await live.subscribe(`chat:${chat.id}`);
    await agent.post(`/chats/${chat.id}/accept`);
    const shot = (await injectUpload(contact, [{ name: 'crash.png', type: 'image/png', data: PNG }])).json().items[0];
    expect(await live.sendChat(chat.id, 'contact-file-01', 'Here is the error', [shot.id])).toMatchObject({ type: 'chat.ack', seq: 3 });
    const fileMsg = await live.next<Extract<ServerFrame, { type: 'chat.message' }>>(messageFrame(chat.id, 3));
    expect(fileMsg.message.attachments).toMatchObject([{ name: 'crash.png', image: true, url: `/portal/${a.slug}/api/attachments/${shot.id}` }]);
    expect((await contact.get(`/attachments/${shot.id}`)).statusCode).toBe(200);
    expect((await agent.get(`/attachments/${shot.id}`)).statusCode).toBe(200);
    const colleague = await signInPortal(env.app, a.slug, a.clients[0].members[1].email);
    expect((await colleague.get(`/attachments/${shot.id}`)).statusCode).toBe(404);
    await agent.post(`/chats/${chat.id}/messages`, { clientId: cid(), body: 'Repairing Office now' });
    const messages = (await agent.get(`/chats/${chat.id}`)).json().messages as ChatMessage[];

    const closed = await agent.post(`/chats/${chat.id}/close`);
    expect(closed.statusCode).toBe(200);
    const number = closed.json().chat.ticketNumber as number;
    expect(number).toBeGreaterThan(0);
    expect(await live.next(updated(chat.id, 'closed'))).toMatchObject({ chat: { ticketNumber: number, closedBy: 'staff' } });
    // Closing again (the contact, at the same moment) gives the same ticket.
    expect((await contact.post(`/chats/${chat.id}/close`)).json().chat.ticketNumber).toBe(number);

    const ticket = (await contact.get(`/tickets/${number}`)).json();
    expect(ticket).toMatchObject({ subject: 'Chat: Outlook keeps crashing', description: 'Outlook keeps crashing', status: 'solved' });
    const staffView = (await agent.get(`/tickets/${number}`)).json();
    expect(staffView).toMatchObject({ assignee: { id: a.agent.id }, source: 'chat' });
    const replies = (ticket.thread ?? ticket.messages).filter((m: { kind: string }) => m.kind === 'reply');
    const transcript = messages.filter((m) => m.seq > 1 && m.author.type !== 'system');
    expect(replies.map((m: { body: string }) => m.body)).toEqual(transcript.map((m) => m.body));
    expect(replies.map((m: { createdAt: string }) => m.createdAt)).toEqual(transcript.map((m) => m.createdAt));
    expect(replies.map((m: { author: { name: string } }) => m.author.name)).toEqual(transcript.map((m) => m.author.name));
    expect(new Date(ticket.createdAt).toISOString()).toBe(chat.createdAt);
    const withFile = replies.find((m: { body: string }) => m.body === 'Here is the error');
    expect(withFile.attachments).toMatchObject([{ id: shot.id, name: 'crash.png' }]);
    expect((await contact.get(`/attachments/${shot.id}`)).statusCode).toBe(200);
    live.close();
  });

  it('a chat nobody answered becomes a new, unassigned ticket', async () => {
    const { contact, chat, live } = await started(1, 'Anyone there?');
    const res = await contact.post(`/chats/${chat.id}/close`);
    const number = res.json().chat.ticketNumber;
    expect((await agent.get(`/tickets/${number}`)).json()).toMatchObject({ status: 'new', assignee: null, source: 'chat' });
    expect((await contact.get('/chats/current')).json()).toEqual({ chat: null });
    live.close();
  });

  it('an abandoned chat (an hour without messages) is closed into a ticket; a lively one is not', async () => {
    const quiet = await started(0, 'Then I left');
    await agent.post(`/chats/${quiet.chat.id}/accept`);
    await quiet.live.subscribe(`chat:${quiet.chat.id}`);
    const lively = await started(1, 'Still here');
    const old = `now() - interval '61 minutes'`;
    await env.db.query(`update chats set created_at = ${old} where id = any($1::uuid[])`, [[quiet.chat.id, lively.chat.id]]);
    await env.db.query(`update chat_messages set created_at = ${old} where chat_id = any($1::uuid[])`, [[quiet.chat.id, lively.chat.id]]);
    // The lively one has just had a message.
    await lively.contact.post(`/chats/${lively.chat.id}/messages`, { clientId: cid(), body: 'hello?' });

    // (On a shared database other runs' abandoned chats may be closed too.)
    expect(await closeIdleChats(env.app.deps, 60)).toBeGreaterThanOrEqual(1);
    const closed = await quiet.live.next<Extract<ServerFrame, { type: 'chat.updated' }>>(updated(quiet.chat.id, 'closed'));
    expect(closed.chat).toMatchObject({ closedBy: 'system', ticketNumber: expect.any(Number) });
    expect((await agent.get(`/tickets/${closed.chat.ticketNumber}`)).json()).toMatchObject({ status: 'solved', source: 'chat', assignee: { id: a.agent.id } });
    expect((await lively.contact.get('/chats/current')).json().chat).toMatchObject({ id: lively.chat.id, status: 'waiting' });
    await closeIdleChats(env.app.deps, 60);
    expect((await lively.contact.get('/chats/current')).json().chat).toMatchObject({ id: lively.chat.id });
    quiet.live.close();
    lively.live.close();
    await lively.contact.post(`/chats/${lively.chat.id}/close`);
  });
});
