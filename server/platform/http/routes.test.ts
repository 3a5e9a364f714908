/**
 * Every route, its declared surface and access, and what stops another tenant from using
 * it. Adding a route without adding it here fails this file: the table is the permission
 * snapshot, and each data route carries its cross-tenant check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../auth/auth-tokens.ts';
import {
  createWorkspace,
  portalTicket,
  signInPortal,
  signInStaff,
  startTestApp,
  Session,
  type TestEnv,
  type TestWorkspace,
} from '../../test/harness.ts';
import { injectUpload, PNG } from '../../test/multipart.ts';

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
let owner: Session;
let linkId: string;
let mailId: string;
let chatId: string;
const kb = { category: '', article: '', slug: '' };
/** Contacts who must not see the client-restricted KB article. */
const kbOutsiders = () => [foreignContact, otherClientContact];
/** On another ticket of A's owner: a public file of the owner, a file on an internal note; and the owner's and the agent's pending uploads. */
const files = { ticket: '', note: '', pending: '', staffPending: '' };
/** Client 0 of A: its logo's address, a branding preview and a custom domain. */
const brand = { logo: '', preview: '', domain: '' };

beforeAll(async () => {
  env = await startTestApp();
  a = await createWorkspace(env.db);
  b = await createWorkspace(env.db);
  secret = `SECRET-${Math.random().toString(36).slice(2)}`;
  owner = await signInPortal(env.app, a.slug, a.clients[0].members[0].email);
  await portalTicket(owner, 'warm-up one');
  await portalTicket(owner, 'warm-up two');
  ticketA = await portalTicket(owner, `Ticket with ${secret}`);
  const ownerB = await signInPortal(env.app, b.slug, b.clients[0].members[0].email);
  await portalTicket(ownerB, 'B ticket');
  foreignStaff = await signInStaff(env.app, b.admin.email);
  foreignContact = await signInPortal(env.app, b.slug, b.clients[0].manager.email);
  otherClientContact = await signInPortal(env.app, a.slug, a.clients[1].manager.email);
  colleague = await signInPortal(env.app, a.slug, a.clients[0].members[1].email);
  const agentA = await signInStaff(env.app, a.agent.email);
  linkId = (await agentA.post(`/tickets/${ticketA}/portal-links`)).json().items[0].id;
  const up = async (s: Session, name: string) => (await injectUpload(s, [{ name, data: Buffer.from(`${secret} in ${name}`) }])).json().items[0].id as string;
  // On a ticket of their own, so ticket A stays untouched for the checks at the end.
  const ticketFiles = await portalTicket(owner, 'files');
  files.ticket = await up(owner, `${secret}-public.txt`);
  await owner.post(`/tickets/${ticketFiles}/replies`, { body: 'see file', attachmentIds: [files.ticket] });
  files.note = await up(agentA, `${secret}-note.txt`);
  await agentA.post(`/tickets/${ticketFiles}/messages`, { body: 'internal file', internal: true, attachmentIds: [files.note] });
  files.pending = await up(owner, `${secret}-pending.txt`);
  files.staffPending = await up(agentA, `${secret}-staff-pending.txt`);
  // A chat of A's owner, waiting, with the secret in it (someone must be online to start one).
  await env.db.query(`update staff set chat_presence = 'online', live_seen_at = now() where id = $1`, [a.agent.id]);
  chatId = (await owner.post('/chats', { message: `Chat about ${secret}` })).json().chat.id;
  // A KB article for client 0 of A only, with the secret in it.
  kb.category = (await agentA.post('/kb/categories', { name: 'Restricted' })).json().id;
  const art = (await agentA.post('/kb/articles', { title: 'Restricted article', categoryId: kb.category, markdown: `About ${secret}`, visibility: 'clients', clientIds: [a.clients[0].id] })).json();
  await agentA.post(`/kb/articles/${art.id}/publish`);
  kb.article = art.id;
  kb.slug = art.slug;
  [{ id: mailId }] = (await env.db.query<{ id: string }>('select id from outbox_mail where workspace_id = $1 limit 1', [a.id])) as [{ id: string }];
  // Client 0's branding: a colour, CSS naming the secret, a logo; a preview; a custom domain.
  const adminA = await signInStaff(env.app, a.admin.email);
  await adminA.patch(`/clients/${a.clients[0].id}/branding`, { primaryColor: '#aa0011', customCss: `.${secret} { color: red; }` });
  brand.logo = (await injectUpload(adminA, [{ name: 'logo.png', data: PNG }], { method: 'PUT', path: `/clients/${a.clients[0].id}/branding/logo` })).json().values.logo.url;
  brand.preview = (await adminA.post('/branding/previews', { clientId: a.clients[0].id, portalName: secret })).json().id;
  brand.domain = (await adminA.post('/domains', { hostname: `${secret.toLowerCase()}.routes.test`, clientId: a.clients[0].id })).json().id;
});
afterAll(() => env.close());

