/**
 * Two-step verification (TOTP + recovery codes) for contacts and staff: enrolment, the MFA
 * step after every sign-in method, replay protection, re-authentication, workspace
 * requirements, tenancy and rate limits. Real SMTP for the emailed links.
 */
import { createHash } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { generate, generateSecret } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, randomLoopback, Session, signInStaff, startTestApp, TEST_PASSWORD, type TestEnv } from '../../test/harness.ts';
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

const PERIOD = 30;
const stepNow = () => Math.floor(Date.now() / 1000 / PERIOD);

/**
 * An authenticator app that hands out each time step once, moving forward: the server takes
 * codes one step either side of now and refuses any step at or before the last one used.
 */
function authenticator(secret: string) {
  let last = -1;
  return {
    secret,
    async next() {
      const step = Math.max(stepNow(), last + 1);
      if (step > stepNow() + 1) throw new Error('test used more TOTP steps than the tolerance window holds');
      last = step;
      return generate({ secret, epoch: step * PERIOD });
    },
    /** Six digits that are none of the codes valid right now. */
    async wrong() {
      const valid = await Promise.all([-1, 0, 1].map((d) => generate({ secret, epoch: (stepNow() + d) * PERIOD })));
      return ['000000', '111111', '222222', '333333'].find((c) => !valid.includes(c))!;
    },
  };
}

type Where = { base: string; cookie: string };
const portal = (slug: string): Where => ({ base: `/portal/${slug}/api`, cookie: 'sid' });
const staff: Where = { base: '/staff/api', cookie: 'staff_sid' };

/** The session whose cookie this response set (CSRF token read from the bootstrap). */
async function sessionOf(where: Where, res: LightMyRequestResponse): Promise<Session> {
  const c = res.cookies.find((x) => x.name === where.cookie);
  if (!c) throw new Error(`no ${where.cookie} cookie: ${res.statusCode} ${res.body}`);
  const cookie = `${where.cookie}=${c.value}`;
  const boot = await env.app.inject({ url: `${where.base}/bootstrap`, headers: { cookie } });
  return new Session(env.app, where.base, cookie, boot.json().session.csrfToken);
}

/** An anonymous POST from a browser of its own. */
const anon = (where: Where, path: string, payload: object) =>
  env.app.inject({ method: 'POST', url: `${where.base}${path}`, payload, remoteAddress: randomLoopback() });

/** Password sign-in: the SignInResult and the (possibly MFA-stage) session. */
async function signIn(where: Where, email: string, password = TEST_PASSWORD) {
  const res = await anon(where, '/auth/sign-in', { email, password });
  expect(res.statusCode, res.body).toBe(200);
  return { result: res.json(), s: await sessionOf(where, res) };
}

/** Turns TOTP on for the session's person; returns their authenticator and recovery codes. */
async function enrol(s: Session) {
  const setup = await s.post('/account/mfa/setup', {});
  expect(setup.statusCode, setup.body).toBe(200);
  const auth = authenticator(setup.json().secret);
  const confirm = await s.post('/account/mfa/confirm', { code: await auth.next() });
  expect(confirm.statusCode, confirm.body).toBe(200);
  return { auth, recoveryCodes: confirm.json().recoveryCodes as string[], confirm };
}

const errorCode = (res: LightMyRequestResponse) => res.json().error?.code;
const boot = async (s: Session) => (await s.get('/bootstrap')).json();
const ageSessions = (column: 'contact_id' | 'staff_id', id: string) =>
  env.db.query(`update sessions set authenticated_at = now() - interval '11 minutes' where ${column} = $1`, [id]);

