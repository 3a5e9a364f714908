/**
 * Live chat at load, on PostgreSQL, with Portico running as real processes:
 *
 * 1. Message latency, sender to receiver, with 1,000 open chats across two processes:
 *    every contact is connected to process A, every technician to process B, so each
 *    message crosses processes (LISTEN/NOTIFY, or Redis with REDIS_URL). Each chat's
 *    contact writes every few seconds and its technician answers on receipt.
 * 2. Server memory per idle live connection: 10,000 connections to one process, each
 *    subscribed to its ticket list, against the same process with 200.
 *
 *   npm run bench:live                  (database portico_bench_live on 127.0.0.1, created fresh)
 *   DATABASE_URL=postgres://… npm run bench:live -- --chats 1000 --seconds 30 --idle 10000
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { freshDatabase, percentile } from './lib.ts';
import WebSocket from 'ws';
import { hashToken } from '../server/platform/auth/tokens.ts';
import { openPostgres, type Db } from '../server/platform/db/db.ts';
import { migrate } from '../server/platform/db/migrate.ts';
import { freePort, killAll, rssMb, startProcess, waitHealthy } from '../server/test/process.ts';
import type { ServerFrame } from '../contracts/live.ts';

type Seeded = { slug: string; contactTokens: string[]; staffTokens: string[]; chatIds: string[]; agentOf: number[] };

/** One workspace with `contacts` contacts (one session and one active chat each) and `staff` technicians. */
async function seed(db: Db, contacts: number, staff: number, extraSessions = 0): Promise<Seeded> {
  const slug = `bench-${randomBytes(3).toString('hex')}`;
  const [ws] = await db.query<{ id: string }>('insert into workspaces (slug, name) values ($1, $2) returning id', [slug, 'Bench Co']);
  const wsId = ws!.id;
  const [client] = await db.query<{ id: string }>('insert into clients (workspace_id, name) values ($1, $2) returning id', [wsId, 'Bench client']);
  const contactIds = (await db.query<{ id: string }>(
    `insert into contacts (workspace_id, client_id, email, name, role, password_hash, email_verified_at)
     select $1, $2, 'c' || g || '-' || $4 || '@bench.test', 'Contact ' || g, 'member', 'x', now() from generate_series(1, $3::int) g
     returning id`,
    [wsId, client!.id, contacts, slug],
  )).map((r) => r.id);
  const staffIds = (await db.query<{ id: string }>(
    `insert into staff (workspace_id, email, name, role, password_hash, chat_presence)
     select $1, 's' || g || '-' || $3 || '@bench.test', 'Tech ' || g, 'agent', 'x', 'online' from generate_series(1, $2::int) g returning id`,
    [wsId, staff, slug],
  )).map((r) => r.id);
  const session = async (surface: 'portal' | 'staff', ids: string[]) => {
    const tokens = ids.map(() => randomBytes(32).toString('base64url'));
    await db.query(
      `insert into sessions (token_hash, workspace_id, surface, contact_id, staff_id, csrf_token, expires_at)
       select h, $1, $2, case when $2 = 'portal' then id end, case when $2 = 'staff' then id end, 'csrf', now() + interval '1 day'
         from unnest($3::text[], $4::uuid[]) as t(h, id)`,
      [wsId, surface, tokens.map(hashToken), ids],
    );
    return tokens;
  };
  const contactTokens = await session('portal', [...contactIds, ...Array.from({ length: extraSessions }, (_, i) => contactIds[i % contactIds.length]!)]);
  const staffTokens = await session('staff', staffIds);
  const agentOf = contactIds.map((_, i) => i % staff);
  const chatIds = (await db.query<{ id: string }>(
    `insert into chats (workspace_id, client_id, contact_id, agent_id, status, first_message, accepted_at)
     select $1, $2, c, a, 'active', 'Bench chat', now() from unnest($3::uuid[], $4::uuid[]) with ordinality as t(c, a, n)
     order by n returning id`,
    [wsId, client!.id, contactIds, agentOf.map((i) => staffIds[i]!)],
  )).map((r) => r.id);
  return { slug, contactTokens, staffTokens, chatIds, agentOf };
}

