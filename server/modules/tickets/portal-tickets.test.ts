import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, portalTicket, signInPortal, signInStaff, startTestApp, type TestEnv } from '../../test/harness.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await startTestApp();
});
afterAll(() => env.close());

describe('portal tickets', () => {
  it('a contact creates a ticket and sees it with number, status and priority', async () => {
    const ws = await createWorkspace(env.db);
    const tom = await signInPortal(env.app, ws.slug, ws.clients[0].members[0].email);
    const res = await tom.post('/tickets', { subject: '  Printer offline  ', description: 'Since 9am', priority: 'high' });
    expect(res.statusCode).toBe(201);
    const t = res.json();
    expect(t).toMatchObject({
      number: 1,
      subject: 'Printer offline',
      description: 'Since 9am',
      status: 'new',
      priority: 'high',
      assignee: null,
      requester: { name: ws.clients[0].members[0].name },
      thread: [],
      can: { reply: true, close: true },
    });
    expect(Date.parse(t.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    // The answer is made without reading the new ticket back: it must be what a read shows.
    const again = await tom.get('/tickets/1');
    expect(again.json()).toEqual(t);
    // Its audit event, written in the ticket's own statement when there are no files.
    const events = await env.db.query<{ type: string; actor_type: string; actor_id: string; payload: unknown; ip: string | null }>(
      `select e.type, e.actor_type, e.actor_id, e.payload, e.ip::text as ip from events e join tickets t on t.id = e.ticket_id
        where t.workspace_id = $1 and t.number = 1`,
      [ws.id],
    );
    expect(events).toEqual([
      { type: 'ticket.created', actor_type: 'contact', actor_id: ws.clients[0].members[0].id, payload: { number: 1, source: 'portal', files: 0 }, ip: expect.any(String) },
    ]);
  });

  it('numbers tickets per workspace, sequentially, even when created concurrently', async () => {
    const [a, b] = [await createWorkspace(env.db), await createWorkspace(env.db)];
    const sa = await signInPortal(env.app, a.slug, a.clients[0].manager.email);
    const sb = await signInPortal(env.app, b.slug, b.clients[0].manager.email);
    const numbers = await Promise.all(Array.from({ length: 8 }, () => portalTicket(sa)));
    expect(numbers.sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await portalTicket(sb)).toBe(1);
  });

  it('rejects bad input with 400, the offending fields, and creates nothing', async () => {
    const ws = await createWorkspace(env.db);
    const s = await signInPortal(env.app, ws.slug, ws.clients[0].manager.email);
    const res = await s.post('/tickets', { subject: '   ', priority: 'critical' });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['description', 'priority', 'subject']);
    const long = await s.post('/tickets', { subject: 'x'.repeat(201), description: 'd' });
    expect(long.json().error.fields).toEqual([{ field: 'subject', message: 'At most 200 characters' }]);
    expect((await s.get('/tickets')).json().total).toBe(0);
  });

  it('ignores mass-assigned requester, client, assignee, status, workspace and internal flags', async () => {
    const ws = await createWorkspace(env.db);
    const other = await createWorkspace(env.db);
    const s = await signInPortal(env.app, ws.slug, ws.clients[0].members[0].email);
    const res = await s.post('/tickets', {
      subject: 'Sneaky',
      description: 'd',
      requesterId: ws.clients[1].manager.id,
      clientId: ws.clients[1].id,
      assigneeId: ws.agent.id,
      status: 'solved',
      workspaceId: other.id,
      number: 999,
      internal: true,
    });
    expect(res.statusCode).toBe(201);
    const [row] = await env.db.query<Record<string, unknown>>(
      'select workspace_id, client_id, requester_id, assignee_id, status, number from tickets where workspace_id = $1',
      [ws.id],
    );
    expect(row).toEqual({
      workspace_id: ws.id,
      client_id: ws.clients[0].id,
      requester_id: ws.clients[0].members[0].id,
      assignee_id: null,
      status: 'new',
      number: 1,
    });
    const reply = await s.post('/tickets/1/replies', { body: 'hello', internal: true, kind: 'note' });
    expect(reply.statusCode).toBe(201);
    expect(reply.json().thread).toEqual([expect.objectContaining({ kind: 'reply', body: 'hello' })]);
    const [msg] = await env.db.query<{ kind: string; public: boolean }>(
      'select kind, public from ticket_messages where workspace_id = $1',
      [ws.id],
    );
    expect(msg).toEqual({ kind: 'reply', public: true });
  });

  it('a member sees own and CC tickets; a manager sees all of the client; no one sees another client', async () => {
    const ws = await createWorkspace(env.db);
    const [a, b] = ws.clients;
    const m1 = await signInPortal(env.app, ws.slug, a.members[0].email);
    const m2 = await signInPortal(env.app, ws.slug, a.members[1].email);
    const mgr = await signInPortal(env.app, ws.slug, a.manager.email);
    const otherClient = await signInPortal(env.app, ws.slug, b.manager.email);
    const t1 = await portalTicket(m1, 'member one ticket');
    const t2 = await portalTicket(m2, 'member two ticket');
    const tb = await portalTicket(otherClient, 'client b ticket');

    const numbers = async (s: typeof m1) => (await s.get('/tickets')).json().items.map((i: { number: number }) => i.number);
    expect(await numbers(m1)).toEqual([t1]);
    expect(await numbers(m2)).toEqual([t2]);
    expect((await numbers(mgr)).sort()).toEqual([t1, t2].sort());
    expect(await numbers(otherClient)).toEqual([tb]);

    // A member against a colleague's ticket, and anyone against another client's: 404.
    expect((await m1.get(`/tickets/${t2}`)).statusCode).toBe(404);
    expect((await m1.post(`/tickets/${t2}/replies`, { body: 'x' })).statusCode).toBe(404);
    expect((await m1.post(`/tickets/${t2}/close`, { message: 'x' })).statusCode).toBe(404);
    expect((await mgr.get(`/tickets/${tb}`)).statusCode).toBe(404);
    expect((await otherClient.get(`/tickets/${t1}`)).statusCode).toBe(404);

    // Copied on the colleague's ticket, the member now sees it.
    const agent = await signInStaff(env.app, ws.agent.email);
    expect((await agent.put(`/tickets/${t2}/cc`, { contactIds: [a.members[0].id] })).statusCode).toBe(200);
    expect((await numbers(m1)).sort()).toEqual([t1, t2].sort());
    const seen = await m1.get(`/tickets/${t2}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.json().cc).toEqual([{ name: a.members[0].name }]);
    expect(seen.json().yourRole).toBe('cc');
    expect((await m2.get(`/tickets/${t2}`)).json().yourRole).toBe('requester');
    expect((await mgr.get(`/tickets/${t2}`)).json().yourRole).toBe('manager');
  });

  it('filters by status, searches by subject or number, and pages 25 at a time by last activity', async () => {
    const ws = await createWorkspace(env.db);
    const s = await signInPortal(env.app, ws.slug, ws.clients[0].manager.email);
    for (let i = 1; i <= 27; i++) await portalTicket(s, i === 7 ? 'VPN drops every hour' : `Routine request ${i}`);
    const agent = await signInStaff(env.app, ws.agent.email);
    await agent.patch('/tickets/3', { status: 'pending' });
    await agent.patch('/tickets/5', { status: 'pending' });

    const page1 = (await s.get('/tickets')).json();
    expect(page1).toMatchObject({ page: 1, pageSize: 25, total: 27 });
    expect(page1.items).toHaveLength(25);
    // Newest activity first: the two just changed lead.
    expect(page1.items.slice(0, 3).map((i: { number: number }) => i.number)).toEqual([5, 3, 27]);
    const page2 = (await s.get('/tickets?page=2')).json();
    expect(page2.items.map((i: { number: number }) => i.number)).toEqual([2, 1]);

    const pending = (await s.get('/tickets?status=pending')).json();
    expect(pending.items.map((i: { number: number }) => i.number)).toEqual([5, 3]);
    const newOrPending = (await s.get('/tickets?status=new,pending')).json();
    expect(newOrPending.total).toBe(27);

    expect((await s.get('/tickets?q=vpn')).json().items.map((i: { number: number }) => i.number)).toEqual([7]);
    expect((await s.get('/tickets?q=%2312')).json().items.map((i: { number: number }) => i.number)).toEqual([12]);
    expect((await s.get('/tickets?q=100%25')).json().total).toBe(0);
    expect((await s.get('/tickets?status=bogus')).statusCode).toBe(400);
    expect((await s.get('/tickets?page=0')).json().error.code).toBe('validation_failed');
  });

  it("pages a member's own and CC'd tickets together by last activity, filters both, counts both", async () => {
    const ws = await createWorkspace(env.db);
    const [a] = ws.clients;
    const me = await signInPortal(env.app, ws.slug, a.members[0].email);
    const colleague = await signInPortal(env.app, ws.slug, a.members[1].email);
    const agent = await signInStaff(env.app, ws.agent.email);
    // Interleaved in time: mine, the colleague's (I am CC'd on every other one), mine…
    const mine: number[] = [];
    const ccd: number[] = [];
    for (let i = 0; i < 20; i++) {
      mine.push(await portalTicket(me, `Mine ${i}`));
      const theirs = await portalTicket(colleague, `Theirs ${i}`);
      if (i % 2 === 0) {
        expect((await agent.put(`/tickets/${theirs}/cc`, { contactIds: [a.members[0].id] })).statusCode).toBe(200);
        ccd.push(theirs);
      }
    }
    // Updated order is the order of the last change: the CC change touched each CC'd ticket
    // right after it was created, so newest first is creation order reversed.
    const expected = [...mine, ...ccd].sort((x, y) => y - x);
    const page1 = (await me.get('/tickets')).json();
    expect(page1).toMatchObject({ total: 30, totalCapped: false, pageSize: 25 });
    const page2 = (await me.get('/tickets?page=2')).json();
    expect([...page1.items, ...page2.items].map((t: { number: number }) => t.number)).toEqual(expected);
    // A filter applies to both sources.
    await agent.patch(`/tickets/${ccd[3]}`, { status: 'pending' });
    await agent.patch(`/tickets/${mine[5]}`, { status: 'pending' });
    const pending = (await me.get('/tickets?status=pending')).json();
    expect(pending.items.map((t: { number: number }) => t.number)).toEqual([mine[5], ccd[3]]);
    expect(pending.total).toBe(2);
    // The colleague sees only their 20, never mine.
    expect((await colleague.get('/tickets')).json().total).toBe(20);
  });

  it('stops counting at 1,000 and says so; pages past the count still work', async () => {
    const ws = await createWorkspace(env.db);
    const member = ws.clients[0].members[0];
    const me = await signInPortal(env.app, ws.slug, member.email);
    await portalTicket(me, 'The newest one, made through the API');
    // 1,010 older tickets straight into the database (creating them one by one takes minutes).
    await env.db.query(
      `insert into tickets (workspace_id, number, client_id, requester_id, subject, description, priority, status, source, created_at, updated_at)
       select $1, 1 + g, $2, $3, 'Old ticket ' || g, 'x', 'normal', 'open', 'portal', now() - g * interval '1 minute', now() - g * interval '1 minute'
         from generate_series(1, 1010) g`,
      [ws.id, ws.clients[0].id, member.id],
    );
    await env.db.query('update workspaces set ticket_seq = 1011 where id = $1', [ws.id]);
    const page1 = (await me.get('/tickets')).json();
    expect(page1).toMatchObject({ total: 1000, totalCapped: true });
    expect(page1.items[0].subject).toBe('The newest one, made through the API');
    const last = (await me.get('/tickets?page=41')).json();
    expect(last.items.map((t: { subject: string }) => t.subject)).toEqual(
      Array.from({ length: 11 }, (_, i) => `Old ticket ${1000 + i}`),
    );
    // A filter that matches few is counted exactly again.
    expect((await me.get('/tickets?q=Old%20ticket%20100')).json()).toMatchObject({ total: 11, totalCapped: false });
  });

  it('shows the public thread and never an internal note', async () => {
    const ws = await createWorkspace(env.db);
    const contact = await signInPortal(env.app, ws.slug, ws.clients[0].manager.email);
    const n = await portalTicket(contact, 'Needs help');
    const agent = await signInStaff(env.app, ws.agent.email);
    const canary = `CANARY-${Math.random().toString(36).slice(2)}`;
    await agent.patch(`/tickets/${n}`, { assigneeId: ws.agent.id, priority: 'urgent' });
    await agent.post(`/tickets/${n}/messages`, { body: `note ${canary}`, internal: true });
    await agent.post(`/tickets/${n}/messages`, { body: 'We are on it', internal: false, status: 'pending' });

    const t = (await contact.get(`/tickets/${n}`)).json();
    expect(t.status).toBe('pending');
    expect(t.priority).toBe('urgent');
    expect(t.assignee).toEqual({ name: ws.agent.name });
    expect(t.thread.map((m: { kind: string; body: string; event: unknown }) => [m.kind, m.body || m.event])).toEqual([
      ['event', { field: 'priority', from: 'normal', to: 'urgent' }],
      ['event', { field: 'assignee', from: null, to: ws.agent.name }],
      ['reply', 'We are on it'],
      ['event', { field: 'status', from: 'new', to: 'pending' }],
    ]);
    expect(t.thread[2].author).toEqual({ name: ws.agent.name, type: 'staff', isYou: false });
    expect(t.yourRole).toBe('requester');

    for (const url of ['/tickets', `/tickets/${n}`, '/bootstrap', '/tickets?q=CANARY']) {
      const res = await contact.get(url);
      expect(res.body).not.toContain(canary);
      expect(res.body).not.toContain('"note"');
      expect(res.body).not.toContain('internal');
    }
    const reply = await contact.post(`/tickets/${n}/replies`, { body: 'Thanks' });
    expect(reply.body).not.toContain(canary);
  });

  it('a contact reply reopens a pending ticket; closing needs a message and then freezes the ticket', async () => {
    const ws = await createWorkspace(env.db);
    const contact = await signInPortal(env.app, ws.slug, ws.clients[0].members[0].email);
    const n = await portalTicket(contact);
    const agent = await signInStaff(env.app, ws.agent.email);
    await agent.post(`/tickets/${n}/messages`, { body: 'Can you restart?', status: 'pending' });

    const replied = (await contact.post(`/tickets/${n}/replies`, { body: 'Restarted, still broken' })).json();
    expect(replied.status).toBe('open');
    expect(replied.thread.find((m: { body: string }) => m.body === 'Restarted, still broken').author).toEqual({
      name: ws.clients[0].members[0].name,
      type: 'contact',
      isYou: true,
    });

    const noMessage = await contact.post(`/tickets/${n}/close`, { message: '  ' });
    expect(noMessage.statusCode).toBe(400);
    expect(noMessage.json().error.fields[0].field).toBe('message');
    expect((await contact.get(`/tickets/${n}`)).json().status).toBe('open');

    const closed = await contact.post(`/tickets/${n}/close`, { message: 'Fixed itself, thanks' });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ status: 'closed', can: { reply: false, close: false } });
    expect(closed.json().closedAt).not.toBeNull();
    expect(closed.json().thread.at(-2)).toMatchObject({ kind: 'reply', body: 'Fixed itself, thanks' });
    expect(closed.json().thread.at(-1)).toMatchObject({ kind: 'event', event: { field: 'status', from: 'open', to: 'closed' } });

    const after = await contact.post(`/tickets/${n}/replies`, { body: 'one more thing' });
    expect(after.statusCode).toBe(409);
    expect(after.json().error.code).toBe('ticket_closed');
    expect((await contact.post(`/tickets/${n}/close`, { message: 'again' })).json().error.code).toBe('ticket_closed');
    expect((await agent.patch(`/tickets/${n}`, { status: 'open' })).json().error.code).toBe('ticket_closed');
    // Closed tickets stay visible.
    expect((await contact.get('/tickets?status=closed')).json().items).toHaveLength(1);
  });

  it('honours workspace settings that switch off creating and closing from the portal', async () => {
    const ws = await createWorkspace(env.db);
    const contact = await signInPortal(env.app, ws.slug, ws.clients[0].manager.email);
    const n = await portalTicket(contact);
    const admin = await signInStaff(env.app, ws.admin.email);
    const res = await admin.patch('/settings', { portal: { ticketCreation: false, ticketClosing: false } });
    expect(res.json().portal).toEqual({ ticketCreation: false, ticketClosing: false });

    const boot = (await contact.get('/bootstrap')).json();
    expect(boot.workspace.settings).toMatchObject({ ticketCreation: false, ticketClosing: false });
    const create = await contact.post('/tickets', { subject: 's', description: 'd' });
    expect(create.statusCode).toBe(403);
    expect(create.json().error.code).toBe('portal_ticket_creation_disabled');
    const t = (await contact.get(`/tickets/${n}`)).json();
    expect(t.can).toEqual({ reply: true, close: false });
    const close = await contact.post(`/tickets/${n}/close`, { message: 'done' });
    expect(close.json().error.code).toBe('portal_ticket_closing_disabled');
    expect((await contact.get(`/tickets/${n}`)).json().status).toBe('new');
    expect((await contact.get('/tickets')).json().total).toBe(1);
  });
});
