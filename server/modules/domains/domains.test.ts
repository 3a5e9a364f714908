/**
 * Custom domains end to end on loopback, against real peers: a DNS server (dns2) that Portico
 * and pebble both ask, Debian's pebble as the ACME CA doing real HTTP-01 validation against
 * Portico's own HTTP listener, and Portico's HTTPS listener choosing the certificate by SNI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from 'node:tls';
import { newSecretKey } from '../../platform/crypto/sealed.ts';
import { listenTls } from '../../platform/http/tls-server.ts';
import { buildApp } from '../../app.ts';
import { createWorkspace, signInPortal, signInStaff, startTestApp, testConfig, waitForJobs, type TestEnv, type TestWorkspace, type Session } from '../../test/harness.ts';
import { startDns, type TestDns } from '../../test/dns-server.ts';
import { pebbleAvailable, startPebble, type TestPebble } from '../../test/pebble.ts';
import { runDomainSteps } from './lifecycle.ts';

const TARGET = 'portal.provider.test';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

type Answer = { status: number; body: string; headers: http.IncomingHttpHeaders };

/** A request as a browser on that host would send it, over HTTPS with SNI or plain HTTP. */
function request(
  opts: { tls?: { port: number; ca: string }; httpPort?: number; host: string; path: string; method?: string; cookie?: string; body?: unknown },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { host: opts.host, accept: 'text/html,application/json' };
    if (opts.cookie) headers.cookie = opts.cookie;
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    if (payload) Object.assign(headers, { 'content-type': 'application/json', origin: `https://${opts.host}` });
    const common = { host: '127.0.0.1', path: opts.path, method: opts.method ?? 'GET', headers };
    const done = (res: http.IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    };
    const req = opts.tls
      ? https.request({ ...common, port: opts.tls.port, servername: opts.host, ca: opts.tls.ca, agent: false }, done)
      : http.request({ ...common, port: opts.httpPort }, done);
    req.on('error', reject);
    req.end(payload);
  });
}

