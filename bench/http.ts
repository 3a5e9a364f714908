/**
 * The HTTP benchmark (issue 7): Portico as a separate process on PostgreSQL, driven over
 * loopback by autocannon (10 connections, a warm-up, then a measured window; every response
 * checked), and for each scenario the floor measured in the same run — the same SQL through
 * the same driver at the same concurrency from this process — and a trivial endpoint.
 *
 *   DATABASE_URL=postgres://…/portico_bench npm run bench:http      (a database from bench/generate.ts)
 *   npm run bench:http -- --seconds 10
 *
 * Writes a Markdown table to stdout and bench/results/latest.json:
 * `{ scenario: { rps, p50_ms, p99_ms, errors, db_rps, ratio_db } }`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { percentile } from './lib.ts';
import type { ContactActor, PortalCtx, StaffCtx } from '../server/platform/context.ts';
import { hashToken } from '../server/platform/auth/tokens.ts';
import { openPostgres, type Db } from '../server/platform/db/db.ts';
import { createPortalTicket } from '../server/modules/tickets/create-ticket.ts';
import { getPortalTicket, getStaffTicket, listPortalTickets, listStaffTickets } from '../server/modules/tickets/read-tickets.ts';
import { searchArticles } from '../server/modules/kb/search.ts';
import { freePort, killAll, root, startProcess, waitHealthy } from '../server/test/process.ts';

type Measured = { rps: number; p50: number; p99: number; errors: number };
export type ScenarioResult = { rps: number; p50_ms: number; p99_ms: number; errors: number; db_rps: number; db_p50_ms: number; ratio_db: number; ratio_trivial: number };

type Who = { token: string; csrf: string };
type Setup = {
  slug: string;
  workspaceId: string;
  member: ContactActor & Who;
  manager: ContactActor & Who;
  staff: { id: string; name: string; email: string } & Who;
  ticket: number;
  staffTicket: number;
};

/** A session of our own for someone, like a sign-in would make (known token, CSRF token). */
async function session(db: Db, workspaceId: string, kind: 'portal' | 'staff', id: string): Promise<Who> {
  const token = randomBytes(32).toString('base64url');
  const csrf = randomBytes(16).toString('hex');
  await db.query(
    `insert into sessions (token_hash, workspace_id, surface, contact_id, staff_id, csrf_token, expires_at)
     values ($1, $2, $3, $4, $5, $6, now() + interval '1 day')`,
    [hashToken(token), workspaceId, kind, kind === 'portal' ? id : null, kind === 'staff' ? id : null, csrf],
  );
  return { token, csrf };
}

/** The biggest workspace, a member with tickets, a manager of the same client, a technician. */
async function setup(db: Db): Promise<Setup> {
  const [ws] = await db.query<{ id: string; slug: string }>(
    `select w.id, w.slug from workspaces w order by w.ticket_seq desc limit 1`,
  );
  const [member] = await db.query<{ id: string; client_id: string; name: string; email: string; n: number }>(
    `select c.id, c.client_id, c.name, c.email::text as email, count(t.id)::int as n from contacts c
       join tickets t on t.workspace_id = c.workspace_id and t.requester_id = c.id
      where c.workspace_id = $1 and c.role = 'member' group by c.id order by count(t.id) desc limit 1`,
    [ws!.id],
  );
  const [manager] = await db.query<{ id: string; name: string; email: string }>(
    `select id, name, email::text as email from contacts where workspace_id = $1 and client_id = $2 and role = 'manager' limit 1`,
    [ws!.id, member!.client_id],
  );
  const [ticket] = await db.query<{ number: number }>(
    `select t.number from tickets t where t.workspace_id = $1 and t.requester_id = $2
      order by abs((select count(*) from ticket_messages m where m.ticket_id = t.id and m.public) - 6), t.number limit 1`,
    [ws!.id, member!.id],
  );
  const [staff] = await db.query<{ id: string; name: string; email: string; number: number }>(
    `select s.id, s.name, s.email::text as email, max(t.number) as number from staff s
       join tickets t on t.workspace_id = s.workspace_id and t.assignee_id = s.id and t.status = 'open'
      where s.workspace_id = $1 group by s.id order by count(*) desc limit 1`,
    [ws!.id],
  );
  const m: ContactActor = { type: 'contact', id: member!.id, clientId: member!.client_id, role: 'member', name: member!.name, email: member!.email };
  const mg: ContactActor = { type: 'contact', id: manager?.id ?? member!.id, clientId: member!.client_id, role: manager ? 'manager' : 'member', name: manager?.name ?? m.name, email: manager?.email ?? m.email };
  return {
    slug: ws!.slug,
    workspaceId: ws!.id,
    member: { ...m, ...(await session(db, ws!.id, 'portal', m.id)) },
    manager: { ...mg, ...(await session(db, ws!.id, 'portal', mg.id)) },
    staff: { id: staff!.id, name: staff!.name, email: staff!.email, ...(await session(db, ws!.id, 'staff', staff!.id)) },
    ticket: ticket!.number,
    staffTicket: staff!.number,
  };
}