describe('contact MFA', () => {
  it('enrols with a QR code and a secret, refuses a wrong code, then gives ten recovery codes', async () => {
    const ws = await createWorkspace(env.db);
    const contact = ws.clients[0].members[0];
    const { s } = await signIn(portal(ws.slug), contact.email);
    const setup = await s.post('/account/mfa/setup', {});
    expect(setup.statusCode).toBe(200);
    const { qrSvg, secret, uri } = setup.json();
    expect(qrSvg).toMatch(/^<svg [^>]*viewBox="[^"]+"[^>]*>(<path [^>]*\/>)+<\/svg>\s*$/);
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    expect(uri).toContain(`secret=${secret}`);
    const auth = authenticator(secret);

    const wrong = await s.post('/account/mfa/confirm', { code: await auth.wrong() });
    expect([wrong.statusCode, errorCode(wrong)]).toEqual([401, 'invalid_mfa_code']);
    expect((await s.get('/account/mfa')).json()).toEqual({ enabled: false, required: false, recoveryCodesLeft: 0 });

    const right = await s.post('/account/mfa/confirm', { code: await auth.next() });
    expect(right.statusCode).toBe(200);
    const { recoveryCodes } = right.json();
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const c of recoveryCodes) expect(c).toMatch(/^[0-9a-f]{5}-[0-9a-f]{5}$/);
    expect((await s.get('/account/mfa')).json()).toEqual({ enabled: true, required: false, recoveryCodesLeft: 10 });
    const stored = await env.db.query<{ code_hash: string }>('select code_hash from mfa_recovery_codes where contact_id = $1', [contact.id]);
    expect(stored.map((r) => r.code_hash).sort()).toEqual(recoveryCodes.map((c: string) => createHash('sha256').update(c).digest('hex')).sort());
  });

  it('asks for the code after a password sign-in and rotates the session id once it passes', async () => {
    const ws = await createWorkspace(env.db);
    const contact = ws.clients[0].members[0];
    const { auth } = await enrol((await signIn(portal(ws.slug), contact.email)).s);

    const { result, s } = await signIn(portal(ws.slug), contact.email);
    expect(result).toMatchObject({ ok: true, stage: 'mfa' });
    expect((await s.get('/tickets')).statusCode).toBe(401);
    expect(await boot(s)).toMatchObject({ session: { stage: 'mfa', mfa: { enrolled: true }, csrfToken: s.csrfToken } });
    expect((await boot(s)).session.contact).toBeUndefined();

    const wrong = await s.post('/auth/mfa', { code: await auth.wrong() });
    expect([wrong.statusCode, errorCode(wrong)]).toEqual([401, 'invalid_mfa_code']);
    const right = await s.post('/auth/mfa', { code: await auth.next() });
    expect(right.statusCode, right.body).toBe(200);
    expect(right.json()).toEqual({ ok: true, stage: 'active', next: `/portal/${ws.slug}` });
    const active = await sessionOf(portal(ws.slug), right);
    expect(active.cookie).not.toBe(s.cookie);
    expect((await active.get('/tickets')).statusCode).toBe(200);
    expect((await boot(active)).session).toMatchObject({ stage: 'active', contact: { id: contact.id } });
    expect((await boot(s)).session).toBeNull(); // the MFA-stage session is gone
  });

  it('accepts a TOTP code once: not again for another sign-in, not even concurrently', async () => {
    const ws = await createWorkspace(env.db);
    const contact = ws.clients[0].members[0];
    const where = portal(ws.slug);
    const { auth } = await enrol((await signIn(where, contact.email)).s);
    const [{ step: enrolStep }] = (await env.db.query('select totp_last_step::int as step from contacts where id = $1', [contact.id])) as [{ step: number }];

    const [a, b] = [(await signIn(where, contact.email)).s, (await signIn(where, contact.email)).s];
    const code = await auth.next();
    const both = await Promise.all([a.post('/auth/mfa', { code }), b.post('/auth/mfa', { code })]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 401]);

    const c = (await signIn(where, contact.email)).s;
    const replay = await c.post('/auth/mfa', { code });
    expect([replay.statusCode, errorCode(replay)]).toEqual([401, 'invalid_mfa_code']);
    const older = await generate({ secret: auth.secret, epoch: enrolStep * PERIOD }); // the enrolment code
    expect((await c.post('/auth/mfa', { code: older })).statusCode).toBe(401);
    expect((await c.get('/tickets')).statusCode).toBe(401);
  });

  it('accepts each recovery code once, whatever its case and spacing', async () => {
    const ws = await createWorkspace(env.db);
    const contact = ws.clients[0].members[0];
    const where = portal(ws.slug);
    const { recoveryCodes } = await enrol((await signIn(where, contact.email)).s);

    const s1 = (await signIn(where, contact.email)).s;
    const first = await s1.post('/auth/mfa', { code: `  ${recoveryCodes[0]!.toUpperCase()} ` });
    expect(first.statusCode, first.body).toBe(200);
    const active = await sessionOf(where, first);
    expect((await active.get('/account/mfa')).json().recoveryCodesLeft).toBe(9);

    const s2 = (await signIn(where, contact.email)).s;
    const again = await s2.post('/auth/mfa', { code: recoveryCodes[0] });
    expect([again.statusCode, errorCode(again)]).toEqual([401, 'invalid_mfa_code']);
    const [head, tail] = recoveryCodes[1]!.toUpperCase().split('-');
    const second = await s2.post('/auth/mfa', { code: `${head} ${tail}` });
    expect(second.statusCode, second.body).toBe(200);
    expect((await (await sessionOf(where, second)).get('/account/mfa')).json().recoveryCodesLeft).toBe(8);
  });

  it('asks for the second factor after a magic link, an invitation and a password reset too', async () => {
    const ws = await createWorkspace(env.db);
    const where = portal(ws.slug);
    const contact = ws.clients[0].members[0];
    const { recoveryCodes } = await enrol((await signIn(where, contact.email)).s);
    const tokenFrom = async (email: string, subject: string, fragment: string) =>
      linkIn(await smtp.waitFor((m) => m.to === email && m.subject.includes(subject)), fragment).split('/').pop()!;

    // Magic link: without a factor it signs straight in; with one, the MFA step comes first.
    const plain = ws.clients[0].members[1];
    expect((await anon(where, '/auth/magic-link', { email: plain.email })).statusCode).toBe(202);
    const plainRedeem = await anon(where, '/auth/magic-link/redeem', { token: await tokenFrom(plain.email, 'sign-in link', '/magic/') });
    expect(plainRedeem.json()).toMatchObject({ ok: true, stage: 'active' });
    expect((await anon(where, '/auth/magic-link', { email: contact.email })).statusCode).toBe(202);
    const magic = await anon(where, '/auth/magic-link/redeem', { token: await tokenFrom(contact.email, 'sign-in link', '/magic/') });
    expect(magic.statusCode, magic.body).toBe(200);
    expect(magic.json()).toMatchObject({ ok: true, stage: 'mfa' });
    const magicSession = await sessionOf(where, magic);
    expect((await magicSession.get('/tickets')).statusCode).toBe(401);
    expect((await boot(magicSession)).session).toMatchObject({ stage: 'mfa', mfa: { enrolled: true } });

    // Invitation (staff re-invite the existing contact) and its acceptance.
    const agent = await signInStaff(env.app, ws.agent.email);
    const invite = await agent.post(`/clients/${ws.clients[0].id}/invitations`, { name: contact.name, email: contact.email, role: 'member' });
    expect(invite.statusCode, invite.body).toBe(201);
    const welcomeToken = await tokenFrom(contact.email, 'invited', '/welcome/');
    const accepted = await anon(where, '/auth/accept-invitation', { token: welcomeToken, password: 'invited password 1' });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ ok: true, stage: 'mfa' });
    expect((await (await sessionOf(where, accepted)).get('/tickets')).statusCode).toBe(401);

    // Password reset.
    expect((await anon(where, '/auth/forgot-password', { email: contact.email })).statusCode).toBe(202);
    const resetToken = await tokenFrom(contact.email, 'Reset your password', '/reset/');
    const reset = await anon(where, '/auth/reset-password', { token: resetToken, password: 'a brand new password' });
    expect(reset.statusCode, reset.body).toBe(200);
    expect(reset.json()).toMatchObject({ ok: true, stage: 'mfa' });
    const resetSession = await sessionOf(where, reset);
    expect((await resetSession.get('/tickets')).statusCode).toBe(401);
    const done = await resetSession.post('/auth/mfa', { code: recoveryCodes[0] });
    expect(done.json()).toMatchObject({ stage: 'active' });
    expect((await (await sessionOf(where, done)).get('/tickets')).statusCode).toBe(200);
  });

  it('asks for the password or a code again to change factors after ten minutes', async () => {
    const ws = await createWorkspace(env.db);
    const contact = ws.clients[0].members[0];
    const { s } = await signIn(portal(ws.slug), contact.email);
    await enrol(s);
    await ageSessions('contact_id', contact.id);

    for (const path of ['/account/mfa/recovery-codes', '/account/mfa/setup', '/account/mfa/disable']) {
      for (const body of [{}, { password: 'not the password' }]) {
        const res = await s.post(path, body);
        expect(res.statusCode, `${path} ${JSON.stringify(body)}`).toBe(401);
        expect(errorCode(res)).toBe('reauth_required');
      }
      expect((await s.get('/account/mfa')).json()).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
      const ok = await s.post(path, { password: TEST_PASSWORD });
      expect(ok.statusCode, `${path} with password: ${ok.body}`).toBe(200);
    }
    expect((await s.get('/account/mfa')).json()).toEqual({ enabled: false, required: false, recoveryCodesLeft: 0 });
  });

  it('turns off with a current code: recovery codes are gone and sign-in is one step again', async () => {
    const ws = await createWorkspace(env.db);
    const contact = ws.clients[0].members[0];
    const { s } = await signIn(portal(ws.slug), contact.email);
    const { auth } = await enrol(s);
    await ageSessions('contact_id', contact.id);

    expect(errorCode(await s.post('/account/mfa/disable', { code: await auth.wrong() }))).toBe('reauth_required');
    const off = await s.post('/account/mfa/disable', { code: await auth.next() });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toEqual({ enabled: false, required: false, recoveryCodesLeft: 0 });
    expect(await env.db.query('select id from mfa_recovery_codes where contact_id = $1', [contact.id])).toEqual([]);
    const [row] = await env.db.query('select totp_secret, totp_enabled_at from contacts where id = $1', [contact.id]);
    expect(row).toEqual({ totp_secret: null, totp_enabled_at: null });
    const again = await signIn(portal(ws.slug), contact.email);
    expect(again.result.stage).toBe('active');
    expect((await again.s.get('/tickets')).statusCode).toBe(200);
  });

  it('a workspace that requires MFA makes contacts set it up before anything else', async () => {
    const ws = await createWorkspace(env.db);
    const contact = ws.clients[0].members[0];
    const admin = await signInStaff(env.app, ws.admin.email);
    const patch = await admin.patch('/settings', { signIn: { mfaRequiredContacts: true } });
    expect(patch.json().signIn).toMatchObject({ mfaRequiredContacts: true, mfaRequiredStaff: false });

    const { result, s } = await signIn(portal(ws.slug), contact.email);
    expect(result.stage).toBe('mfa');
    expect((await boot(s)).session).toMatchObject({ stage: 'mfa', mfa: { enrolled: false } });
    expect((await s.get('/tickets')).statusCode).toBe(401);
    expect((await s.get('/account/mfa')).json()).toEqual({ enabled: false, required: true, recoveryCodesLeft: 0 });
    expect((await s.post('/auth/mfa', { code: '123456' })).statusCode).toBe(401);

    const { confirm } = await enrol(s);
    expect(confirm.json().stage).toBe('active');
    const active = await sessionOf(portal(ws.slug), confirm);
    expect(active.cookie).not.toBe(s.cookie);
    expect((await active.get('/tickets')).statusCode).toBe(200);
    expect((await s.get('/account/mfa')).statusCode).toBe(401);

    const disable = await active.post('/account/mfa/disable', { password: TEST_PASSWORD });
    expect([disable.statusCode, errorCode(disable)]).toEqual([403, 'forbidden']);
    expect((await active.get('/account/mfa')).json()).toMatchObject({ enabled: true, required: true });
  });

  it('an enrolled contact waiting for the code cannot set up a new factor instead of entering one', async () => {
    // Forced enrolment at the MFA step is for people without a factor. With one, a password
    // alone must not be enough to swap it for the attacker's and finish signing in.
    const ws = await createWorkspace(env.db);
    const contact = ws.clients[0].members[0];
    const { auth } = await enrol((await signIn(portal(ws.slug), contact.email)).s);
    const { s } = await signIn(portal(ws.slug), contact.email);

    const setup = await s.post('/account/mfa/setup', {});
    expect.soft(setup.statusCode, 'POST /account/mfa/setup during the MFA step of an enrolled contact').not.toBe(200);
    if (setup.statusCode === 200) {
      const confirm = await s.post('/account/mfa/confirm', { code: await generate({ secret: setup.json().secret }) });
      expect.soft(confirm.statusCode, 'confirming a new secret instead of entering a code').not.toBe(200);
      const sid = confirm.cookies.find((c) => c.name === 'sid');
      if (sid) {
        const tickets = await env.app.inject({ url: `/portal/${ws.slug}/api/tickets`, headers: { cookie: `sid=${sid.value}` } });
        expect.soft(tickets.statusCode, 'tickets after the swap').toBe(401);
      }
    }
    const [row] = await env.db.query<{ totp_secret: string }>('select totp_secret from contacts where id = $1', [contact.id]);
    expect(row!.totp_secret).toBe(auth.secret);
  });

  it('keeps an MFA-stage session and its factor to its own workspace and person', async () => {
    const [a, b] = [await createWorkspace(env.db), await createWorkspace(env.db)];
    const ca = a.clients[0].members[0];
    const cb = b.clients[0].members[0];
    const { auth: authA } = await enrol((await signIn(portal(a.slug), ca.email)).s);
    await enrol((await signIn(portal(b.slug), cb.email)).s);

    // Only the caller was enrolled: colleagues in A and people in B are untouched.
    const others = await env.db.query<{ id: string }>(
      `select id from contacts where workspace_id in ($1, $2) and (totp_enabled_at is not null or totp_pending_secret is not null)`,
      [a.id, b.id],
    );
    expect(others.map((r) => r.id).sort()).toEqual([ca.id, cb.id].sort());

    const sa = (await signIn(portal(a.slug), ca.email)).s;
    const code = await authA.next();
    const saOnB = new Session(env.app, `/portal/${b.slug}/api`, sa.cookie, sa.csrfToken);
    const onB = (path: string, method: 'GET' | 'POST' = 'POST') => saOnB.request(method, path, method === 'POST' ? { code } : undefined);
    expect((await onB('/auth/mfa')).statusCode).toBe(401);
    expect((await onB('/account/mfa', 'GET')).statusCode).toBe(401);
    expect((await onB('/account/mfa/setup')).statusCode).toBe(401);
    expect((await onB('/bootstrap', 'GET')).json().session).toBeNull();

    // B's contact at the MFA step: A's valid code is checked against B's own factor only.
    const sb = (await signIn(portal(b.slug), cb.email)).s;
    const crossed = await sb.post('/auth/mfa', { code });
    expect(crossed.statusCode).toBe(401);
    expect((await sb.get('/tickets')).statusCode).toBe(401);
    // …and that code is still good for A.
    const mine = await sa.post('/auth/mfa', { code });
    expect(mine.statusCode, mine.body).toBe(200);
  });

  it('rate limits wrong codes: the sixth within a minute is refused, even a right one after', async () => {
    const ws = await createWorkspace(env.db);
    const [contact, other] = ws.clients[0].members;
    // TOTP switched on directly, so the count starts at zero (enrolment's confirm counts too).
    const secret = generateSecret();
    await env.db.query('update contacts set totp_secret = $2, totp_enabled_at = now() where id = any($1::uuid[])', [[contact.id, other.id], secret]);
    const auth = authenticator(secret);
    const { s } = await signIn(portal(ws.slug), contact.email);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await s.post('/auth/mfa', { code: await auth.wrong() })).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const limited = await s.post('/auth/mfa', { code: await auth.next() });
    expect([limited.statusCode, errorCode(limited)]).toEqual([429, 'rate_limited']);
    expect((await s.get('/tickets')).statusCode).toBe(401);
    // Another person is not affected.
    const o = (await signIn(portal(ws.slug), other.email)).s;
    expect((await o.post('/auth/mfa', { code: await auth.wrong() })).statusCode).toBe(401);
  });

  it('rate limits codes and passwords given to prove it is you, as it does at sign-in', async () => {
    // A stolen session older than ten minutes must not become an unlimited guessing oracle.
    const ws = await createWorkspace(env.db);
    const contact = ws.clients[0].members[0];
    const { s } = await signIn(portal(ws.slug), contact.email);
    const { auth } = await enrol(s);
    await ageSessions('contact_id', contact.id);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await s.post('/account/mfa/disable', { code: await auth.wrong() })).statusCode);
    for (let i = 0; i < 6; i++) statuses.push((await s.post('/account/mfa/recovery-codes', { password: `wrong password ${i}` })).statusCode);
    expect(statuses).toContain(429);
    expect((await s.get('/account/mfa')).json().enabled).toBe(true);
  });
});