const handshake = (port: number, servername: string, ca: string) =>
  new Promise<'ok' | string>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, servername, ca }, () => {
      socket.end();
      resolve('ok');
    });
    socket.once('error', (e) => resolve(e.message));
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!pebbleAvailable() && !process.env.CI)('custom domains against DNS and pebble', () => {
  let env: TestEnv;
  let dns: TestDns;
  let pebble: TestPebble;
  let httpPort: number;
  let tlsPort: number;
  let closeTls: (() => Promise<void>) | undefined;
  let root: string;
  let caDir: string;
  let ws: TestWorkspace;
  let admin: Session;

  beforeAll(async () => {
    dns = await startDns();
    dns.setRecord(TARGET, { A: ['127.0.0.1'] });
    httpPort = await freePort();
    pebble = await startPebble({ httpPort, dnsServer: dns.servers[0]! });
    caDir = mkdtempSync(path.join(tmpdir(), 'portico-ca-'));
    writeFileSync(path.join(caDir, 'pebble-ca.pem'), pebble.caCertPem);
    env = await startTestApp({
      PORTAL_CNAME_TARGET: TARGET,
      DNS_SERVERS: dns.servers.join(','),
      ACME_DIRECTORY_URL: pebble.directoryUrl,
      ACME_CA_FILE: path.join(caDir, 'pebble-ca.pem'),
      ACME_POLL_MS: '100',
      SECRET_KEY: newSecretKey(),
    });
    await env.app.listen({ port: httpPort, host: '127.0.0.1' });
    const tls = await listenTls(env.app, env.app.certificates, { port: 0, host: '127.0.0.1' });
    tlsPort = tls.port;
    closeTls = tls.close;
    root = await pebble.issuingRootPem();
    ws = await createWorkspace(env.db);
    admin = await signInStaff(env.app, ws.admin.email);
    await admin.patch(`/clients/${ws.clients[0].id}/branding`, { portalName: 'Harbor Dental IT', primaryColor: '#7a1f5c' });
    await admin.patch(`/clients/${ws.clients[1].id}/branding`, { portalName: 'Keystone Help' });
  }, 60_000);

  afterAll(async () => {
    await closeTls?.();
    await env?.close();
    await pebble?.stop();
    await dns?.close();
    if (caDir) rmSync(caDir, { recursive: true, force: true });
  });

  /** Runs due steps (as the job does) until the domain reaches `state`. */
  async function stepUntil(id: string, state: string, as: Session = admin, timeoutMs = 30_000) {
    const until = Date.now() + timeoutMs;
    for (;;) {
      await runDomainSteps(env.app.deps);
      const d = (await as.get(`/domains/${id}`)).json();
      if (d.state === state) return d;
      if (Date.now() > until) throw new Error(`domain still ${d.state} (${d.reason})`);
      await sleep(100);
    }
  }
  const makeDue = (id: string) => env.db.query('update custom_domains set next_step_at = now() where id = $1', [id]);

  it('from DNS pending to a branded portal over HTTPS, then out of service when DNS moves away', async () => {
    const host = 'support.client.test';
    dns.setRecord(host, { CNAME: 'elsewhere.example.test' });
    dns.setRecord('elsewhere.example.test', { A: ['192.0.2.7'] });

    const added = await admin.post('/domains', { hostname: 'Support.Client.TEST', clientId: ws.clients[0].id });
    expect(added.statusCode, added.body).toBe(201);
    const domain = added.json();
    expect(domain).toMatchObject({
      hostname: host,
      client: { id: ws.clients[0].id, name: ws.clients[0].name },
      state: 'pending_dns',
      record: { type: 'CNAME', name: host, value: TARGET },
    });

    // DNS points elsewhere: not verified, and the reason says where it points.
    await runDomainSteps(env.app.deps);
    const pending = (await admin.get(`/domains/${domain.id}`)).json();
    expect(pending.state).toBe('pending_dns');
    expect(pending.reason).toContain(`points to elsewhere.example.test, not ${TARGET}`);
    expect(pending.dnsFound).toEqual(['elsewhere.example.test']);
    expect(new Date(pending.nextCheckAt).getTime()).toBeGreaterThan(Date.now());
    expect(new Date(pending.checkUntil).getTime()).toBeGreaterThan(Date.now() + 47 * 3600_000);
    // Not in service: a neutral 404 on that host, without any branding.
    const early = await request({ httpPort, host, path: '/' });
    expect(early.status).toBe(404);
    expect(early.body).not.toContain('Harbor');
    expect(early.body).not.toContain(ws.name);

    // The record is fixed: DNS verified, pebble validates over HTTP-01, certificate stored.
    dns.setRecord(host, { CNAME: TARGET });
    expect((await admin.post(`/domains/${domain.id}/check`)).statusCode).toBe(200);
    const active = await stepUntil(domain.id, 'active');
    expect(active.reason).toBeNull();
    expect(new Date(active.certificateExpiresAt).getTime()).toBeGreaterThan(Date.now() + 30 * 24 * 3600_000);
    const [stored] = await env.db.query<{ key_sealed: string; cert_pem: string }>(
      'select key_sealed, cert_pem from domain_certificates where domain_id = $1',
      [domain.id],
    );
    expect(stored!.key_sealed).toMatch(/^v1\./); // sealed at rest, never the PEM
    expect(stored!.key_sealed).not.toContain('PRIVATE KEY');

    // HTTPS with that SNI: the client's branded portal, at the root of the domain.
    const tls = { port: tlsPort, ca: root };
    const page = await request({ tls, host, path: '/' });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Harbor Dental IT</title>');
    expect(page.body).toContain('<meta name="portal-base" content="">');
    const boot = JSON.parse((await request({ tls, host, path: '/api/bootstrap' })).body);
    expect(boot.workspace.branding).toMatchObject({ portalName: 'Harbor Dental IT', primaryColor: '#7a1f5c', stylesheetUrl: expect.stringMatching(/^\/brand\/colors\.css\?v=/) });
    const css = await request({ tls, host, path: boot.workspace.branding.stylesheetUrl });
    expect(css.body).toContain('--brand-primary:#7a1f5c');

    // Its own contacts sign in there (cookie for the whole domain); another client's cannot.
    const member = ws.clients[0].members[0];
    const signIn = await request({ tls, host, path: '/api/auth/sign-in', method: 'POST', body: { email: member.email, password: 'correct horse battery' } });
    expect(signIn.status, signIn.body).toBe(200);
    expect(JSON.parse(signIn.body).next).toBe('/');
    const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
    expect(String(signIn.headers['set-cookie'])).toMatch(/Path=\/(;|$)/);
    const mine = JSON.parse((await request({ tls, host, path: '/api/bootstrap', cookie })).body);
    expect(mine.session.contact.email).toBe(member.email);
    const other = ws.clients[1].members[0];
    const refused = await request({ tls, host, path: '/api/auth/sign-in', method: 'POST', body: { email: other.email, password: 'correct horse battery' } });
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body).error.code).toBe('invalid_credentials');
    // A session of the other client (from the default address) is no session on this domain.
    const otherSession = await signInPortal(env.app, ws.slug, other.email);
    const asOther = JSON.parse((await request({ tls, host, path: '/api/bootstrap', cookie: otherSession.cookie })).body);
    expect(asOther.session).toBeNull();
    expect(asOther.workspace.name).toBe('Harbor Dental IT');

    // The default address keeps working, and emails now link to the domain.
    expect((await env.app.inject({ method: 'GET', url: `/portal/${ws.slug}/api/bootstrap` })).statusCode).toBe(200);
    const link = await request({ tls, host, path: '/api/auth/magic-link', method: 'POST', body: { email: member.email } });
    expect(link.status).toBe(202);
    await waitForJobs(env);
    const [mail] = await env.db.query<{ text_body: string; html_body: string; subject: string }>(
      `select text_body, html_body, subject from outbox_mail where workspace_id = $1 and to_address = $2 order by created_at desc limit 1`,
      [ws.id, member.email],
    );
    expect(mail!.subject).toBe('Your sign-in link for Harbor Dental IT');
    expect(mail!.text_body).toMatch(new RegExp(`https://${host}/magic/[A-Za-z0-9_-]+`));
    expect(mail!.html_body).toContain('#7a1f5c');

    // Unknown names: no certificate (handshake fails) and, over HTTP, a neutral 404.
    expect(await handshake(tlsPort, 'unknown.client.test', root)).not.toBe('ok');
    const unknown = await request({ httpPort, host: 'unknown.client.test', path: '/api/bootstrap' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).not.toContain(ws.name);

    // DNS stops pointing here: out of service at the next check.
    dns.remove(host);
    await makeDue(domain.id);
    const lapsed = await stepUntil(domain.id, 'pending_dns');
    expect(lapsed.reason).toContain('out of service');
    await expect.poll(() => handshake(tlsPort, host, root), { timeout: 5000 }).not.toBe('ok');
    expect((await request({ httpPort, host, path: '/' })).status).toBe(404);
  }, 90_000);

  it('a workspace’s own domain shows the workspace’s portal; removing a domain takes it out at once', async () => {
    const host = 'help.provider-two.test';
    dns.setRecord(host, { CNAME: TARGET });
    const { id } = (await admin.post('/domains', { hostname: host })).json();
    await stepUntil(id, 'active');
    const tls = { port: tlsPort, ca: root };
    const page = await request({ tls, host, path: '/' });
    expect(page.body).toContain(`<title>${ws.name}</title>`);
    // Any client's contact may sign in on the workspace's own domain, and sees their client's branding.
    const member = ws.clients[1].members[0];
    const signIn = await request({ tls, host, path: '/api/auth/sign-in', method: 'POST', body: { email: member.email, password: 'correct horse battery' } });
    const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
    expect(JSON.parse((await request({ tls, host, path: '/api/bootstrap', cookie })).body).workspace.name).toBe('Keystone Help');

    expect((await admin.request('DELETE', `/domains/${id}`)).statusCode).toBe(204);
    await expect.poll(() => handshake(tlsPort, host, root), { timeout: 5000 }).not.toBe('ok');
    expect((await request({ httpPort, host, path: '/' })).status).toBe(404);
    expect((await admin.get(`/domains/${id}`)).statusCode).toBe(404);
  }, 60_000);

  it('refuses bad and taken names, and another workspace’s domains are not found', async () => {
    for (const hostname of ['https://x.test/path', 'localhost', '10.0.0.1', 'no_underscores.test', '*.wild.test', 'portico.test']) {
      const res = await admin.post('/domains', { hostname });
      expect(res.statusCode, hostname).toBe(400);
      expect(res.json().error.code).toBe('domain_invalid');
    }
    const host = 'taken.client.test';
    const first = await admin.post('/domains', { hostname: host, clientId: ws.clients[1].id });
    expect(first.statusCode).toBe(201);
    expect((await admin.post('/domains', { hostname: 'second.client.test', clientId: ws.clients[1].id })).json().error.code).toBe('domain_taken');
    const other = await createWorkspace(env.db);
    const otherAdmin = await signInStaff(env.app, other.admin.email);
    const taken = await otherAdmin.post('/domains', { hostname: host });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('domain_taken');
    const id = first.json().id;
    expect((await otherAdmin.get(`/domains/${id}`)).statusCode).toBe(404);
    expect((await otherAdmin.post(`/domains/${id}/check`)).statusCode).toBe(404);
    expect((await otherAdmin.request('DELETE', `/domains/${id}`)).statusCode).toBe(404);
    expect((await otherAdmin.post('/domains', { hostname: 'x.other.test', clientId: ws.clients[0].id })).statusCode).toBe(404);
    expect((await otherAdmin.get('/domains')).json().items).toEqual([]);
    const agent = await signInStaff(env.app, ws.agent.email);
    expect((await agent.get('/domains')).statusCode).toBe(403);
  });

  it('two processes stepping at once order one certificate; renewal comes 30 days before expiry', async () => {
    const host = 'twice.client.test';
    dns.setRecord(host, { CNAME: TARGET });
    const ws2 = await createWorkspace(env.db);
    const admin2 = await signInStaff(env.app, ws2.admin.email);
    const { id } = (await admin2.post('/domains', { hostname: host, clientId: ws2.clients[0].id })).json();
    // A second app on the same database stands in for a second process.
    const second = await buildApp({
      db: env.db,
      workers: false,
      config: testConfig({
      PORTAL_CNAME_TARGET: TARGET,
      DNS_SERVERS: dns.servers.join(','),
      ACME_DIRECTORY_URL: env.config.domains.acmeDirectoryUrl,
      ACME_CA_FILE: env.config.domains.acmeCaFile!,
      ACME_POLL_MS: '100',
      SECRET_KEY: env.config.secretKey!,
      }),
    });
    try {
      const orders = () => (pebble.output().match(/Issued certificate serial/gi) ?? []).length;
      const before = orders();
      await Promise.all([
        stepUntil(id, 'active', admin2),
        (async () => {
          for (let i = 0; i < 20; i++) await runDomainSteps(second.deps);
        })(),
      ]);
      await expect.poll(() => orders() - before, { timeout: 3000 }).toBe(1);
      await sleep(500);
      expect(orders() - before).toBe(1);
      const pem = async () => (await env.db.query<{ cert_pem: string }>('select cert_pem from domain_certificates where domain_id = $1', [id]))[0]!.cert_pem;
      const first = await pem();

      // Still far from expiry: a check keeps the certificate.
      await makeDue(id);
      await runDomainSteps(env.app.deps);
      expect(orders() - before).toBe(1);
      // Within 30 days of expiry: a new certificate, served at once.
      await env.db.query(`update domain_certificates set not_after = now() + interval '10 days' where domain_id = $1`, [id]);
      await makeDue(id);
      await runDomainSteps(second.deps);
      await expect.poll(() => orders() - before, { timeout: 3000 }).toBe(2); // pebble's log arrives on its own pipe
      const renewed = (await admin2.get(`/domains/${id}`)).json();
      expect(renewed.state).toBe('active');
      expect(await pem()).not.toBe(first); // a new certificate (its expiry may fall in the same second)
      expect(new Date(renewed.certificateExpiresAt).getTime()).toBeGreaterThan(Date.now() + 30 * 24 * 3600_000);
    } finally {
      await second.close();
      await admin2.request('DELETE', `/domains/${id}`);
    }
  }, 60_000);

  it('gives up after 48 hours of wrong DNS, with the reason, until asked to check again', async () => {
    const host = 'slow.client.test';
    const { id } = (await admin.post('/domains', { hostname: host })).json();
    await env.db.query(`update custom_domains set waiting_since = now() - interval '49 hours', next_step_at = now() where id = $1`, [id]);
    const failed = await stepUntil(id, 'failed');
    expect(failed.reason).toContain('After 48 hours');
    expect(failed.reason).toContain('Check again');
    expect(failed.nextCheckAt).toBeNull();
    dns.setRecord(host, { CNAME: TARGET });
    await admin.post(`/domains/${id}/check`);
    await stepUntil(id, 'active');
  }, 60_000);
});

