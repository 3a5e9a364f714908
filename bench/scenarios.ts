/**
 * The HTTP scenarios of `npm run bench` (issue 7) and how each is measured:
 *
 * - through Portico: autocannon on loopback against a separate Portico process, a warm-up,
 *   then a measured window; every response is checked (status 2xx and the body's shape),
 *   latency percentiles come from each response's own time (autocannon's histogram rounds
 *   to whole milliseconds, too coarse for requests of one or two);
 * - the floor: the same query functions the endpoint calls (so the exact SQL), through the
 *   same driver, at the same concurrency, from this process (not Portico's);
 * - a trivial endpoint of the same server (/healthz: one tiny query).
 */
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { percentile } from './lib.ts';
import type { ContactActor, PortalCtx, StaffCtx } from '../server/platform/context.ts';
import { hashToken } from '../server/platform/auth/tokens.ts';
import type { Db } from '../server/platform/db/db.ts';
import { createPortalTicket } from '../server/modules/tickets/create-ticket.ts';
import { getPortalTicket, getStaffTicket, listPortalTickets, listStaffTickets } from '../server/modules/tickets/read-tickets.ts';
import { searchArticles } from '../server/modules/kb/search.ts';
import { KB_SEARCH_PAGE_SIZE } from '../contracts/constants.ts';

export type Measured = { rps: number; p50: number; p99: number; errors: number; requests: number };
export type ScenarioResult = {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  db_rps: number | null;
  db_p50_ms: number | null;
  db_p99_ms: number | null;
  ratio_db: number | null;
  ratio_trivial: number;
};

