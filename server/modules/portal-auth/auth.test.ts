import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWorkspace,
  portalTicket,
  randomLoopback,
  signInPortal,
  signInStaff,
  startTestApp,
  TEST_PASSWORD,
  type TestEnv,
} from '../../test/harness.ts';
import { authChanged } from '../../platform/auth/auth-cache.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await startTestApp();
});
afterAll(() => env.close());

const signIn = (slug: string, payload: unknown, headers: Record<string, string> = {}, remoteAddress = randomLoopback()) =>
  env.app.inject({ method: 'POST', url: `/portal/${slug}/api/auth/sign-in`, payload: payload as object, headers, remoteAddress });

describe('portal sign-in and sessions', () => {
  it('gives the same answer for an unknown email, a wrong password and a disabled contact', async () => {
    const ws = await createWorkspace(env.db);
    const contact = ws.clients[0].members[0];
    await env.db.query(`update contacts set status = 'disabled' where id = $1`, [ws.clients[0].members[1].id]);
    const unknown = await signIn(ws.slug, { email: 'nobody@nowhere.test', password: TEST_PASSWORD });
    const wrong = await signIn(ws.slug, { email: contact.email, password: 'wrong password' });
    const disabled = await signIn(ws.slug, { email: ws.clients[0].members[1].email, password: TEST_PASSWORD });
    const otherWorkspace = await createWorkspace(env.db);
    const foreign = await signIn(otherWorkspace.slug, { email: contact.email, password: TEST_PASSWORD });
    for (const res of [unknown, wrong, disabled, foreign]) {
      expect(res.statusCode).toBe(401);
      expect(res.body).toBe(unknown.body);
      expect(res.cookies).toEqual([]);
    }
    expect(unknown.json().error.code).toBe('invalid_credentials');
  });

  it('redirects after sign-in only to a path inside this portal', async () => {
    const ws = await createWorkspace(env.db);
    const email = ws.clients[0].manager.email;
    for (const [next, expected] of [
      [`/portal/${ws.slug}/tickets/3`, `/portal/${ws.slug}/tickets/3`],
      ['//evil.com', `/portal/${ws.slug}`],
      ['/\\evil.com', `/portal/${ws.slug}`],
      ['https:evil.com', `/portal/${ws.slug}`],
    ]) {
      const res = await signIn(ws.slug, { email, password: TEST_PASSWORD, next });
      expect(res.json()).toEqual({ ok: true, stage: 'active', next: expected });
    }
  });

  it('matches email case-insensitively and stores passwords as Argon2id', async () => {
    const ws = await createWorkspace(env.db);
    const res = await signIn(ws.slug, { email: ws.clients[0].manager.email.toUpperCase(), password: TEST_PASSWORD });
    expect(res.statusCode).toBe(200);
    const [row] = await env.db.query<{ password_hash: string }>('select password_hash from contacts where id = $1', [
      ws.clients[0].manager.id,
    ]);
    expect(row!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('sets an HttpOnly, SameSite cookie scoped to the portal and stores only its hash', async () => {
    const ws = await createWorkspace(env.db);
    const res = await signIn(ws.slug, { email: ws.clients[0].manager.email, password: TEST_PASSWORD });
    const [cookie] = res.cookies;
    expect(cookie).toMatchObject({ name: 'sid', path: `/portal/${ws.slug}`, httpOnly: true, sameSite: 'Lax' });
    expect(cookie!.value.length).toBeGreaterThanOrEqual(43); // 256 bits, base64url
    const rows = await env.db.query<{ token_hash: string }>('select token_hash from sessions where contact_id = $1', [
      ws.clients[0].manager.id,
    ]);
    expect(rows).toEqual([{ token_hash: createHash('sha256').update(cookie!.value).digest('hex') }]);
  });

  it('rotates the session id at sign-in and revokes on sign-out', async () => {
    const ws = await createWorkspace(env.db);
    const email = ws.clients[0].manager.email;
    const first = await signInPortal(env.app, ws.slug, email);
    const second = await signIn(ws.slug, { email, password: TEST_PASSWORD }, { cookie: first.cookie });
    const newCookie = `sid=${second.cookies[0]!.value}`;
    expect(newCookie).not.toBe(first.cookie);
    expect((await first.get('/tickets')).statusCode).toBe(401);
    const boot = await env.app.inject({ url: `/portal/${ws.slug}/api/bootstrap`, headers: { cookie: newCookie } });
    const s2 = boot.json().session;
    expect(s2.contact.email).toBe(email);

    const out = await env.app.inject({
      method: 'POST',
      url: `/portal/${ws.slug}/api/auth/sign-out`,
      headers: { cookie: newCookie, 'x-csrf-token': s2.csrfToken },
    });
    expect(out.statusCode).toBe(200);
    const after = await env.app.inject({ url: `/portal/${ws.slug}/api/tickets`, headers: { cookie: newCookie } });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('unauthenticated');
  });

  it('refuses a session from another workspace, an expired session and a disabled contact', async () => {
    const a = await createWorkspace(env.db);
    const b = await createWorkspace(env.db);
    const sa = await signInPortal(env.app, a.slug, a.clients[0].manager.email);
    const onB = await env.app.inject({ url: `/portal/${b.slug}/api/tickets`, headers: { cookie: sa.cookie } });
    expect(onB.statusCode).toBe(401);
    const bootB = await env.app.inject({ url: `/portal/${b.slug}/api/bootstrap`, headers: { cookie: sa.cookie } });
    expect(bootB.json().session).toBeNull();
    expect(bootB.json().workspace.slug).toBe(b.slug);

    // A portal cookie means nothing to the staff app and vice versa.
    const staffWithPortal = await env.app.inject({ url: '/staff/api/tickets', headers: { cookie: sa.cookie.replace('sid=', 'staff_sid=') } });
    expect(staffWithPortal.statusCode).toBe(401);
    const agent = await signInStaff(env.app, a.agent.email);
    const portalWithStaff = await env.app.inject({ url: `/portal/${a.slug}/api/tickets`, headers: { cookie: agent.cookie.replace('staff_sid=', 'sid=') } });
    expect(portalWithStaff.statusCode).toBe(401);

    // Changed behind the application's back, as a future "disable contact" operation would:
    // such an operation announces it (auth.changed), and the cached sign-in is forgotten.
    await env.db.query(`update sessions set expires_at = now() - interval '1 second' where contact_id = $1`, [a.clients[0].manager.id]);
    authChanged(env.app.deps.bus, a.id);
    expect((await sa.get('/tickets')).statusCode).toBe(401);

    const member = await signInPortal(env.app, a.slug, a.clients[0].members[0].email);
    expect((await member.get('/tickets')).statusCode).toBe(200);
    await env.db.query(`update contacts set status = 'disabled' where id = $1`, [a.clients[0].members[0].id]);
    authChanged(env.app.deps.bus, a.id);
    expect((await member.get('/tickets')).statusCode).toBe(401);
  });

  it('forgets a cached sign-in the moment it is revoked or the portal settings change', async () => {
    const ws = await createWorkspace(env.db);
    const other = await createWorkspace(env.db);
    const email = ws.clients[0].manager.email;
    const laptop = await signInPortal(env.app, ws.slug, email);
    const phone = await signInPortal(env.app, ws.slug, email);
    const elsewhere = await signInPortal(env.app, other.slug, other.clients[0].manager.email);
    // Both in use (and so remembered), then the laptop signs the phone out.
    expect((await phone.get('/tickets')).statusCode).toBe(200);
    expect((await elsewhere.get('/tickets')).statusCode).toBe(200);
    expect((await laptop.post('/account/sessions/revoke-others', {})).statusCode).toBe(200);
    expect((await phone.get('/tickets')).statusCode).toBe(401);
    expect((await laptop.get('/tickets')).statusCode).toBe(200);
    expect((await elsewhere.get('/tickets')).statusCode).toBe(200);
    // An admin turns off ticket creation: the next create is refused, not served from memory.
    expect((await portalTicket(laptop, 'Before')) > 0).toBe(true);
    const admin = await signInStaff(env.app, ws.admin.email);
    expect((await admin.patch('/settings', { portal: { ticketCreation: false } })).statusCode).toBe(200);
    const refused = await laptop.post('/tickets', { subject: 'After', description: 'x', priority: 'normal' });
    expect(refused.json().error.code).toBe('portal_ticket_creation_disabled');
    // Signing out: the same cookie is refused at once.
    expect((await laptop.post('/auth/sign-out', {})).statusCode).toBe(200);
    expect((await laptop.get('/tickets')).statusCode).toBe(401);
  });

  it('records each sign-in in the audit log with method and address', async () => {
    const ws = await createWorkspace(env.db);
    await signIn(ws.slug, { email: ws.clients[0].manager.email, password: TEST_PASSWORD }, {}, '127.9.9.9');
    const rows = await env.db.query<{ type: string; actor_id: string; ip: string; payload: unknown }>(
      `select type, actor_id, ip, payload from events where workspace_id = $1 and type = 'auth.signed_in'`,
      [ws.id],
    );
    expect(rows).toEqual([
      { type: 'auth.signed_in', actor_id: ws.clients[0].manager.id, ip: '127.9.9.9', payload: { surface: 'portal', method: 'password' } },
    ]);
  });

  it('rate limits sign-in attempts per address of the caller, across accounts', async () => {
    const ws = await createWorkspace(env.db);
    const ip = randomLoopback();
    const codes: number[] = [];
    for (let i = 0; i < 11; i++) {
      codes.push((await signIn(ws.slug, { email: `x${i}@y.test`, password: 'nope' }, {}, ip)).statusCode);
    }
    expect(codes.slice(0, 10).every((c) => c === 401)).toBe(true);
    const limited = await signIn(ws.slug, { email: ws.clients[0].manager.email, password: TEST_PASSWORD }, {}, ip);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate_limited');
    expect(limited.headers['retry-after']).toBeDefined();
    // Another address is not affected.
    expect((await signIn(ws.slug, { email: ws.clients[0].manager.email, password: TEST_PASSWORD })).statusCode).toBe(200);
  });

  it('counts failures, not successes: one office behind one address can all sign in, an attacker there cannot guess on', async () => {
    const ws = await createWorkspace(env.db);
    const ip = randomLoopback();
    const people = [ws.clients[0].manager, ...ws.clients[0].members];
    const codes: number[] = [];
    // Twelve sign-ins in a minute from one address, six of them by the same person.
    for (let i = 0; i < 6; i++) {
      for (const p of people.slice(0, 2)) codes.push((await signIn(ws.slug, { email: p.email, password: TEST_PASSWORD }, {}, ip)).statusCode);
    }
    expect(codes).toEqual(Array(12).fill(200));
    // Failures from there still run into the limit, successes in between do not wash them out.
    const failures: number[] = [];
    for (let i = 0; i < 11; i++) {
      failures.push((await signIn(ws.slug, { email: `x${i}@y.test`, password: 'nope' }, {}, ip)).statusCode);
      if (i === 4) expect((await signIn(ws.slug, { email: people[1]!.email, password: TEST_PASSWORD }, {}, ip)).statusCode).toBe(200);
    }
    expect(failures).toEqual([...Array(10).fill(401), 429]);
  });

  it('still caps every attempt from one address at 60 a minute, since each costs a password hash', async () => {
    const ws = await createWorkspace(env.db);
    const ip = randomLoopback();
    const people = [ws.clients[0].manager, ...ws.clients[0].members, ws.clients[1].manager, ...ws.clients[1].members];
    const codes = new Map<number, number>();
    for (let i = 0; i < 61; i++) {
      const res = await signIn(ws.slug, { email: people[i % people.length]!.email, password: TEST_PASSWORD }, {}, ip);
      codes.set(res.statusCode, (codes.get(res.statusCode) ?? 0) + 1);
    }
    expect(Object.fromEntries(codes)).toEqual({ 200: 60, 429: 1 });
  });

  it('gives staff from one office the same: successes do not count toward the limit', async () => {
    const ws = await createWorkspace(env.db);
    const ip = randomLoopback();
    const staffSignIn = (email: string, password: string) =>
      env.app.inject({ method: 'POST', url: '/staff/api/auth/sign-in', payload: { email, password }, remoteAddress: ip });
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) codes.push((await staffSignIn(ws.agent.email, TEST_PASSWORD)).statusCode);
    expect(codes).toEqual(Array(12).fill(200));
    const failures: number[] = [];
    for (let i = 0; i < 11; i++) failures.push((await staffSignIn(`x${i}@y.test`, 'nope')).statusCode);
    expect(failures).toEqual([...Array(10).fill(401), 429]);
  });
});

describe('CSRF and request hygiene', () => {
  it('refuses changes without the CSRF token, with a wrong one, or from another origin', async () => {
    const ws = await createWorkspace(env.db);
    const s = await signInPortal(env.app, ws.slug, ws.clients[0].manager.email);
    const body = { subject: 's', description: 'd' };
    const noToken = await env.app.inject({ method: 'POST', url: `${s.base}/tickets`, headers: { cookie: s.cookie }, payload: body });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().error.code).toBe('csrf_failed');
    expect((await s.request('POST', '/tickets', body, { 'x-csrf-token': 'forged' })).statusCode).toBe(403);
    expect((await s.request('POST', '/tickets', body, { origin: 'https://evil.test' })).statusCode).toBe(403);
    expect((await s.request('POST', '/tickets', body, { 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    const staffToken = (await signInStaff(env.app, ws.agent.email)).csrfToken;
    expect((await s.request('POST', '/tickets', body, { 'x-csrf-token': staffToken })).statusCode).toBe(403);
    // Login CSRF: a cross-site form cannot sign a victim in either.
    const crossSignIn = await signIn(ws.slug, { email: ws.clients[0].manager.email, password: TEST_PASSWORD }, { origin: 'https://evil.test' });
    expect(crossSignIn.statusCode).toBe(403);
    expect((await s.get('/tickets')).json().total).toBe(0);
    // Same origin is fine.
    expect((await s.request('POST', '/tickets', body, { origin: 'http://localhost:80' })).statusCode).toBe(201);
  });

  it('accepts only JSON bodies: forms and text are 415, broken JSON is 400', async () => {
    const ws = await createWorkspace(env.db);
    const s = await signInPortal(env.app, ws.slug, ws.clients[0].manager.email);
    const send = (type: string, payload: string) =>
      env.app.inject({
        method: 'POST',
        url: `${s.base}/tickets`,
        headers: { cookie: s.cookie, 'x-csrf-token': s.csrfToken, 'content-type': type },
        payload,
      });
    expect((await send('application/x-www-form-urlencoded', 'subject=a&description=b')).json().error.code).toBe('unsupported_media_type');
    expect((await send('text/plain', '{"subject":"a","description":"b"}')).statusCode).toBe(415);
    const broken = await send('application/json', '{"subject":');
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('invalid_json');
    expect((await s.get('/tickets')).json().total).toBe(0);
    await portalTicket(s);
  });

  it('sends security headers: CSP, no-referrer, nosniff, no-store on API answers', async () => {
    const ws = await createWorkspace(env.db);
    const res = await env.app.inject({ url: `/portal/${ws.slug}/api/bootstrap` });
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
    // Every answer, also an unknown address and the staff app, carries them.
    for (const url of ['/no/such/page', '/staff/api/me']) {
      const other = await env.app.inject({ url });
      expect(other.headers['content-security-policy']).toContain("default-src 'self'");
      expect(other.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(other.headers['x-content-type-options']).toBe('nosniff');
      expect(other.headers['referrer-policy']).toBe('no-referrer');
      // Plain http here: no HSTS.
      expect(other.headers['strict-transport-security']).toBeUndefined();
    }
  });
});
