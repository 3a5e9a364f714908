import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, portalTicket, signInPortal, signInStaff, startTestApp, type TestEnv } from '../../test/harness.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await startTestApp();
});
afterAll(() => env.close());

const numbersOf = (res: { json(): { items: { number: number }[] } }) => res.json().items.map((i) => i.number);

describe('staff tickets', () => {
  it('works a queue with status, priority, assignee, client, unassigned and search filters', async () => {
    const ws = await createWorkspace(env.db);
    const a = await signInPortal(env.app, ws.slug, ws.clients[0].manager.email);
    const b = await signInPortal(env.app, ws.slug, ws.clients[1].manager.email);
    const t1 = await portalTicket(a, 'Email bounce from CEO');
    const t2 = await portalTicket(b, 'Laptop fan noisy', { priority: 'low' });
    const t3 = await portalTicket(a, 'Server room too warm', { priority: 'urgent' });
    const agent = await signInStaff(env.app, ws.agent.email);
    const admin = await signInStaff(env.app, ws.admin.email);
    await agent.patch(`/tickets/${t1}`, { assigneeId: ws.agent.id, status: 'open' });
    await agent.patch(`/tickets/${t3}`, { assigneeId: ws.admin.id });

    expect(numbersOf(await agent.get('/tickets'))).toEqual([t3, t1, t2]);
    expect(numbersOf(await agent.get('/tickets?status=new'))).toEqual([t3, t2]);
    expect(numbersOf(await agent.get('/tickets?priority=urgent,low'))).toEqual([t3, t2]);
    expect(numbersOf(await agent.get('/tickets?assignee=me'))).toEqual([t1]);
    expect(numbersOf(await admin.get('/tickets?assignee=me'))).toEqual([t3]);
    expect(numbersOf(await agent.get(`/tickets?assignee=${ws.admin.id}`))).toEqual([t3]);
    expect(numbersOf(await agent.get('/tickets?assignee=unassigned'))).toEqual([t2]);
    expect(numbersOf(await agent.get(`/tickets?client=${ws.clients[1].id}`))).toEqual([t2]);
    expect(numbersOf(await agent.get('/tickets?q=LAPTOP'))).toEqual([t2]);
    expect(numbersOf(await agent.get(`/tickets?q=${t1}`))).toEqual([t1]);
    expect(numbersOf(await agent.get(`/tickets?status=new&client=${ws.clients[0].id}`))).toEqual([t3]);
    const item = (await agent.get(`/tickets?q=${t1}`)).json().items[0];
    expect(item).toMatchObject({
      client: { id: ws.clients[0].id, name: ws.clients[0].name },
      requester: { id: ws.clients[0].manager.id, name: ws.clients[0].manager.name },
      assignee: { id: ws.agent.id, name: ws.agent.name },
      status: 'open',
    });
    const bad = await agent.get('/tickets?assignee=bob&priority=extreme');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['assignee', 'priority.0']);
  });

  it('counts a queue up to 10,000 and then says "more"; filters are counted within it', async () => {
    const ws = await createWorkspace(env.db);
    const c = ws.clients[0];
    await env.db.query(
      `insert into tickets (workspace_id, number, client_id, requester_id, subject, description, priority, status, source)
       select $1, g, $2, $3, 'Bulk ' || g, 'x', case when g % 100 = 0 then 'urgent' else 'normal' end, 'open', 'staff'
         from generate_series(1, 10005) g`,
      [ws.id, c.id, c.manager.id],
    );
    await env.db.query('update workspaces set ticket_seq = 10005 where id = $1', [ws.id]);
    const agent = await signInStaff(env.app, ws.agent.email);
    const all = (await agent.get('/tickets')).json();
    expect(all).toMatchObject({ total: 10_000, totalCapped: true, pageSize: 25 });
    expect(all.items).toHaveLength(25);
    expect((await agent.get('/tickets?priority=urgent')).json()).toMatchObject({ total: 100, totalCapped: false });
    // Another workspace's queue does not count these.
    const other = await createWorkspace(env.db);
    expect((await (await signInStaff(env.app, other.agent.email)).get('/tickets')).json()).toMatchObject({ total: 0, totalCapped: false });
  });

  it('replies publicly, adds internal notes, and records each change as a timeline event', async () => {
    const ws = await createWorkspace(env.db);
    const contact = await signInPortal(env.app, ws.slug, ws.clients[0].members[0].email);
    const n = await portalTicket(contact);
    const agent = await signInStaff(env.app, ws.agent.email);

    const note = await agent.post(`/tickets/${n}/messages`, { body: 'Check the DHCP lease', internal: true });
    expect(note.statusCode).toBe(201);
    expect(note.json().status).toBe('new'); // a note changes nothing the customer sees
    const reply = await agent.post(`/tickets/${n}/messages`, { body: 'Please try again now' });
    expect(reply.json().status).toBe('open');

    const upd = await agent.patch(`/tickets/${n}`, { status: 'pending', priority: 'high', assigneeId: ws.admin.id });
    expect(upd.statusCode).toBe(200);
    const t = upd.json();
    expect(t).toMatchObject({ status: 'pending', priority: 'high', assignee: { id: ws.admin.id, name: ws.admin.name } });
    expect(t.allowedStatuses).toEqual(['open', 'on_hold', 'solved', 'closed']);
    expect(t.thread.map((m: { kind: string; internal: boolean }) => `${m.kind}:${m.internal}`)).toEqual([
      'note:true',
      'reply:false',
      'event:false',
      'event:false',
      'event:false',
      'event:false',
    ]);
    expect(t.thread.slice(2).map((m: { event: unknown }) => m.event)).toEqual([
      { field: 'status', from: 'new', to: 'open' },
      { field: 'status', from: 'open', to: 'pending' },
      { field: 'priority', from: 'normal', to: 'high' },
      { field: 'assignee', from: null, to: ws.admin.name },
    ]);
    expect(t.thread[0].author).toEqual({ id: ws.agent.id, name: ws.agent.name, type: 'staff' });

    // Unassign, and a no-op change records nothing.
    const un = (await agent.patch(`/tickets/${n}`, { assigneeId: null, priority: 'high' })).json();
    expect(un.assignee).toBeNull();
    expect(un.thread.at(-1).event).toEqual({ field: 'assignee', from: ws.admin.name, to: null });
    expect(un.thread).toHaveLength(7);

    const [events] = await env.db.query<{ types: string[] }>(
      `select array_agg(type order by id) as types from events where ticket_id = (select id from tickets where workspace_id = $1 and number = $2)`,
      [ws.id, n],
    );
    expect(events!.types).toEqual([
      'ticket.created',
      'ticket.note_added',
      'ticket.replied',
      'ticket.status_changed',
      'ticket.status_changed',
      'ticket.priority_changed',
      'ticket.assignee_changed',
      'ticket.assignee_changed',
    ]);
  });

  it('refuses an invalid status transition with a clear error and changes nothing', async () => {
    const ws = await createWorkspace(env.db);
    const contact = await signInPortal(env.app, ws.slug, ws.clients[0].manager.email);
    const n = await portalTicket(contact);
    const agent = await signInStaff(env.app, ws.agent.email);
    await agent.patch(`/tickets/${n}`, { status: 'solved' });
    const res = await agent.patch(`/tickets/${n}`, { status: 'pending', priority: 'urgent' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toEqual({
      code: 'invalid_status_transition',
      message: 'A ticket that is solved cannot be set to pending.',
      details: { from: 'solved', to: 'pending', allowed: ['open', 'closed'] },
    });
    const t = (await agent.get(`/tickets/${n}`)).json();
    expect(t).toMatchObject({ status: 'solved', priority: 'normal' });
    expect((await agent.patch(`/tickets/${n}`, { status: 'new' })).statusCode).toBe(409);
    expect((await agent.post(`/tickets/${n}/messages`, { body: 'x', status: 'pending' })).statusCode).toBe(409);
    expect((await agent.get(`/tickets/${n}`)).json().thread).toHaveLength(1);
    expect((await agent.patch(`/tickets/${n}`, {})).json().error.code).toBe('validation_failed');
  });

  it('assigns only staff of the same workspace and copies only contacts of the ticket client', async () => {
    const ws = await createWorkspace(env.db);
    const other = await createWorkspace(env.db);
    const contact = await signInPortal(env.app, ws.slug, ws.clients[0].members[0].email);
    const n = await portalTicket(contact);
    const agent = await signInStaff(env.app, ws.agent.email);
    const foreignAssignee = await agent.patch(`/tickets/${n}`, { assigneeId: other.agent.id });
    expect(foreignAssignee.statusCode).toBe(400);
    expect(foreignAssignee.json().error.fields[0].field).toBe('assigneeId');

    for (const id of [ws.clients[1].members[0].id, other.clients[0].members[0].id, ws.clients[0].members[0].id]) {
      const res = await agent.put(`/tickets/${n}/cc`, { contactIds: [id] });
      expect(res.statusCode).toBe(400);
    }
    const ok = await agent.put(`/tickets/${n}/cc`, { contactIds: [ws.clients[0].members[1].id, ws.clients[0].manager.id] });
    expect(ok.json().cc.map((c: { id: string }) => c.id).sort()).toEqual(
      [ws.clients[0].members[1].id, ws.clients[0].manager.id].sort(),
    );
    const cleared = await agent.put(`/tickets/${n}/cc`, { contactIds: [] });
    expect(cleared.json().cc).toEqual([]);
    const t = (await agent.get(`/tickets/${n}`)).json();
    expect(t.assignee).toBeNull();

    await env.db.query(`update contacts set status = 'disabled' where id = $1`, [ws.clients[0].members[1].id]);
    const disabled = await agent.put(`/tickets/${n}/cc`, { contactIds: [ws.clients[0].manager.id, ws.clients[0].members[1].id] });
    expect(disabled.statusCode).toBe(400);
    expect(disabled.json().error.fields).toEqual([{ field: 'contactIds.1', message: expect.stringContaining('Not an active contact') }]);
    await agent.patch(`/tickets/${n}`, { status: 'closed' });
    const closed = await agent.put(`/tickets/${n}/cc`, { contactIds: [ws.clients[0].manager.id] });
    expect(closed.json().error.code).toBe('ticket_closed');
    expect((await agent.get(`/tickets/${n}`)).json().cc).toEqual([]);
  });
});
