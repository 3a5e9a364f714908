/**
 * Every route, its declared surface and access, and what stops another tenant from using
 * it. Adding a route without adding it here fails this file: the table is the permission
 * snapshot, and each data route carries its cross-tenant check.
 */
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

let env: TestEnv;
let a: TestWorkspace;
let b: TestWorkspace;
let secret: string;
let ticketA: number; // exists in A only (B has fewer tickets)
/** Sessions that must never reach ticket `ticketA` of A's client 0, member 0. */
let foreignStaff: Session;
let foreignContact: Session;
let otherClientContact: Session;
let colleague: Session;

beforeAll(async () => {
  env = await startTestApp();
  a = await createWorkspace(env.db);
  b = await createWorkspace(env.db);
  secret = `SECRET-${Math.random().toString(36).slice(2)}`;
  const owner = await signInPortal(env.app, a.slug, a.clients[0].members[0].email);
  await portalTicket(owner, 'warm-up one');
  await portalTicket(owner, 'warm-up two');
  ticketA = await portalTicket(owner, `Ticket with ${secret}`);
  const ownerB = await signInPortal(env.app, b.slug, b.clients[0].members[0].email);
  await portalTicket(ownerB, 'B ticket');
  foreignStaff = await signInStaff(env.app, b.admin.email);
  foreignContact = await signInPortal(env.app, b.slug, b.clients[0].manager.email);
  otherClientContact = await signInPortal(env.app, a.slug, a.clients[1].manager.email);
  colleague = await signInPortal(env.app, a.slug, a.clients[0].members[1].email);
});
afterAll(() => env.close());

type Check = (() => Promise<void>) | { none: string };

const expect404 = async (res: Promise<{ statusCode: number; body: string }>) => {
  const r = await res;
  expect(r.statusCode, r.body).toBe(404);
  expect(r.body).not.toContain(secret);
};
const expectAbsent = async (res: Promise<{ statusCode: number; body: string }>) => {
  const r = await res;
  expect(r.statusCode, r.body).toBe(200);
  expect(r.body).not.toContain(secret);
  expect(r.body).not.toContain(a.clients[0].id);
  expect(r.body).not.toContain(a.slug);
};
const portalSessions = () => [foreignContact, otherClientContact, colleague];