type Check = (() => Promise<void>) | { none: string };

/** A session's cookie and token presented at another address. */
class SessionAt extends Session {
  constructor(s: Session, base: string) {
    super(s.app, base, s.cookie, s.csrfToken);
  }
}

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

/** A link issued in workspace A is worthless on B's portal, and for another purpose. */
async function expectForeignLink(purpose: 'magic_link' | 'verify_email' | 'password_reset' | 'invitation', path: string) {
  const { token } = await env.db.tx((tx) =>
    issueToken(tx, { workspaceId: a.id, purpose, contactId: a.clients[0].members[0].id, ttlSeconds: 600 }),
  );
  const body = { token, password: 'a long enough password' };
  const onB = await env.app.inject({ method: 'POST', url: `/portal/${b.slug}/api/auth/${path}`, payload: body });
  expect(onB.json().error.code).toBe('invalid_link');
  const other = path === 'verify-email' ? 'magic-link/redeem' : 'verify-email';
  const wrongPurpose = await env.app.inject({ method: 'POST', url: `/portal/${a.slug}/api/auth/${other}`, payload: body });
  expect(wrongPurpose.statusCode).toBe(400);
}

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
    access: 'contact-mfa',
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

  'POST /portal/:slug/api/uploads': {
    access: 'contact',
    check: async () => {
      // B's session at A's address is no session; a file goes to the caller's own workspace only.
      const res = await injectUpload(new SessionAt(foreignContact, `/portal/${a.slug}/api`), [{ name: 'x.txt', data: Buffer.from('x') }]);
      expect(res.statusCode).toBe(401);
    },
  },
  'DELETE /portal/:slug/api/uploads/:id': {
    access: 'contact',
    check: async () => {
      for (const s of portalSessions()) await expect404(s.request('DELETE', `/uploads/${files.pending}`));
      expect((await owner.get(`/attachments/${files.pending}`)).statusCode).toBe(200);
    },
  },
  'GET /portal/:slug/api/attachments/:id': {
    access: 'contact',
    check: async () => {
      for (const s of portalSessions()) {
        for (const id of Object.values(files)) await expect404(s.get(`/attachments/${id}`));
      }
      // The requester sees the public file, never the internal note's nor the agent's pending one.
      expect((await owner.get(`/attachments/${files.ticket}`)).statusCode).toBe(200);
      await expect404(owner.get(`/attachments/${files.note}`));
      await expect404(owner.get(`/attachments/${files.staffPending}`));
    },
  },
  'POST /staff/api/uploads': {
    access: 'staff',
    check: async () => {
      const res = await injectUpload(new SessionAt(owner, '/staff/api'), [{ name: 'x.txt', data: Buffer.from('x') }]);
      expect(res.statusCode).toBe(401);
    },
  },
  'DELETE /staff/api/uploads/:id': {
    access: 'staff',
    check: async () => {
      await expect404(foreignStaff.request('DELETE', `/uploads/${files.staffPending}`));
      const adminA = await signInStaff(env.app, a.admin.email);
      await expect404(adminA.request('DELETE', `/uploads/${files.staffPending}`)); // another staff member's draft
    },
  },
  'GET /staff/api/attachments/:id': {
    access: 'staff',
    check: async () => {
      for (const id of Object.values(files)) await expect404(foreignStaff.get(`/attachments/${id}`));
      const adminA = await signInStaff(env.app, a.admin.email);
      expect((await adminA.get(`/attachments/${files.note}`)).statusCode).toBe(200);
      await expect404(adminA.get(`/attachments/${files.pending}`)); // a contact's unsent file
    },
  },

  'GET /portal/:slug/api/chat/availability': { access: 'contact', check: { none: 'the workspace of the address; no tenant data' } },
  'GET /portal/:slug/api/chats/current': {
    access: 'contact',
    check: async () => {
      for (const s of portalSessions()) await expectAbsent(s.get('/chats/current'));
    },
  },
  'POST /portal/:slug/api/chats': {
    access: 'contact',
    check: async () => {
      const res = await env.app.inject({
        method: 'POST',
        url: `/portal/${a.slug}/api/chats`,
        headers: { cookie: foreignContact.cookie, 'x-csrf-token': foreignContact.csrfToken },
        payload: { message: 'x' },
      });
      expect(res.statusCode).toBe(401);
    },
  },
  'GET /portal/:slug/api/chats/:id': {
    access: 'contact',
    check: async () => {
      for (const s of portalSessions()) await expect404(s.get(`/chats/${chatId}`));
    },
  },
  'POST /portal/:slug/api/chats/:id/messages': {
    access: 'contact',
    check: async () => {
      for (const s of portalSessions()) await expect404(s.post(`/chats/${chatId}/messages`, { clientId: 'intruder-0001', body: 'x' }));
      expect(await env.db.query('select seq from chat_messages where chat_id = $1', [chatId])).toEqual([{ seq: 1 }]);
    },
  },
  'POST /portal/:slug/api/chats/:id/close': {
    access: 'contact',
    check: async () => {
      for (const s of portalSessions()) await expect404(s.post(`/chats/${chatId}/close`));
      expect(await env.db.query('select status from chats where id = $1', [chatId])).toEqual([{ status: 'waiting' }]);
    },
  },
  'GET /portal/:slug/api/live': { access: 'contact', check: { none: 'live.test.ts: foreign sessions refused at the handshake, foreign topics not_found' } },
  'GET /staff/api/chats': { access: 'staff', check: async () => expectAbsent(foreignStaff.get('/chats')) },
  'PUT /staff/api/chat/presence': { access: 'staff', check: { none: "the caller's own presence" } },
  'GET /staff/api/chats/:id': { access: 'staff', check: async () => expect404(foreignStaff.get(`/chats/${chatId}`)) },
  'POST /staff/api/chats/:id/accept': {
    access: 'staff',
    check: async () => {
      await expect404(foreignStaff.post(`/chats/${chatId}/accept`));
      expect(await env.db.query('select status, agent_id from chats where id = $1', [chatId])).toEqual([{ status: 'waiting', agent_id: null }]);
    },
  },
  'POST /staff/api/chats/:id/messages': {
    access: 'staff',
    check: async () => expect404(foreignStaff.post(`/chats/${chatId}/messages`, { clientId: 'intruder-0002', body: 'x' })),
  },
  'POST /staff/api/chats/:id/close': {
    access: 'staff',
    check: async () => {
      await expect404(foreignStaff.post(`/chats/${chatId}/close`));
      expect(await env.db.query('select status from chats where id = $1', [chatId])).toEqual([{ status: 'waiting' }]);
    },
  },
  'GET /staff/api/live': { access: 'staff', check: { none: 'live.test.ts: foreign sessions refused at the handshake, foreign topics not_found' } },

  'GET /portal/:slug/api/kb': { access: 'anyone', check: async () => { for (const s of kbOutsiders()) await expectAbsent(s.get('/kb')); } },
  'GET /portal/:slug/api/kb/categories/:item': { access: 'anyone', check: async () => { for (const s of kbOutsiders()) await expect404(s.get('/kb/categories/restricted')); } },
  'GET /portal/:slug/api/kb/articles/:item': { access: 'anyone', check: async () => { for (const s of kbOutsiders()) await expect404(s.get(`/kb/articles/${kb.slug}`)); } },
  'GET /portal/:slug/api/kb/search': { access: 'anyone', check: async () => { for (const s of kbOutsiders()) await expectAbsent(s.get(`/kb/search?q=${secret}`)); } },
  'GET /portal/:slug/api/kb/suggest': { access: 'anyone', check: async () => { for (const s of kbOutsiders()) await expectAbsent(s.get(`/kb/suggest?q=${secret}`)); } },
  'POST /portal/:slug/api/kb/articles/:item/vote': {
    access: 'anyone',
    check: async () => {
      for (const s of kbOutsiders()) await expect404(s.post(`/kb/articles/${kb.slug}/vote`, { helpful: false }));
      expect(await env.db.query('select 1 from kb_votes where article_id = $1', [kb.article])).toEqual([]);
    },
  },
  'GET /portal/:slug/api/kb/files/:id': {
    access: 'anyone',
    check: { none: 'kb.test.ts: an image is served only with an article the visitor may read (hidden, other workspace → 404)' },
  },
  'POST /portal/:slug/api/kb/deflections': {
    access: 'contact',
    check: async () => {
      for (const s of kbOutsiders()) await expect404(s.post('/kb/deflections', { articleId: kb.article }));
      expect(await env.db.query('select 1 from kb_deflections where article_id = $1', [kb.article])).toEqual([]);
    },
  },
  'GET /staff/api/kb/categories': { access: 'staff', check: async () => expectAbsent(foreignStaff.get('/kb/categories')) },
  'POST /staff/api/kb/categories': { access: 'staff', check: { none: 'creates in the caller workspace only (no ids in input)' } },
  'PATCH /staff/api/kb/categories/:id': { access: 'staff', check: async () => expect404(foreignStaff.patch(`/kb/categories/${kb.category}`, { name: 'Hijacked' })) },
  'DELETE /staff/api/kb/categories/:id': { access: 'staff', check: async () => expect404(foreignStaff.request('DELETE', `/kb/categories/${kb.category}`)) },
  'GET /staff/api/kb/articles': { access: 'staff', check: async () => expectAbsent(foreignStaff.get('/kb/articles')) },
  'POST /staff/api/kb/articles': {
    access: 'staff',
    check: async () => {
      const res = await foreignStaff.post('/kb/articles', { title: 'x', categoryId: kb.category, visibility: 'public' });
      expect(res.statusCode).toBe(400); // A's category is no category of B's
    },
  },
  'GET /staff/api/kb/articles/:id': { access: 'staff', check: async () => expect404(foreignStaff.get(`/kb/articles/${kb.article}`)) },
  'PATCH /staff/api/kb/articles/:id': {
    access: 'staff',
    check: async () => {
      const cat = (await foreignStaff.post('/kb/categories', { name: 'B category' })).json().id;
      await expect404(foreignStaff.patch(`/kb/articles/${kb.article}`, { title: 'Hijacked', categoryId: cat, visibility: 'public' }));
      expect(await env.db.query('select title from kb_articles where id = $1', [kb.article])).toEqual([{ title: 'Restricted article' }]);
    },
  },
  'DELETE /staff/api/kb/articles/:id': {
    access: 'staff',
    check: async () => {
      await expect404(foreignStaff.request('DELETE', `/kb/articles/${kb.article}`));
      expect(await env.db.query('select 1 from kb_articles where id = $1', [kb.article])).toHaveLength(1);
    },
  },
  'POST /staff/api/kb/articles/:id/publish': { access: 'staff', check: async () => expect404(foreignStaff.post(`/kb/articles/${kb.article}/publish`)) },
  'POST /staff/api/kb/articles/:id/unpublish': {
    access: 'staff',
    check: async () => {
      await expect404(foreignStaff.post(`/kb/articles/${kb.article}/unpublish`));
      expect(await env.db.query('select status from kb_articles where id = $1', [kb.article])).toEqual([{ status: 'published' }]);
    },
  },
  'POST /staff/api/kb/preview': { access: 'staff', check: { none: 'renders the given text; reads nothing' } },
  'GET /staff/api/kb/search': { access: 'staff', check: async () => expectAbsent(foreignStaff.get(`/kb/search?q=${secret}`)) },
  'GET /staff/api/kb/stats': { access: 'staff', check: async () => expectAbsent(foreignStaff.get('/kb/stats')) },

  'GET /portal/access/:token': { access: 'anyone', check: { none: 'workspace comes from the token: portal-links.test.ts' } },
  'POST /portal/:slug/api/auth/mfa': { access: 'contact-mfa', check: { none: "acts on the caller's own session" } },
  'GET /portal/:slug/api/account/mfa': { access: 'contact-mfa', check: { none: "the caller's own factor" } },
  'POST /portal/:slug/api/account/mfa/setup': { access: 'contact-mfa', check: { none: "the caller's own factor" } },
  'POST /portal/:slug/api/account/mfa/confirm': { access: 'contact-mfa', check: { none: "the caller's own factor" } },
  'POST /portal/:slug/api/account/mfa/disable': { access: 'contact', check: { none: "the caller's own factor" } },
  'POST /portal/:slug/api/account/mfa/recovery-codes': { access: 'contact', check: { none: "the caller's own factor" } },
  'POST /portal/:slug/api/auth/magic-link': { access: 'anyone', check: { none: 'links.test.ts: same answer for every address' } },
  'POST /portal/:slug/api/auth/forgot-password': { access: 'anyone', check: { none: 'links.test.ts: same answer for every address' } },
  'POST /portal/:slug/api/auth/register': { access: 'anyone', check: { none: 'links.test.ts: same answer for every address' } },
  'POST /portal/:slug/api/auth/magic-link/redeem': { access: 'anyone', check: async () => expectForeignLink('magic_link', 'magic-link/redeem') },
  'POST /portal/:slug/api/auth/verify-email': { access: 'anyone', check: async () => expectForeignLink('verify_email', 'verify-email') },
  'POST /portal/:slug/api/auth/reset-password': { access: 'anyone', check: async () => expectForeignLink('password_reset', 'reset-password') },
  'POST /portal/:slug/api/auth/accept-invitation': { access: 'anyone', check: async () => expectForeignLink('invitation', 'accept-invitation') },
  'GET /portal/:slug/api/account/sessions': {
    access: 'contact',
    check: async () => {
      const ownerSession = owner.cookie;
      for (const s of portalSessions()) {
        const res = await s.get('/account/sessions');
        expect(res.json().items.every((i: { current: boolean }) => typeof i.current === 'boolean')).toBe(true);
        expect(res.body).not.toContain(ownerSession.slice(4));
      }
      const ids = (await owner.get('/account/sessions')).json().items.map((i: { id: string }) => i.id);
      for (const s of portalSessions()) {
        const theirs = (await s.get('/account/sessions')).json().items.map((i: { id: string }) => i.id);
        expect(theirs.filter((id: string) => ids.includes(id))).toEqual([]);
      }
    },
  },
  'POST /portal/:slug/api/account/sessions/:id/revoke': {
    access: 'contact',
    check: async () => {
      const [mine] = (await owner.get('/account/sessions')).json().items;
      for (const s of portalSessions()) await expect404(s.post(`/account/sessions/${mine.id}/revoke`));
      expect((await owner.get('/tickets')).statusCode).toBe(200);
    },
  },
  'POST /portal/:slug/api/account/sessions/revoke-others': { access: 'contact', check: { none: "the caller's own sessions" } },
  'POST /portal/:slug/api/account/password': { access: 'contact', check: { none: "the caller's own password" } },
  'POST /portal/:slug/api/contacts/invitations': {
    access: 'contact',
    check: async () => {
      // A manager of another client names a contact of client 0: the same answer, nothing happens.
      const res = await otherClientContact.post('/contacts/invitations', { name: 'x', email: a.clients[0].members[0].email });
      expect(res.statusCode).toBe(202);
      const rows = await env.db.query('select 1 from auth_tokens where created_by_contact_id = $1', [a.clients[1].manager.id]);
      expect(rows).toEqual([]);
    },
  },

  'GET /staff': { access: 'anyone', check: { none: 'SPA shell' } },
  'POST /staff/api/auth/mfa': { access: 'staff-mfa', check: { none: "acts on the caller's own session" } },
  'GET /staff/api/account/mfa': { access: 'staff-mfa', check: { none: "the caller's own factor" } },
  'POST /staff/api/account/mfa/setup': { access: 'staff-mfa', check: { none: "the caller's own factor" } },
  'POST /staff/api/account/mfa/confirm': { access: 'staff-mfa', check: { none: "the caller's own factor" } },
  'POST /staff/api/account/mfa/disable': { access: 'staff', check: { none: "the caller's own factor" } },
  'POST /staff/api/account/mfa/recovery-codes': { access: 'staff', check: { none: "the caller's own factor" } },
  'GET /staff/api/tickets/:number/portal-links': {
    access: 'staff',
    check: async () => expect404(foreignStaff.get(`/tickets/${ticketA}/portal-links`)),
  },
  'POST /staff/api/tickets/:number/portal-links': {
    access: 'staff',
    check: async () => expect404(foreignStaff.post(`/tickets/${ticketA}/portal-links`)),
  },
  'POST /staff/api/portal-links/:id/revoke': {
    access: 'staff',
    check: async () => {
      await expect404(foreignStaff.post(`/portal-links/${linkId}/revoke`));
      const [row] = await env.db.query<{ revoked_at: Date | null }>('select revoked_at from auth_tokens where id = $1', [linkId]);
      expect(row!.revoked_at).toBeNull();
    },
  },
  'GET /staff/api/mail': { access: 'admin', check: async () => expectAbsent(foreignStaff.get('/mail')) },
  'GET /staff/api/mail/:id': { access: 'admin', check: async () => expect404(foreignStaff.get(`/mail/${mailId}`)) },
  'POST /staff/api/mail/:id/resend': { access: 'admin', check: async () => expect404(foreignStaff.post(`/mail/${mailId}/resend`)) },
  'PATCH /staff/api/clients/:id': {
    access: 'admin',
    check: async () => {
      await expect404(foreignStaff.patch(`/clients/${a.clients[0].id}`, { name: 'Hijacked', emailDomains: ['evil.test'] }));
      const [row] = await env.db.query<{ name: string }>('select name from clients where id = $1', [a.clients[0].id]);
      expect(row!.name).toBe(a.clients[0].name);
    },
  },
  'POST /staff/api/clients/:id/invitations': {
    access: 'staff',
    check: async () => expect404(foreignStaff.post(`/clients/${a.clients[0].id}/invitations`, { name: 'x', email: 'x@evil.test' })),
  },
  'GET /staff/*': { access: 'anyone', check: { none: 'SPA shell' } },
  'GET /staff/api/*': { access: 'anyone', check: { none: 'unknown API path: 404' } },
  'GET /staff/api/bootstrap': {
    access: 'anyone',
    check: async () => expectAbsent(foreignStaff.get('/bootstrap')),
  },
  'POST /staff/api/auth/sign-in': { access: 'anyone', check: { none: 'covered by auth tests' } },
  'POST /staff/api/auth/sign-out': { access: 'staff-mfa', check: { none: 'acts on the caller own session only' } },
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

  'GET /portal/:slug/brand/colors.css': {
    access: 'anyone',
    check: async () => {
      // Client 0's colour reaches its contacts only: not another client's, not another workspace's.
      for (const s of [otherClientContact, foreignContact, null]) {
        const res = await env.app.inject({ url: `/portal/${a.slug}/brand/colors.css`, headers: s ? { cookie: s.cookie } : {} });
        expect(res.body).not.toContain('#aa0011');
      }
      const own = await env.app.inject({ url: `/portal/${a.slug}/brand/colors.css`, headers: { cookie: colleague.cookie } });
      expect(own.body).toContain('#aa0011');
    },
  },
  'GET /portal/:slug/brand/custom.css': {
    access: 'anyone',
    check: async () => {
      for (const s of [otherClientContact, foreignContact, null]) {
        const res = await env.app.inject({ url: `/portal/${a.slug}/brand/custom.css`, headers: s ? { cookie: s.cookie } : {} });
        expect(res.body).not.toContain(secret);
      }
    },
  },
  'GET /portal/:slug/brand/favicon.svg': {
    access: 'anyone',
    check: async () => {
      // Drawn from the colour the asker may see: client 0's only for client 0's contacts.
      const other = await env.app.inject({ url: `/portal/${a.slug}/brand/favicon.svg`, headers: { cookie: otherClientContact.cookie } });
      expect(other.body).not.toContain('#aa0011');
      const own = await env.app.inject({ url: `/portal/${a.slug}/brand/favicon.svg`, headers: { cookie: colleague.cookie } });
      expect(own.body).toContain('fill="#aa0011"');
    },
  },
  'GET /portal/:slug/brand/images/:id': { access: 'anyone', check: () => expect404(env.app.inject({ url: brand.logo.replace(a.slug, b.slug) })) },
  'GET /staff/api/branding': { access: 'admin', check: async () => expectAbsent(foreignStaff.get('/branding')) },
  'PATCH /staff/api/branding': {
    access: 'admin',
    check: async () => {
      await foreignStaff.patch('/branding', { portalName: 'Foreign name' });
      expect((await env.app.inject({ url: `/portal/${a.slug}/api/bootstrap` })).json().workspace.name).not.toBe('Foreign name');
      await foreignStaff.patch('/branding', { portalName: null });
    },
  },
  'PUT /staff/api/branding/:kind': {
    access: 'admin',
    check: async () => {
      await injectUpload(foreignStaff, [{ name: 'l.png', data: PNG }], { method: 'PUT', path: '/branding/favicon' });
      expect((await env.app.inject({ url: `/portal/${a.slug}/api/bootstrap` })).json().workspace.branding.faviconUrl).toContain('/brand/favicon.svg');
      await foreignStaff.request('DELETE', '/branding/favicon');
    },
  },
  'DELETE /staff/api/branding/:kind': {
    access: 'admin',
    check: async () => {
      await foreignStaff.request('DELETE', '/branding/logo');
      expect((await env.app.inject({ url: brand.logo })).statusCode).toBe(200);
    },
  },
  'GET /staff/api/clients/:id/branding': { access: 'admin', check: () => expect404(foreignStaff.get(`/clients/${a.clients[0].id}/branding`)) },
  'PATCH /staff/api/clients/:id/branding': {
    access: 'admin',
    check: () => expect404(foreignStaff.patch(`/clients/${a.clients[0].id}/branding`, { portalName: 'Taken' })),
  },
  'PUT /staff/api/clients/:id/branding/:kind': {
    access: 'admin',
    check: () =>
      expect404(injectUpload(foreignStaff, [{ name: 'l.png', data: PNG }], { method: 'PUT', path: `/clients/${a.clients[0].id}/branding/logo` })),
  },
  'DELETE /staff/api/clients/:id/branding/:kind': {
    access: 'admin',
    check: async () => {
      await expect404(foreignStaff.request('DELETE', `/clients/${a.clients[0].id}/branding/logo`));
      expect((await env.app.inject({ url: brand.logo })).statusCode).toBe(200);
    },
  },
  'POST /staff/api/branding/previews': {
    access: 'admin',
    check: () => expect404(foreignStaff.post('/branding/previews', { clientId: a.clients[0].id, portalName: 'x' })),
  },
  'GET /staff/branding-preview/:id': { access: 'admin', check: () => expect404(env.app.inject({ url: `/staff/branding-preview/${brand.preview}`, headers: { cookie: foreignStaff.cookie } })) },
  'GET /staff/branding-preview/:id/colors.css': {
    access: 'admin',
    check: () => expect404(env.app.inject({ url: `/staff/branding-preview/${brand.preview}/colors.css`, headers: { cookie: foreignStaff.cookie } })),
  },
  'GET /staff/branding-preview/:id/custom.css': {
    access: 'admin',
    check: () => expect404(env.app.inject({ url: `/staff/branding-preview/${brand.preview}/custom.css`, headers: { cookie: foreignStaff.cookie } })),
  },

  'GET /staff/api/domains': { access: 'admin', check: async () => expectAbsent(foreignStaff.get('/domains')) },
  'GET /staff/api/domains/:id': { access: 'admin', check: () => expect404(foreignStaff.get(`/domains/${brand.domain}`)) },
  'POST /staff/api/domains': {
    access: 'admin',
    check: () => expect404(foreignStaff.post('/domains', { hostname: 'x.foreign.test', clientId: a.clients[0].id })),
  },
  'POST /staff/api/domains/:id/check': { access: 'admin', check: () => expect404(foreignStaff.post(`/domains/${brand.domain}/check`)) },
  'DELETE /staff/api/domains/:id': {
    access: 'admin',
    check: async () => {
      await expect404(foreignStaff.request('DELETE', `/domains/${brand.domain}`));
      const adminA = await signInStaff(env.app, a.admin.email);
      expect((await adminA.get(`/domains/${brand.domain}`)).statusCode).toBe(200);
    },
  },
  'GET /.well-known/portico/tls-ask': { access: 'anyone', check: { none: 'says only whether a name is a verified custom domain (domains.test.ts)' } },
  'GET /.well-known/acme-challenge/:token': { access: 'anyone', check: { none: 'answers the token of a pending certificate order; no tenant data' } },
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
      const path = key.split(' ')[1]!;
      const surface = path.startsWith('/portal') ? 'portal' : path.startsWith('/staff') ? 'staff' : 'public';
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
        url: url
          .replace(':slug', a.slug)
          .replace(':number', String(ticketA))
          .replace(':id', a.clients[0].id),
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
