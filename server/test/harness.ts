/**
 * Test harness: the real app on a real database (embedded PGlite in memory by default,
 * PostgreSQL when TEST_DATABASE_URL is set), and factories that create a fresh workspace
 * per test so files never interfere and nothing is truncated.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BlobStore } from '../platform/storage/blob-store.ts';
import type { LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../config.ts';
import { buildApp, type App } from '../app.ts';
import { openPglite, openPostgres, type Db } from '../platform/db/db.ts';
import { migrate } from '../platform/db/migrate.ts';
import { hashPassword } from '../platform/auth/passwords.ts';

export const TEST_PASSWORD = 'correct horse battery';

export function testConfig(overrides: Record<string, string> = {}): Config {
  const result = loadConfig({ LOG_LEVEL: 'silent', PUBLIC_URL: 'http://portico.test', ...overrides });
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.config;
}

export async function openTestDb(): Promise<Db> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) return openPostgres(url, 5); // migrated once by global-setup
  const db = await openPglite();
  await migrate(db);
  return db;
}

export type TestEnv = { app: App; db: Db; config: Config; jobPrefix: string; close: () => Promise<void> };

export async function startTestApp(overrides: Record<string, string> = {}, opts: { files?: BlobStore } = {}): Promise<TestEnv> {
  const db = await openTestDb();
  // Uploaded files go to a directory of this app's own, removed on close.
  const filesDir = overrides.FILES_DIR ? undefined : mkdtempSync(path.join(tmpdir(), 'portico-files-'));
  const config = testConfig({ ...(filesDir ? { FILES_DIR: filesDir } : {}), ...overrides });
  // Fast polling and a queue prefix of its own: jobs created here are run by this app only.
  const jobPrefix = `t${randomBytes(4).toString('hex')}.`;
  const app = await buildApp({ config, db, jobPrefix, jobPollingSeconds: 0.5, periodicJobs: false, ...(opts.files ? { files: opts.files } : {}) });
  await app.ready();
  return {
    app,
    db,
    config,
    jobPrefix,
    close: async () => {
      await app.close();
      await db.close();
      if (filesDir) rmSync(filesDir, { recursive: true, force: true });
    },
  };
}

let passwordHash: Promise<string> | undefined;
const testHash = () => (passwordHash ??= hashPassword(TEST_PASSWORD));
const uid = () => randomBytes(5).toString('hex');

export type TestContact = { id: string; email: string; name: string; role: 'member' | 'manager'; clientId: string };
export type TestStaff = { id: string; email: string; name: string; role: 'agent' | 'admin' };
export type TestClient = { id: string; name: string; manager: TestContact; members: [TestContact, TestContact] };
export type TestWorkspace = {
  id: string;
  slug: string;
  name: string;
  admin: TestStaff;
  agent: TestStaff;
  clients: [TestClient, TestClient];
};

/** A fresh workspace: an admin, an agent, two clients each with a manager and two members. */
export async function createWorkspace(db: Db): Promise<TestWorkspace> {
  const hash = await testHash();
  const slug = `t-${uid()}`;
  const [ws] = await db.query<{ id: string }>('insert into workspaces (slug, name) values ($1, $2) returning id', [
    slug,
    `Workspace ${slug}`,
  ]);
  const workspaceId = ws!.id;
  const staff = async (role: 'agent' | 'admin'): Promise<TestStaff> => {
    const email = `${role}-${uid()}@staff.test`;
    const name = `${role === 'admin' ? 'Admin' : 'Agent'} ${slug}`;
    const [row] = await db.query<{ id: string }>(
      'insert into staff (workspace_id, email, name, role, password_hash) values ($1, $2, $3, $4, $5) returning id',
      [workspaceId, email, name, role, hash],
    );
    return { id: row!.id, email, name, role };
  };
  const client = async (label: string): Promise<TestClient> => {
    const [c] = await db.query<{ id: string }>('insert into clients (workspace_id, name) values ($1, $2) returning id', [
      workspaceId,
      `Client ${label}`,
    ]);
    const contact = async (role: 'member' | 'manager', n: number): Promise<TestContact> => {
      const email = `${role}${n}-${uid()}@client-${label.toLowerCase()}.test`;
      const name = `${role} ${n} of ${label}`;
      const [row] = await db.query<{ id: string }>(
        `insert into contacts (workspace_id, client_id, email, name, role, password_hash, email_verified_at)
         values ($1, $2, $3, $4, $5, $6, now()) returning id`,
        [workspaceId, c!.id, email, name, role, hash],
      );
      return { id: row!.id, email, name, role, clientId: c!.id };
    };
    return {
      id: c!.id,
      name: `Client ${label}`,
      manager: await contact('manager', 1),
      members: [await contact('member', 1), await contact('member', 2)],
    };
  };
  return {
    id: workspaceId,
    slug,
    name: `Workspace ${slug}`,
    admin: await staff('admin'),
    agent: await staff('agent'),
    clients: [await client('A'), await client('B')],
  };
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** A signed-in browser: keeps the session cookie and sends the CSRF token on changes. */
export class Session {
  constructor(
    readonly app: App,
    readonly base: string,
    readonly cookie: string,
    readonly csrfToken: string,
  ) {}

  request(method: Method, path: string, body?: unknown, headers: Record<string, string> = {}) {
    return this.app.inject({
      method,
      url: `${this.base}${path}`,
      headers: {
        cookie: this.cookie,
        ...(method !== 'GET' ? { 'x-csrf-token': this.csrfToken } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
  }
  get = (path: string) => this.request('GET', path);
  post = (path: string, body: unknown = {}) => this.request('POST', path, body);
  patch = (path: string, body: unknown) => this.request('PATCH', path, body);
  put = (path: string, body: unknown) => this.request('PUT', path, body);
}

function sessionCookie(res: LightMyRequestResponse, name: string): string {
  const c = res.cookies.find((x) => x.name === name);
  if (!c) throw new Error(`no ${name} cookie: ${res.statusCode} ${res.body}`);
  return `${name}=${c.value}`;
}

/** A distinct loopback address per simulated browser, so per-IP rate limits apply per test. */
export const randomLoopback = () => `127.${1 + (randomBytes(1)[0]! % 254)}.${randomBytes(1)[0]}.${1 + (randomBytes(1)[0]! % 254)}`;

async function signInAt(app: App, base: string, cookieName: string, email: string, password: string) {
  const res = await app.inject({
    method: 'POST',
    url: `${base}/auth/sign-in`,
    payload: { email, password },
    remoteAddress: randomLoopback(),
  });
  const cookie = sessionCookie(res, cookieName);
  const boot = await app.inject({ method: 'GET', url: `${base}/bootstrap`, headers: { cookie } });
  return new Session(app, base, cookie, boot.json().session.csrfToken);
}

export const signInPortal = (app: App, slug: string, email: string, password = TEST_PASSWORD) =>
  signInAt(app, `/portal/${slug}/api`, 'sid', email, password);

export const signInStaff = (app: App, email: string, password = TEST_PASSWORD) =>
  signInAt(app, '/staff/api', 'staff_sid', email, password);

/** Creates a ticket through the portal as this contact; returns its number. */
export async function portalTicket(s: Session, subject = `Ticket ${uid()}`, extra: Record<string, unknown> = {}) {
  const res = await s.post('/tickets', { subject, description: `About: ${subject}`, priority: 'normal', ...extra });
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
  return res.json().number as number;
}

/** Waits until the app's job queue is idle (every job done or failed for good). */
export async function waitForJobs(env: TestEnv, timeoutMs = 20_000): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    const [row] = await env.db.query<{ n: number }>(
      `select count(*)::int as n from pgboss.job where name like $1 and state in ('created', 'active', 'retry')`,
      [`${env.jobPrefix}%`],
    );
    if ((row?.n ?? 0) === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('jobs still pending');
}