async function server(dbUrl: string, extra: Record<string, string> = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = startProcess({ DATABASE_URL: dbUrl, SEED_DEMO: 'false', PORT: String(port), PUBLIC_URL: url, LOG_LEVEL: 'error', ...extra });
  await waitHealthy(port, proc.exited);
  return { ...proc, url, pid: proc.child.pid! };
}

/** Opens a live connection with a session cookie; `onFrame` sees every frame. */
function connect(url: string, path: string, cookie: string, onFrame: (f: ServerFrame) => void): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}${path}`, { headers: { cookie, origin: url } });
  ws.on('message', (d) => onFrame(JSON.parse(String(d)) as ServerFrame));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_q, r) => reject(new Error(`handshake ${r.statusCode}`)));
  });
}

async function inBatches<T>(items: T[], size: number, fn: (item: T, i: number) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map((item, j) => fn(item, i + j)));
}

const pct = percentile;

type Percentiles = { p50: number; p90: number; p99: number; max: number };

export type LatencyResult = {
  chats: number;
  seconds: number;
  relay: string;
  messages: number;
  perSecond: number;
  lost: number;
  duplicated: number;
  contactToAgent: Percentiles;
  agentToContact: Percentiles;
};

export async function measureLatency(dbUrl: string, chats = 1000, seconds = 30, intervalMs = 5000): Promise<LatencyResult> {
  const db = await openPostgres(dbUrl, 4);
  await migrate(db);
  // A technician handles ten chats at once (more than most do).
  const techs = Math.max(1, Math.ceil(chats / 10));
  const s = await seed(db, chats, techs);
  const relay: Record<string, string> = process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {};
  const [a, b] = [await server(dbUrl, relay), await server(dbUrl, relay)];
  const portal = `/portal/${s.slug}/api/live`;
  const sentAt = new Map<string, number>();
  const seen = new Set<string>();
  const lat = { c2a: [] as number[], a2c: [] as number[] };
  let duplicated = 0;
  let errors = 0;
  let measuring = false;
  const agents: WebSocket[] = [];
  const contacts: WebSocket[] = [];

  /** A message from the other side: its latency once; a second copy counts as duplicated. */
  const received = (f: ServerFrame, from: 'contact' | 'staff', bucket: number[], reply?: (chatId: string, n: number) => void) => {
    if (f.type === 'error' && errors++ < 5) console.error('error frame', JSON.stringify(f));
    if (f.type !== 'chat.message' || !f.message.clientId || f.message.author.type !== from) return;
    const key = f.message.clientId;
    const t = sentAt.get(key);
    if (t === undefined) return; // our own message echoed back to us, or another run's
    if (seen.has(key)) {
      duplicated++;
      return;
    }
    seen.add(key);
    if (measuring) bucket.push(performance.now() - t);
    reply?.(f.chatId, Number(key.split('-')[2]));
  };

  // Technicians on B, each on its chats; they answer every contact message at once.
  await inBatches(s.staffTokens, 50, async (token, i) => {
    const ws: WebSocket = await connect(b.url, '/staff/api/live', `staff_sid=${token}`, (f) =>
      received(f, 'contact', lat.c2a, (chatId, n) => {
        const id = `a-${chatId.slice(0, 8)}-${n}`;
        sentAt.set(id, performance.now());
        ws.send(JSON.stringify({ type: 'chat.send', chatId, clientId: id, body: `answer ${n}`, attachmentIds: [] }));
      }),
    );
    agents[i] = ws;
  });
  for (let c = 0; c < s.chatIds.length; c++) {
    agents[s.agentOf[c]!]!.send(JSON.stringify({ type: 'subscribe', topic: `chat:${s.chatIds[c]}`, after: 0 }));
  }
  // Contacts on A.
  await inBatches(s.contactTokens, 100, async (token, i) => {
    const ws = await connect(a.url, portal, `sid=${token}`, (f) => received(f, 'staff', lat.a2c));
    ws.send(JSON.stringify({ type: 'subscribe', topic: `chat:${s.chatIds[i]}`, after: 0 }));
    contacts[i] = ws;
  });
  await new Promise((r) => setTimeout(r, 1000));

  let n = 0;
  const send = (i: number) => {
    const chatId = s.chatIds[i]!;
    const id = `c-${chatId.slice(0, 8)}-${n++}`;
    sentAt.set(id, performance.now());
    contacts[i]!.send(JSON.stringify({ type: 'chat.send', chatId, clientId: id, body: `question ${id}`, attachmentIds: [] }));
  };
  // Each contact writes every `intervalMs`, spread evenly; a short warm-up is not measured.
  const timers = s.chatIds.map((_, i) => setTimeout(() => {
    send(i);
    timers[i] = setInterval(() => send(i), intervalMs) as unknown as NodeJS.Timeout;
  }, (i / s.chatIds.length) * intervalMs));
  await new Promise((r) => setTimeout(r, 3000));
  measuring = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const elapsed = (performance.now() - t0) / 1000;
  for (const t of timers) clearInterval(t);
  await new Promise((r) => setTimeout(r, 3000)); // let the last answers arrive
  const lost = [...sentAt.keys()].filter((k) => !seen.has(k)).length;
  for (const ws of [...agents, ...contacts]) ws.terminate();
  const measured = lat.c2a.length + lat.a2c.length;
  for (const p of [a, b]) p.child.kill('SIGTERM');
  await Promise.all([a.exited, b.exited]);
  await db.close();
  const stats = (xs: number[]) => {
    const sorted = [...xs].sort((x, y) => x - y);
    return { p50: pct(sorted, 50), p90: pct(sorted, 90), p99: pct(sorted, 99), max: sorted.at(-1) ?? NaN };
  };
  return {
    chats,
    seconds: elapsed,
    relay: process.env.REDIS_URL ? 'redis' : 'postgres',
    messages: measured,
    perSecond: measured / elapsed,
    lost,
    duplicated,
    contactToAgent: stats(lat.c2a),
    agentToContact: stats(lat.a2c),
  };
}

/**
 * The floor: the database alone running what storing and announcing one chat message
 * runs (lock the chat, look for a duplicate, next number, insert, commit, NOTIFY), from
 * this process through the same driver and pool size, at the same rate.
 */
export async function measureDbFloor(dbUrl: string, chats: number, seconds: number, perSecond: number): Promise<Percentiles & { perSecond: number }> {
  const db = await openPostgres(dbUrl, 10);
  const s = await seed(db, chats, Math.max(1, Math.ceil(chats / 10)));
  const [ws] = await db.query<{ id: string }>('select id from workspaces where slug = $1', [s.slug]);
  const [contact] = await db.query<{ id: string }>('select contact_id as id from chats where id = $1', [s.chatIds[0]]);
  const times: number[] = [];
  let n = 0;
  const one = async (chatId: string) => {
    const id = `floor-msg-${n++}`;
    const t = performance.now();
    await db.tx(async (tx) => {
      const [chat] = await tx.query<{ last_seq: number }>(
        `select id, status, contact_id, client_id, agent_id, last_seq, ticket_id, created_at, first_message from chats where workspace_id = $1 and id = $2 for update`,
        [ws!.id, chatId],
      );
      await tx.query(
        `select m.seq, m.id, m.body, m.created_at, (select count(*)::int from attachments a where a.chat_id = m.chat_id and a.chat_seq = m.seq) as files
           from chat_messages m where m.chat_id = $1 and m.author_type = $2 and m.client_msg_id = $3`,
        [chatId, 'contact', id],
      );
      await tx.query('update chats set last_seq = $2 where id = $1', [chatId, chat!.last_seq + 1]);
      await tx.query(
        `insert into chat_messages (workspace_id, chat_id, seq, client_msg_id, author_type, author_contact_id, author_staff_id, body)
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning id, created_at`,
        [ws!.id, chatId, chat!.last_seq + 1, id, 'contact', contact!.id, null, `question ${id}`],
      );
    });
    await db.query('select pg_notify($1, $2)', ['portico_bench_floor', id]);
    times.push(performance.now() - t);
  };
  const interval = 1000 / perSecond;
  const t0 = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; performance.now() - t0 < seconds * 1000; i++) {
    pending.push(one(s.chatIds[i % s.chatIds.length]!));
    const next = t0 + (i + 1) * interval;
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - t0) / 1000;
  await db.close();
  const sorted = times.sort((x, y) => x - y);
  return { p50: pct(sorted, 50), p90: pct(sorted, 90), p99: pct(sorted, 99), max: sorted.at(-1) ?? NaN, perSecond: times.length / elapsed };
}

export type IdleResult = { connections: number; baselineMb: number; loadedMb: number; perConnectionKb: number };

export async function measureIdleMemory(dbUrl: string, connections = 10_000): Promise<IdleResult> {
  const db = await openPostgres(dbUrl, 4);
  await migrate(db);
  const contacts = Math.ceil(connections / 8);
  const s = await seed(db, contacts, 1, connections - contacts);
  const p = await server(dbUrl);
  const path = `/portal/${s.slug}/api/live`;
  const sockets: WebSocket[] = [];
  const open = async (token: string) => {
    const ws = await connect(p.url, path, `sid=${token}`, () => undefined);
    ws.send(JSON.stringify({ type: 'subscribe', topic: 'tickets' }));
    sockets.push(ws);
  };
  const settle = () => new Promise((r) => setTimeout(r, 3000));
  const base = 200;
  await inBatches(s.contactTokens.slice(0, base), 100, open);
  await settle();
  const baselineMb = await rssMb(p.pid);
  await inBatches(s.contactTokens.slice(base, connections), 200, open);
  await settle();
  const loadedMb = await rssMb(p.pid);
  const alive = sockets.filter((w) => w.readyState === WebSocket.OPEN).length;
  if (alive !== connections) throw new Error(`only ${alive} of ${connections} connections stayed open`);
  for (const ws of sockets) ws.terminate();
  p.child.kill('SIGTERM');
  await p.exited;
  await db.close();
  return { connections, baselineMb, loadedMb, perConnectionKb: ((loadedMb - baselineMb) * 1024) / (connections - base) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { chats: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '30' }, idle: { type: 'string', default: '10000' } },
  });
  try {
    const dbUrl = process.env.DATABASE_URL ?? (await freshDatabase('portico_bench_live'));
    const l = await measureLatency(dbUrl, Number(values.chats), Number(values.seconds));
    console.log(`\nLive chat latency: ${l.chats} open chats, contacts on process A, technicians on process B (relay: ${l.relay})\n`);
    console.log('| direction | messages/s (both ways) | p50 | p90 | p99 | max | lost | duplicated |');
    console.log('|---|---|---|---|---|---|---|---|');
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    const row = (p: Percentiles) => `${ms(p.p50)} | ${ms(p.p90)} | ${ms(p.p99)} | ${ms(p.max)}`;
    console.log(`| contact → technician | ${l.perSecond.toFixed(0)} | ${row(l.contactToAgent)} | ${l.lost} | ${l.duplicated} |`);
    console.log(`| technician → contact | | ${row(l.agentToContact)} | | |`);
    const f = await measureDbFloor(dbUrl, l.chats, Math.min(20, Number(values.seconds)), l.perSecond);
    console.log(`| database alone: store + NOTIFY one message | ${f.perSecond.toFixed(0)} | ${row(f)} | | |`);
    console.log(`\nRatio sender → receiver / database alone: p50 ${(l.contactToAgent.p50 / f.p50).toFixed(1)}×, p99 ${(l.contactToAgent.p99 / f.p99).toFixed(1)}×`);
    const m = await measureIdleMemory(dbUrl, Number(values.idle));
    console.log(`\nIdle live connections: ${m.connections} on one process\n`);
    console.log('| RSS with 200 | RSS with all | per connection |');
    console.log('|---|---|---|');
    console.log(`| ${m.baselineMb.toFixed(0)} MB | ${m.loadedMb.toFixed(0)} MB | ${m.perConnectionKb.toFixed(1)} KB |`);
  } finally {
    killAll();
  }
}