describe('staff MFA', () => {
  it('enrols, and the next sign-in asks for the code before the staff app opens', async () => {
    const ws = await createWorkspace(env.db);
    const s = await signInStaff(env.app, ws.agent.email);
    const { auth } = await enrol(s);
    expect((await s.get('/account/mfa')).json()).toEqual({ enabled: true, required: false, recoveryCodesLeft: 10 });
    expect((await s.post('/auth/sign-out')).statusCode).toBe(200);

    const { result, s: pending } = await signIn(staff, ws.agent.email);
    expect(result).toMatchObject({ ok: true, stage: 'mfa', next: '/staff' });
    expect(await boot(pending)).toEqual({ session: { stage: 'mfa', mfa: { enrolled: true }, csrfToken: pending.csrfToken } });
    expect((await pending.get('/tickets')).statusCode).toBe(401);
    expect(errorCode(await pending.post('/auth/mfa', { code: await auth.wrong() }))).toBe('invalid_mfa_code');
    const ok = await pending.post('/auth/mfa', { code: await auth.next() });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ stage: 'active' });
    const active = await sessionOf(staff, ok);
    expect(active.cookie).not.toBe(pending.cookie);
    expect((await active.get('/tickets')).statusCode).toBe(200);
    expect((await pending.get('/tickets')).statusCode).toBe(401);
  });

  it('a workspace that requires MFA for staff makes them set it up at sign-in', async () => {
    const ws = await createWorkspace(env.db);
    const admin = await signInStaff(env.app, ws.admin.email);
    expect((await admin.patch('/settings', { signIn: { mfaRequiredStaff: true } })).json().signIn.mfaRequiredStaff).toBe(true);

    const { result, s } = await signIn(staff, ws.agent.email);
    expect(result.stage).toBe('mfa');
    expect((await boot(s)).session).toMatchObject({ stage: 'mfa', mfa: { enrolled: false } });
    expect((await s.get('/tickets')).statusCode).toBe(401);
    expect((await s.get('/account/mfa')).json()).toEqual({ enabled: false, required: true, recoveryCodesLeft: 0 });
    const { confirm } = await enrol(s);
    const active = await sessionOf(staff, confirm);
    expect((await active.get('/tickets')).statusCode).toBe(200);
    expect(errorCode(await active.post('/account/mfa/disable', { password: TEST_PASSWORD }))).toBe('forbidden');
    // Contacts of the workspace are not affected by the staff requirement.
    expect((await signIn(portal(ws.slug), ws.clients[0].manager.email)).result.stage).toBe('active');
  });
});

describe('credentials given to prove it is you', () => {
  it('are checked even right after signing in: a wrong password or code is refused, not ignored', async () => {
    const ws = await createWorkspace(env.db);
    const { s } = await signIn(portal(ws.slug), ws.clients[0].manager.email);
    const { auth } = await enrol(s);
    for (const body of [{ password: 'not my password' }, { code: await auth.wrong() }]) {
      for (const path of ['/account/mfa/recovery-codes', '/account/mfa/disable']) {
        const res = await s.post(path, body);
        expect(res.statusCode, `${path} ${JSON.stringify(body)}`).toBe(401);
        expect(res.json().error.code).toBe('reauth_required');
      }
    }
    expect((await s.get('/account/mfa')).json()).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
    // In a fresh session nothing needs to be given at all.
    expect((await s.post('/account/mfa/recovery-codes', {})).statusCode).toBe(200);
  });
});
