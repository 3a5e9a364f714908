import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, signInStaff, startTestApp, waitForJobs, type TestEnv } from '../../test/harness.ts';
import { freePort, startSmtp, type TestSmtp } from '../../test/smtp.ts';
import { injectUpload } from '../../test/multipart.ts';

const requestMagicLink = (env: TestEnv, slug: string, email: string) =>
  env.app.inject({ method: 'POST', url: `/portal/${slug}/api/auth/magic-link`, payload: { email } });

describe('mail through SMTP', () => {
  let smtp: TestSmtp;
  let env: TestEnv;
  beforeAll(async () => {
    smtp = await startSmtp();
    env = await startTestApp({ SMTP_URL: smtp.url, MAIL_FROM: 'help@brightline.test' });
  });
  afterAll(async () => {
    await env.close();
    await smtp.close();
  });

  it('delivers queued mail over SMTP with HTML and text bodies in the workspace name, and records it as sent', async () => {
    const ws = await createWorkspace(env.db);
    const contact = ws.clients[0].manager;
    const t0 = Date.now();
    expect((await requestMagicLink(env, ws.slug, contact.email)).statusCode).toBe(202);
    const mail = await smtp.waitFor((m) => m.to === contact.email);
    console.log(`magic link request to SMTP delivery: ${Date.now() - t0} ms`);
    expect(mail.subject).toBe(`Your sign-in link for ${ws.name}`);
    expect(mail.text).toContain(`http://portico.test/portal/${ws.slug}/magic/`);
    expect(mail.html).toContain(ws.name);
    for (const body of [mail.text, mail.html, mail.subject]) expect(body.toLowerCase()).not.toContain('portico.test/staff');
    expect(`${mail.text}${mail.html}`.toLowerCase().replace(/portico\.test/g, '')).not.toContain('portico');
    await waitForJobs(env);
    const [row] = await env.db.query<{ status: string; attempts: number; template: string }>(
      'select status, attempts, template from outbox_mail where workspace_id = $1',
      [ws.id],
    );
    expect(row).toEqual({ status: 'sent', attempts: 1, template: 'magic_link' });
  });

  it('mail to a contact carries their client’s branding, in its name, and never the product’s', async () => {
    const ws = await createWorkspace(env.db);
    const admin = await signInStaff(env.app, ws.admin.email);
    const client = ws.clients[0];
    await admin.patch(`/clients/${client.id}/branding`, { portalName: 'Harbor Dental IT', primaryColor: '#7a1f5c' });
    const logo = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    const up = await injectUpload(admin, [{ name: 'logo.png', data: logo }], { method: 'PUT', path: `/clients/${client.id}/branding/logo` });
    expect((await requestMagicLink(env, ws.slug, client.members[0].email)).statusCode).toBe(202);
    const mail = await smtp.waitFor((m) => m.to === client.members[0].email);
    expect(mail.from).toBe('"Harbor Dental IT" <help@brightline.test>');
    expect(mail.subject).toBe('Your sign-in link for Harbor Dental IT');
    expect(mail.html).toContain('border-top:4px solid #7a1f5c');
    expect(mail.html).toContain(`<img src="http://portico.test${up.json().values.logo.url}"`);
    const words = `${mail.from} ${mail.subject} ${mail.text} ${mail.html}`.replace(/https?:\/\/[^\s"<]+/g, '');
    expect(words).not.toMatch(/portico/i);
    expect(words).not.toContain(ws.name); // the workspace's own name stays behind the client's
    // Another client's contact gets the workspace's branding.
    expect((await requestMagicLink(env, ws.slug, ws.clients[1].members[0].email)).statusCode).toBe(202);
    const other = await smtp.waitFor((m) => m.to === ws.clients[1].members[0].email);
    expect(other.subject).toBe(`Your sign-in link for ${ws.name}`);
    expect(other.html).not.toContain('#7a1f5c');
  });

  it('builds links from the configured address, never from the Host or X-Forwarded-Host headers', async () => {
    const ws = await createWorkspace(env.db);
    const contact = ws.clients[0].members[0];
    // A host that is neither this server's address nor a custom domain is not served at all.
    const unknown = await env.app.inject({
      method: 'POST',
      url: `/portal/${ws.slug}/api/auth/magic-link`,
      payload: { email: contact.email },
      headers: { host: 'evil.test' },
    });
    expect(unknown.statusCode).toBe(404);
    await env.app.inject({
      method: 'POST',
      url: `/portal/${ws.slug}/api/auth/magic-link`,
      payload: { email: contact.email },
      headers: { host: 'portico.test', 'x-forwarded-host': 'evil.test' },
    });
    const mail = await smtp.waitFor((m) => m.to === contact.email);
    expect(mail.text).toContain(`http://portico.test/portal/${ws.slug}/magic/`);
    expect(mail.text).not.toContain('evil.test');
  });

  it('shows admins the outbox with delivery state; agents may not see it; other workspaces see none of it', async () => {
    const ws = await createWorkspace(env.db);
    const other = await createWorkspace(env.db);
    await requestMagicLink(env, ws.slug, ws.clients[0].manager.email);
    await smtp.waitFor((m) => m.to === ws.clients[0].manager.email);
    await waitForJobs(env);
    const admin = await signInStaff(env.app, ws.admin.email);
    const list = (await admin.get('/mail')).json();
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({ to: ws.clients[0].manager.email, status: 'sent', attempts: 1, template: 'magic_link' });
    const detail = (await admin.get(`/mail/${list.items[0].id}`)).json();
    // Delivered: the stored copy no longer holds the sign-in token.
    expect(detail.text).toContain('/magic/[link removed after delivery]');
    expect(detail.text).not.toMatch(/[A-Za-z0-9_-]{64}/);
    expect((await admin.post(`/mail/${list.items[0].id}/resend`)).statusCode).toBe(404);
    expect((await (await signInStaff(env.app, ws.agent.email)).get('/mail')).statusCode).toBe(403);
    const foreign = await signInStaff(env.app, other.admin.email);
    expect((await foreign.get('/mail')).json().total).toBe(0);
    expect((await foreign.get(`/mail/${list.items[0].id}`)).statusCode).toBe(404);
    expect((await foreign.post(`/mail/${list.items[0].id}/resend`)).statusCode).toBe(404);
  });
});

describe('mail while the SMTP server is down', () => {
  it('keeps the message queued, retries with backoff, and delivers once the server is back', async () => {
    const port = await freePort();
    const env = await startTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}` });
    try {
      const ws = await createWorkspace(env.db);
      const email = ws.clients[0].manager.email;
      expect((await requestMagicLink(env, ws.slug, email)).statusCode).toBe(202);
      // The first attempt fails (connection refused) and is recorded.
      let row: { status: string; attempts: number; last_error: string | null } | undefined;
      for (let i = 0; i < 100 && !row?.attempts; i++) {
        [row] = await env.db.query('select status, attempts, last_error from outbox_mail where workspace_id = $1', [ws.id]);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(row).toMatchObject({ status: 'queued', attempts: 1 });
      expect(row!.last_error).toMatch(/ECONNREFUSED|connect/i);
      // The server comes back on the same port: the retry delivers it, once.
      const smtp = await startSmtp(port);
      try {
        const mail = await smtp.waitFor((m) => m.to === email, 25_000);
        expect(mail.subject).toContain('sign-in link');
        await waitForJobs(env, 25_000);
        const [after] = await env.db.query<{ status: string; attempts: number }>(
          'select status, attempts from outbox_mail where workspace_id = $1',
          [ws.id],
        );
        expect(after).toEqual({ status: 'sent', attempts: 2 });
        expect(smtp.received.filter((m) => m.to === email)).toHaveLength(1);
      } finally {
        await smtp.close();
      }
    } finally {
      await env.close();
    }
  }, 60_000);
});

describe('mail without SMTP (the embedded default)', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await startTestApp();
  });
  afterAll(() => env.close());

  it('keeps mail for the Mailbox page, where its links can be opened, and can send it again', async () => {
    const ws = await createWorkspace(env.db);
    await requestMagicLink(env, ws.slug, ws.clients[0].manager.email);
    await waitForJobs(env);
    const admin = await signInStaff(env.app, ws.admin.email);
    const list = (await admin.get('/mail?status=stored')).json();
    expect(list.items).toHaveLength(1);
    const mail = (await admin.get(`/mail/${list.items[0].id}`)).json();
    expect(mail.status).toBe('stored');
    const token = /\/magic\/([A-Za-z0-9_-]+)/.exec(mail.text)![1];
    const redeem = await env.app.inject({
      method: 'POST',
      url: `/portal/${ws.slug}/api/auth/magic-link/redeem`,
      payload: { token },
    });
    expect(redeem.statusCode).toBe(200);
    const resent = (await admin.post(`/mail/${mail.id}/resend`)).json();
    expect(resent.status).toBe('queued');
    await waitForJobs(env);
    expect((await admin.get(`/mail/${mail.id}`)).json().status).toBe('stored');
    expect((await admin.get('/mail?status=bogus')).statusCode).toBe(400);
  });
});