type Who = { token: string; csrf: string };
export type Setup = {
  slug: string;
  workspaceId: string;
  kbLanguage: string;
  member: ContactActor & Who & { visible: number };
  manager: ContactActor & Who & { visible: number };
  staff: { id: string; name: string; email: string } & Who;
  /** A ticket of the member's with a six-message public thread (or the closest to it). */
  ticket: number;
  threadLength: number;
  /** A ticket among the technician's open ones. */
  staffTicket: number;
  kbQuery: string;
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

/**
 * Who the scenarios act as, chosen the same way in any data set: the workspace with the most
 * tickets; its member with the most tickets (the heaviest "my tickets" list there is) and a
 * manager of the same client; the technician with the most open tickets. Writes their sessions.
 */
export async function setup(db: Db, kbQuery = 'printer'): Promise<Setup> {
  const [ws] = await db.query<{ id: string; slug: string; kb_language: string }>(
    `select w.id, w.slug, w.kb_language from workspaces w order by w.ticket_seq desc, w.slug limit 1`,
  );
  if (!ws) throw new Error('the database holds no workspace: generate a data set first');
  const [member] = await db.query<{ id: string; client_id: string; name: string; email: string; n: number }>(
    `select c.id, c.client_id, c.name, c.email::text as email, count(t.id)::int as n from contacts c
       join tickets t on t.workspace_id = c.workspace_id and t.requester_id = c.id
      where c.workspace_id = $1 and c.role = 'member' and c.status = 'active' group by c.id order by count(t.id) desc, c.id limit 1`,
    [ws.id],
  );
  const [manager] = await db.query<{ id: string; name: string; email: string; n: number }>(
    `select c.id, c.name, c.email::text as email, (select count(*)::int from tickets t where t.workspace_id = $1 and t.client_id = $2) as n
       from contacts c where c.workspace_id = $1 and c.client_id = $2 and c.role = 'manager' and c.status = 'active' order by c.id limit 1`,
    [ws.id, member!.client_id],
  );
  const [ticket] = await db.query<{ number: number; n: number }>(
    `select t.number, x.n from tickets t
       cross join lateral (select count(*)::int as n from ticket_messages m where m.ticket_id = t.id and m.public) x
      where t.workspace_id = $1 and t.requester_id = $2 order by abs(x.n - 6), t.number limit 1`,
    [ws.id, member!.id],
  );
  const [staff] = await db.query<{ id: string; name: string; email: string; number: number }>(
    `select s.id, s.name, s.email::text as email, max(t.number) as number from staff s
       join tickets t on t.workspace_id = s.workspace_id and t.assignee_id = s.id and t.status = 'open'
      where s.workspace_id = $1 and s.status = 'active' group by s.id order by count(*) desc, s.id limit 1`,
    [ws.id],
  );
  if (!member || !manager || !ticket || !staff) throw new Error('the data set lacks a member, manager, ticket or technician');
  const actor = (c: { id: string; name: string; email: string }, role: 'member' | 'manager'): ContactActor =>
    ({ type: 'contact', id: c.id, clientId: member.client_id, role, name: c.name, email: c.email });
  const [visible] = await db.query<{ n: number }>(
    `select count(*)::int as n from tickets t where t.workspace_id = $1 and (t.requester_id = $2
       or exists (select 1 from ticket_cc cc where cc.workspace_id = $1 and cc.ticket_id = t.id and cc.contact_id = $2))`,
    [ws.id, member.id],
  );
  return {
    slug: ws.slug,
    workspaceId: ws.id,
    kbLanguage: ws.kb_language,
    member: { ...actor(member, 'member'), visible: visible!.n, ...(await session(db, ws.id, 'portal', member.id)) },
    manager: { ...actor(manager, 'manager'), visible: manager.n, ...(await session(db, ws.id, 'portal', manager.id)) },
    staff: { id: staff.id, name: staff.name, email: staff.email, ...(await session(db, ws.id, 'staff', staff.id)) },
    ticket: ticket.number,
    threadLength: ticket.n,
    staffTicket: staff.number,
    kbQuery,
  };
}

type Body = string | Buffer | undefined;
const text = (b: Body) => (b === undefined ? '' : String(b));
const startsWith = (prefix: string) => (body: Body) => text(body).startsWith(prefix);

export type Scenario = {
  name: string;
  /** autocannon options (url, headers, requests…); `verifyBody` checks every response. */
  http: Partial<autocannon.Options>;
  /** The endpoint's own query functions, without HTTP. */
  db: (db: Db) => Promise<unknown>;
  /** HTTP requests per iteration of `db` (the agent scenario makes two). */
  perIteration: number;
};

export const READ_SCENARIOS = ['list_member', 'list_manager', 'open_ticket', 'agent_queue_and_ticket', 'kb_search'] as const;
export const GROWTH_SCENARIOS = ['list_member', 'list_manager', 'open_ticket'] as const;

export function scenarios(base: string, s: Setup): Scenario[] {
  const portal = `/portal/${s.slug}/api`;
  const deps = (db: Db) => ({ db, bus: { publish() {}, signal() {} }, log: console, jobs: null, config: { failpoint: undefined }, files: null });
  const ctx = <A>(db: Db, actor: A) => ({ ...deps(db), workspaceId: s.workspaceId, actor, ip: '127.0.0.1' }) as unknown;
  const page1 = { page: 1 } as Parameters<typeof listPortalTickets>[1];
  const agent = { type: 'staff', id: s.staff.id, role: 'agent', name: s.staff.name, email: s.staff.email } as const;
  // The list must hold what this contact sees: 25 items, or all of them when fewer.
  const fullPage = (n: number) => (b: Body) => text(b).startsWith('{"items":[') && (JSON.parse(text(b)) as { items: unknown[] }).items.length === Math.min(25, n);
  return [
    {
      name: 'list_member',
      http: { url: `${base}${portal}/tickets`, headers: { cookie: `sid=${s.member.token}` }, verifyBody: fullPage(s.member.visible) },
      db: (db) => listPortalTickets(ctx(db, s.member) as PortalCtx, page1),
      perIteration: 1,
    },
    {
      name: 'list_manager',
      http: { url: `${base}${portal}/tickets`, headers: { cookie: `sid=${s.manager.token}` }, verifyBody: fullPage(s.manager.visible) },
      db: (db) => listPortalTickets(ctx(db, s.manager) as PortalCtx, page1),
      perIteration: 1,
    },
    {
      name: 'open_ticket',
      http: {
        url: `${base}${portal}/tickets/${s.ticket}`,
        headers: { cookie: `sid=${s.member.token}` },
        verifyBody: (b: Body) => {
          const t = JSON.parse(text(b)) as { number?: number; thread?: unknown[] };
          return t.number === s.ticket && t.thread?.length === s.threadLength;
        },
      },
      db: (db) => getPortalTicket(ctx(db, s.member) as PortalCtx, { slug: s.slug, ticketClosing: true }, s.ticket),
      perIteration: 1,
    },
    {
      name: 'create_ticket',
      http: {
        url: `${base}${portal}/tickets`,
        method: 'POST',
        headers: { cookie: `sid=${s.member.token}`, 'x-csrf-token': s.member.csrf, 'content-type': 'application/json' },
        body: JSON.stringify({ subject: 'Bench: printer offline', description: 'Created by the benchmark.', priority: 'normal' }),
        // As the portal sends it: a new Idempotency-Key for every ticket (a retry would reuse it).
        requests: [
          {
            setupRequest: (req: autocannon.Request) => ({
              ...req,
              headers: { ...req.headers, 'idempotency-key': randomBytes(12).toString('base64url') },
            }),
          },
        ],
        verifyBody: startsWith('{"number":'),
      },
      db: (db) =>
        createPortalTicket(
          ctx(db, s.member) as PortalCtx,
          { ticketCreation: true, ticketClosing: true, slug: s.slug },
          { subject: 'Bench: floor', description: 'Created by the benchmark.', priority: 'normal', attachmentIds: [] },
          randomBytes(12).toString('base64url'),
        ),
      perIteration: 1,
    },
    {
      name: 'agent_queue_and_ticket',
      http: {
        url: base,
        headers: { cookie: `staff_sid=${s.staff.token}` },
        requests: [
          { method: 'GET', path: `/staff/api/tickets?status=open&assignee=${s.staff.id}` },
          { method: 'GET', path: `/staff/api/tickets/${s.staffTicket}` },
        ],
        verifyBody: startsWith('{"'),
      },
      db: async (db) => {
        const c = ctx(db, agent) as StaffCtx;
        await listStaffTickets(c, { status: ['open'], assignee: s.staff.id, page: 1 } as Parameters<typeof listStaffTickets>[1]);
        await getStaffTicket(c, s.staffTicket);
      },
      perIteration: 2,
    },
    {
      name: 'kb_search',
      http: {
        url: `${base}${portal}/kb/search?q=${encodeURIComponent(s.kbQuery)}`,
        headers: { cookie: `sid=${s.member.token}` },
        verifyBody: (b: Body) => (JSON.parse(text(b)) as { items?: unknown[] }).items!.length > 0,
      },
      db: (db) => searchArticles(db, s.workspaceId, s.kbLanguage, { type: 'contact', clientId: s.member.clientId }, s.kbQuery, KB_SEARCH_PAGE_SIZE, 0),
      perIteration: 1,
    },
  ];
}

/** Load through HTTP: a warm-up, then `seconds` measured. */
export async function cannon(opts: Partial<autocannon.Options>, seconds: number, connections: number): Promise<Measured> {
  const run = async (duration: number, times?: number[]) => {
    // Without a callback autocannon returns its event emitter, made thenable.
    const instance = autocannon({ connections, duration, ...opts } as autocannon.Options) as unknown as autocannon.Instance &
      PromiseLike<autocannon.Result>;
    if (times) {
      instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
        if (status >= 200 && status < 300) times.push(ms);
      });
    }
    return instance;
  };
  await run(Math.min(3, seconds)); // warm-up, not recorded
  const times: number[] = [];
  const r = await run(seconds, times);
  times.sort((a, b) => a - b);
  return {
    rps: r.requests.average,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    errors: r.errors + r.non2xx + r.timeouts + r.mismatches,
    requests: r.requests.total,
  };
}

/** The same work without HTTP: `connections` loops for `seconds` after a 2 s warm-up. */
export async function floor(seconds: number, connections: number, one: () => Promise<unknown>): Promise<Measured> {
  const times: number[] = [];
  let errors = 0;
  const warm = performance.now() + 2000;
  while (performance.now() < warm) await Promise.all(Array.from({ length: connections }, () => one().catch(() => undefined)));
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        await one().catch(() => errors++);
        times.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  times.sort((a, b) => a - b);
  return { rps: times.length / elapsed, p50: percentile(times, 50), p99: percentile(times, 99), errors, requests: times.length };
}

export function result(http: Measured, alone: Measured | null, perIteration: number, trivial: Measured): ScenarioResult {
  const dbRps = alone ? alone.rps * perIteration : null;
  return {
    rps: http.rps,
    p50_ms: http.p50,
    p99_ms: http.p99,
    errors: http.errors,
    db_rps: dbRps,
    db_p50_ms: alone ? alone.p50 : null,
    db_p99_ms: alone ? alone.p99 : null,
    ratio_db: dbRps ? http.rps / dbRps : null,
    ratio_trivial: http.rps / trivial.rps,
  };
}