describe('custom domains behind a proxy with on-demand TLS', () => {
  let env: TestEnv;
  let dns: TestDns;

  beforeAll(async () => {
    dns = await startDns();
    dns.setRecord(TARGET, { A: ['127.0.0.1'] });
    env = await startTestApp({ CUSTOM_DOMAIN_TLS: 'proxy', PORTAL_CNAME_TARGET: TARGET, DNS_SERVERS: dns.servers.join(',') });
  });
  afterAll(async () => {
    await env?.close();
    await dns?.close();
  });

  it('the proxy may ask for a certificate only for added domains whose DNS points here', async () => {
    const ws = await createWorkspace(env.db);
    const admin = await signInStaff(env.app, ws.admin.email);
    await admin.patch(`/clients/${ws.clients[0].id}/branding`, { portalName: 'Proxied Portal' });
    const ask = async (domain: string) => (await env.app.inject({ url: `/.well-known/portico/tls-ask?domain=${domain}`, headers: { host: domain } })).statusCode;
    const host = 'help.proxied.test';
    const { id } = (await admin.post('/domains', { hostname: host, clientId: ws.clients[0].id })).json();
    expect(await ask(host)).toBe(404); // added, DNS not checked yet
    expect(await ask('random.example.test')).toBe(404);

    dns.setRecord(host, { CNAME: TARGET });
    for (let i = 0; i < 50 && (await admin.get(`/domains/${id}`)).json().state !== 'active'; i++) {
      await runDomainSteps(env.app.deps);
      await sleep(50);
    }
    const domain = (await admin.get(`/domains/${id}`)).json();
    expect(domain).toMatchObject({ state: 'active', certificateExpiresAt: null, reason: null });
    expect(await ask(host)).toBe(200);
    expect(await ask(host.toUpperCase())).toBe(200);

    // The proxy forwards plain HTTP with the Host header: the client's portal.
    await expect.poll(async () => (await env.app.inject({ url: '/', headers: { host } })).body, { timeout: 5000 }).toContain('<title>Proxied Portal</title>');
    expect((await env.app.inject({ url: '/api/bootstrap', headers: { host } })).json().workspace.name).toBe('Proxied Portal');

    await admin.request('DELETE', `/domains/${id}`);
    expect(await ask(host)).toBe(404);
  });
});
