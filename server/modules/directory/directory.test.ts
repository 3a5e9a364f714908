import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, portalTicket, signInPortal, signInStaff, startTestApp, type TestEnv } from '../../test/harness.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await startTestApp();
});
afterAll(() => env.close());

describe('clients and contacts', () => {
  it('staff create a contact who can then sign in to the portal and open tickets', async () => {
    const ws = await createWorkspace(env.db);
    const agent = await signInStaff(env.app, ws.agent.email);
    const res = await agent.post(`/clients/${ws.clients[1].id}/contacts`, {
      name: 'Nina New',
      email: 'Nina.New@Client-B.test',
      role: 'manager',
      password: 'a long password',
      clientId: ws.clients[0].id, // ignored: the client comes from the address
    });
    expect(res.statusCode).toBe(201);
    const client = (await agent.get(`/clients/${ws.clients[1].id}`)).json();
    expect(client.contacts).toContainEqual({ id: res.json().id, name: 'Nina New', email: 'nina.new@client-b.test', role: 'manager', status: 'active' });

    const nina = await signInPortal(env.app, ws.slug, 'nina.new@client-b.test', 'a long password');
    await portalTicket(nina, 'first ticket from Nina');
    const boot = (await nina.get('/bootstrap')).json();
    expect(boot.session.contact).toMatchObject({ name: 'Nina New', role: 'manager', client: { name: ws.clients[1].name } });
  });

  it('refuses a duplicate email in the workspace and invalid fields, creating nothing', async () => {
    const ws = await createWorkspace(env.db);
    const admin = await signInStaff(env.app, ws.admin.email);
    const dup = await admin.post(`/clients/${ws.clients[0].id}/contacts`, {
      name: 'Dup',
      email: ws.clients[1].manager.email.toUpperCase(),
      password: 'a long password',
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('email_taken');
    const bad = await admin.post(`/clients/${ws.clients[0].id}/contacts`, { name: '', email: 'not-an-email', role: 'owner', password: 'short' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['email', 'name', 'password', 'role']);
    const client = (await admin.get(`/clients/${ws.clients[0].id}`)).json();
    expect(client.contacts).toHaveLength(3);
  });

  it('admins add clients; the list counts contacts and unsolved tickets', async () => {
    const ws = await createWorkspace(env.db);
    const admin = await signInStaff(env.app, ws.admin.email);
    const created = await admin.post('/clients', { name: '  Zeta Corp ' });
    expect(created.statusCode).toBe(201);
    const contact = await signInPortal(env.app, ws.slug, ws.clients[0].manager.email);
    await portalTicket(contact);
    const n = await portalTicket(contact);
    await admin.patch(`/tickets/${n}`, { status: 'solved' });
    const list = (await admin.get('/clients')).json().items;
    expect(list).toEqual([
      { id: ws.clients[0].id, name: ws.clients[0].name, contacts: 3, openTickets: 1 },
      { id: ws.clients[1].id, name: ws.clients[1].name, contacts: 3, openTickets: 0 },
      { id: created.json().id, name: 'Zeta Corp', contacts: 0, openTickets: 0 },
    ]);
    expect((await admin.get('/staff-members')).json().items.map((s: { email: string }) => s.email).sort()).toEqual(
      [ws.admin.email, ws.agent.email].sort(),
    );
  });
});