async function cannon(url: string, seconds: number, connections: number, opts: Partial<autocannon.Options>): Promise<Measured> {
  const run = (duration: number) => autocannon({ url, connections, duration, ...opts } as autocannon.Options);
  await run(Math.min(3, seconds)); // warm-up, not recorded
  const r = await run(seconds);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx + r.timeouts + r.mismatches };
}

/** The same work without HTTP: `connections` loops for `seconds`, latency per call. */
async function floor(seconds: number, connections: number, one: (i: number) => Promise<unknown>): Promise<Measured> {
  const times: number[] = [];
  let errors = 0;
  let i = 0;
  const until = performance.now() + seconds * 1000;
  const warm = performance.now() + 2000;
  while (performance.now() < warm) await Promise.all(Array.from({ length: connections }, () => one(i++).catch(() => undefined)));
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until + 2000) {
        const t = performance.now();
        await one(i++).catch(() => errors++);
        times.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  times.sort((a, b) => a - b);
  const pct = (p: number) => percentile(times, p);
  return { rps: times.length / elapsed, p50: pct(50), p99: pct(99), errors };
}

export async function runHttpBench(databaseUrl: string, seconds = 10, connections = 10) {
  const db = await openPostgres(databaseUrl, connections);
  const s = await setup(db);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const proc = startProcess({ DATABASE_URL: databaseUrl, SEED_DEMO: 'false', PORT: String(port), LOG_LEVEL: 'error', NODE_ENV: 'production' });
  await waitHealthy(port, proc.exited);
  const portal = `/portal/${s.slug}/api`;
  const cookie = (w: Who) => `sid=${w.token}`;
  const deps = { db, bus: { publish() {}, signal() {} }, log: console, jobs: null, config: { failpoint: undefined }, files: null };
  const ctx = <A>(actor: A) => ({ ...deps, workspaceId: s.workspaceId, actor, ip: '127.0.0.1' }) as unknown;
  const listQuery = { page: 1 } as Parameters<typeof listPortalTickets>[1];
  type Body = string | Buffer | undefined;
  const text = (b: Body) => (b === undefined ? '' : String(b));
  const isJson = (prefix: string) => (body: Body) => text(body).startsWith(prefix);

  const scenarios: Record<string, { http: Partial<autocannon.Options>; db: (i: number) => Promise<unknown> }> = {
    list_member: {
      http: { url: `${base}${portal}/tickets`, headers: { cookie: cookie(s.member) }, verifyBody: isJson('{"items":[') },
      db: () => listPortalTickets(ctx(s.member) as PortalCtx, listQuery),
    },
    list_manager: {
      http: { url: `${base}${portal}/tickets`, headers: { cookie: cookie(s.manager) }, verifyBody: isJson('{"items":[') },
      db: () => listPortalTickets(ctx(s.manager) as PortalCtx, listQuery),
    },
    open_ticket: {
      http: { url: `${base}${portal}/tickets/${s.ticket}`, headers: { cookie: cookie(s.member) }, verifyBody: (b: Body) => text(b).includes(`"number":${s.ticket}`) },
      db: () => getPortalTicket(ctx(s.member) as PortalCtx, { slug: s.slug, ticketClosing: true }, s.ticket),
    },
    create_ticket: {
      http: {
        url: `${base}${portal}/tickets`,
        method: 'POST',
        headers: { cookie: cookie(s.member), 'x-csrf-token': s.member.csrf, 'content-type': 'application/json' },
        body: JSON.stringify({ subject: 'Bench: printer offline', description: 'Created by the benchmark.', priority: 'normal' }),
        verifyBody: isJson('{"number":'),
      },
      db: () => createPortalTicket(ctx(s.member) as PortalCtx, { ticketCreation: true }, { subject: 'Bench: floor', description: 'x', priority: 'normal', attachmentIds: [] }),
    },
    agent_queue_and_ticket: {
      http: {
        url: base,
        headers: { cookie: `staff_sid=${s.staff.token}` },
        requests: [
          { method: 'GET', path: `/staff/api/tickets?status=open&assignee=${s.staff.id}` },
          { method: 'GET', path: `/staff/api/tickets/${s.staffTicket}` },
        ],
        verifyBody: isJson('{"'),
      },
      db: async () => {
        const c = ctx({ type: 'staff', id: s.staff.id, role: 'agent', name: s.staff.name, email: s.staff.email }) as StaffCtx;
        await listStaffTickets(c, { status: ['open'], assignee: s.staff.id, page: 1 } as Parameters<typeof listStaffTickets>[1]);
        await getStaffTicket(c, s.staffTicket);
      },
    },
    kb_search: {
      http: { url: `${base}${portal}/kb/search?q=printer`, headers: { cookie: cookie(s.member) }, verifyBody: isJson('{"items":') },
      db: () => searchArticles(db, s.workspaceId, 'english', { type: 'contact', clientId: s.member.clientId }, 'printer', 25, 0),
    },
  };

  const trivial = await cannon(`${base}/healthz`, Math.min(5, seconds), connections, { verifyBody: isJson('{"status":"ok"}') });
  const results: Record<string, ScenarioResult> = {};
  for (const [name, sc] of Object.entries(scenarios)) {
    const http = await cannon(base, seconds, connections, sc.http);
    const alone = await floor(seconds, connections, sc.db);
    // Two requests per iteration in the agent scenario: compare iterations with iterations.
    const perIteration = name === 'agent_queue_and_ticket' ? 2 : 1;
    results[name] = {
      rps: http.rps,
      p50_ms: http.p50,
      p99_ms: http.p99,
      errors: http.errors,
      db_rps: alone.rps * perIteration,
      db_p50_ms: alone.p50,
      ratio_db: http.rps / (alone.rps * perIteration),
      ratio_trivial: http.rps / trivial.rps,
    };
  }
  proc.child.kill('SIGTERM');
  await proc.exited;
  await db.close();
  return { results, trivial, setup: { slug: s.slug, ticket: s.ticket } };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '10' } } });
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('Set DATABASE_URL to a database made by bench/generate.ts (npm run bench:generate -- --quick).');
    process.exit(1);
  }
  try {
    const { results, trivial } = await runHttpBench(url, Number(values.seconds), Number(values.connections));
    const f = (x: number) => x.toFixed(1);
    console.log('\n| scenario | req/s | p50 ms | p99 ms | errors | db alone req/s | portico / db | portico / trivial |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const [name, r] of Object.entries(results)) {
      console.log(`| ${name} | ${f(r.rps)} | ${f(r.p50_ms)} | ${f(r.p99_ms)} | ${r.errors} | ${f(r.db_rps)} | ${r.ratio_db.toFixed(2)} | ${r.ratio_trivial.toFixed(3)} |`);
    }
    console.log(`| trivial (/healthz) | ${f(trivial.rps)} | ${f(trivial.p50)} | ${f(trivial.p99)} | ${trivial.errors} | | | |`);
    await mkdir(path.join(root, 'bench/results'), { recursive: true });
    await writeFile(path.join(root, 'bench/results/latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    killAll();
  }
}