/** Every declared route: expected access, and its cross-tenant check. */
const routes: Record<string, { access: string; check: Check }> = {
  'GET /healthz': { access: 'anyone', check: { none: 'no tenant data' } },
  'GET /': { access: 'anyone', check: { none: 'redirect' } },
  'GET /assets/*': { access: 'anyone', check: { none: 'static build files' } },

  'GET /portal/:slug': { access: 'anyone', check: { none: 'SPA shell; title is the workspace of the address' } },
  'GET /portal/:slug/*': { access: 'anyone', check: { none: 'SPA shell' } },
  'GET /portal/:slug/api/*': { access: 'anyone', check: { none: 'unknown API path: 404' } },
  'GET /portal/:slug/api/bootstrap': {
    access: 'anyone',
    check: async () => {
      // A's portal with B's session: A's public name only, no session.
      const res = await env.app.inject({ url: `/portal/${a.slug}/api/bootstrap`, headers: { cookie: foreignContact.cookie } });
      expect(res.json().session).toBeNull();
    },
  },
  'POST /portal/:slug/api/auth/sign-in': { access: 'anyone', check: { none: 'covered by auth.test.ts (foreign email = same 401)' } },
  'POST /portal/:slug/api/auth/sign-out': {
    access: 'contact',
    check: async () => {
      const res = await env.app.inject({
        method: 'POST',
        url: `/portal/${a.slug}/api/auth/sign-out`,
        headers: { cookie: foreignContact.cookie, 'x-csrf-token': foreignContact.csrfToken },
      });
      expect(res.statusCode).toBe(401);
    },
  },
  'GET /portal/:slug/api/tickets': {
    access: 'contact',
    check: async () => {
      for (const s of portalSessions()) await expectAbsent(s.get(`/tickets?q=${secret}`));
      for (const s of portalSessions()) await expectAbsent(s.get('/tickets'));
      // B's session presented at A's address is not a session there.
      const res = await env.app.inject({ url: `/portal/${a.slug}/api/tickets`, headers: { cookie: foreignContact.cookie } });
      expect(res.statusCode).toBe(401);
    },
  },
  'POST /portal/:slug/api/tickets': {
    access: 'contact',
    check: async () => {
      const res = await env.app.inject({
        method: 'POST',
        url: `/portal/${a.slug}/api/tickets`,
        headers: { cookie: foreignContact.cookie, 'x-csrf-token': foreignContact.csrfToken },
        payload: { subject: 'x', description: 'y' },
      });
      expect(res.statusCode).toBe(401);
    },
  },
  'GET /portal/:slug/api/tickets/:number': {
    access: 'contact',
    check: async () => {
      for (const s of portalSessions()) await expect404(s.get(`/tickets/${ticketA}`));
    },
  },
  'POST /portal/:slug/api/tickets/:number/replies': {
    access: 'contact',
    check: async () => {
      for (const s of portalSessions()) await expect404(s.post(`/tickets/${ticketA}/replies`, { body: 'x' }));
    },
  },
  'POST /portal/:slug/api/tickets/:number/close': {
    access: 'contact',
    check: async () => {
      for (const s of portalSessions()) await expect404(s.post(`/tickets/${ticketA}/close`, { message: 'x' }));
    },
  },

  'GET /staff': { access: 'anyone', check: { none: 'SPA shell' } },
  'GET /staff/*': { access: 'anyone', check: { none: 'SPA shell' } },
  'GET /staff/api/*': { access: 'anyone', check: { none: 'unknown API path: 404' } },
  'GET /staff/api/bootstrap': {
    access: 'anyone',
    check: async () => expectAbsent(foreignStaff.get('/bootstrap')),
  },
  'POST /staff/api/auth/sign-in': { access: 'anyone', check: { none: 'covered by auth tests' } },
  'POST /staff/api/auth/sign-out': { access: 'staff', check: { none: 'acts on the caller own session only' } },
  'GET /staff/api/tickets': {
    access: 'staff',
    check: async () => {
      await expectAbsent(foreignStaff.get('/tickets'));
      await expectAbsent(foreignStaff.get(`/tickets?q=${secret}`));
      await expectAbsent(foreignStaff.get(`/tickets?client=${a.clients[0].id}`));
      await expectAbsent(foreignStaff.get(`/tickets?assignee=${a.agent.id}`));
    },
  },
  'GET /staff/api/tickets/:number': {
    access: 'staff',
    check: async () => expect404(foreignStaff.get(`/tickets/${ticketA}`)),
  },
  'POST /staff/api/tickets/:number/messages': {
    access: 'staff',
    check: async () => expect404(foreignStaff.post(`/tickets/${ticketA}/messages`, { body: 'x', internal: true })),
  },
  'PATCH /staff/api/tickets/:number': {
    access: 'staff',
    check: async () => expect404(foreignStaff.patch(`/tickets/${ticketA}`, { status: 'solved' })),
  },
  'PUT /staff/api/tickets/:number/cc': {
    access: 'staff',
    check: async () => expect404(foreignStaff.put(`/tickets/${ticketA}/cc`, { contactIds: [] })),
  },
  'GET /staff/api/staff-members': {
    access: 'staff',
    check: async () => {
      const res = await foreignStaff.get('/staff-members');
      expect(res.body).not.toContain(a.agent.email);
      expect(res.body).not.toContain(a.admin.email);
    },
  },
  'GET /staff/api/clients': { access: 'staff', check: async () => expectAbsent(foreignStaff.get('/clients')) },
  'POST /staff/api/clients': { access: 'admin', check: { none: 'creates in the caller workspace only (no ids in input)' } },
  'GET /staff/api/clients/:id': {
    access: 'staff',
    check: async () => expect404(foreignStaff.get(`/clients/${a.clients[0].id}`)),
  },
  'POST /staff/api/clients/:id/contacts': {
    access: 'staff',
    check: async () =>
      expect404(
        foreignStaff.post(`/clients/${a.clients[0].id}/contacts`, {
          name: 'Intruder',
          email: 'intruder@evil.test',
          password: 'long enough password',
        }),
      ),
  },
  'GET /staff/api/settings': { access: 'admin', check: async () => expectAbsent(foreignStaff.get('/settings')) },
  'PATCH /staff/api/settings': {
    access: 'admin',
    check: async () => {
      await foreignStaff.patch('/settings', { portal: { ticketCreation: false } });
      const res = await env.app.inject({ url: `/portal/${a.slug}/api/bootstrap` });
      expect(res.json().workspace.settings.ticketCreation).toBe(true);
      await foreignStaff.patch('/settings', { portal: { ticketCreation: true } });
    },
  },
};

const declared = () => {
  const seen = new Map<string, string>();
  for (const r of env.app.routeDeclarations) {
    if (r.method === 'HEAD') continue; // Fastify's automatic HEAD twin of each GET
    seen.set(`${r.method} ${r.url}`, `${r.surface}:${r.access}`);
  }
  return seen;
};

describe('route declarations', () => {
  it('lists every route with its surface and access, and nothing else', () => {
    const d = declared();
    expect([...d.keys()].sort()).toEqual(Object.keys(routes).sort());
    for (const [key, { access }] of Object.entries(routes)) {
      const surface = key.split(' ')[1]!.startsWith('/portal') ? 'portal' : key.split(' ')[1]!.startsWith('/staff') ? 'staff' : 'public';
      expect(d.get(key), key).toBe(`${surface}:${access}`);
    }
  });

  it('refuses to boot with an undeclared route', async () => {
    const { buildApp } = await import('../../app.ts');
    const app = await buildApp({ config: env.config, db: env.db });
    expect(() => app.get('/oops', async () => 'x')).toThrow(/declares no surface\/access/);
    await app.close();
  });

  it('asks for sign-in on every non-public route without a session', async () => {
    for (const [key, { access }] of Object.entries(routes)) {
      if (access === 'anyone') continue;
      const [method, url] = key.split(' ') as ['GET' | 'POST' | 'PATCH' | 'PUT', string];
      const res = await env.app.inject({
        method,
        url: url.replace(':slug', a.slug).replace(':number', String(ticketA)).replace(':id', a.clients[0].id),
        ...(method !== 'GET' ? { payload: {} } : {}),
      });
      expect(res.statusCode, key).toBe(401);
    }
  });

  it('refuses admin routes to agents', async () => {
    const agent = await signInStaff(env.app, a.agent.email);
    expect((await agent.get('/settings')).statusCode).toBe(403);
    expect((await agent.patch('/settings', { name: 'x' })).statusCode).toBe(403);
    expect((await agent.post('/clients', { name: 'x' })).json().error.code).toBe('forbidden');
  });
});

describe('cross-tenant: other workspaces, other clients and colleagues get nothing', () => {
  for (const [key, { check }] of Object.entries(routes)) {
    if (typeof check === 'function') it(key, check);
  }

  it('the owner still sees the ticket untouched after all of that', async () => {
    const owner = await signInPortal(env.app, a.slug, a.clients[0].members[0].email);
    const t = (await owner.get(`/tickets/${ticketA}`)).json();
    expect(t).toMatchObject({ status: 'new', thread: [], cc: [] });
    const admin = await signInStaff(env.app, a.admin.email);
    const clientA = (await admin.get(`/clients/${a.clients[0].id}`)).json();
    expect(clientA.contacts.map((c: { email: string }) => c.email)).not.toContain('intruder@evil.test');
  });
});

describe('pages', () => {
  it('serves a neutral 404 page for an unknown portal, without any product name', async () => {
    const res = await env.app.inject({ url: '/portal/no-such-workspace/', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('Page not found');
    expect(res.body.toLowerCase()).not.toContain('portico');
    const api = await env.app.inject({ url: '/portal/no-such-workspace/api/bootstrap' });
    expect(api.json().error.code).toBe('not_found');
  });

  it('answers /healthz when the database is migrated', async () => {
    const res = await env.app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });
});
