/**
 * Knowledge base search at size, on PostgreSQL: 50,000 articles in one workspace among 200
 * workspaces (the other 199 hold 200 each). A signed-in contact of the big workspace
 * searches through Portico (a separate process, HTTP keep-alive, 10 at a time); the same
 * SQL the endpoint runs (`searchArticles`) is then run directly through the same driver at
 * the same concurrency. Prints latency (p50, p99) and throughput for both, and the ratios.
 *
 *   npm run bench:kb                         (database portico_bench_kb on 127.0.0.1, created fresh)
 *   npm run bench:kb -- --articles 50000 --workspaces 200 --seconds 15
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { freshDatabase, percentile } from './lib.ts';
import { hashToken } from '../server/platform/auth/tokens.ts';
import { openPostgres, type Db } from '../server/platform/db/db.ts';
import { migrate } from '../server/platform/db/migrate.ts';
import { searchArticles } from '../server/modules/kb/search.ts';
import { freePort, killAll, startProcess, waitHealthy } from '../server/test/process.ts';

const WORDS = (
  'printer scanner network router switch firewall laptop desktop monitor keyboard mouse headset camera microphone outlook email ' +
  'calendar password account login license office excel word teams sharepoint onedrive backup restore server storage disk ' +
  'update upgrade install driver error warning crash freeze slow fast battery charger dock cable wireless bluetooth vpn remote ' +
  'access permission folder share drive file document invoice label barcode reception phone voicemail meeting room projector ' +
  'display resolution sound audio volume browser chrome edge firefox bookmark cache cookie certificate security antivirus ' +
  'malware phishing spam quarantine policy device mobile tablet sync contact signature archive mailbox calendar reminder task'
).split(' ');

/**
 * The vocabulary: the support words above among 4,000 made-up ones, shuffled with a fixed
 * seed; words are drawn with a skew (a few common, most rare), like real text.
 */
function vocabulary(): string[] {
  const syl = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'vi', 'so', 'pe', 'da', 'gu', 'fe', 'zo', 'hi', 'ba', 'ri'];
  const made: string[] = [];
  for (let i = 0; made.length < 4000; i++) made.push(`${syl[i % 16]}${syl[(i >> 4) % 16]}${syl[(i >> 8) % 16]}`);
  const all = [...WORDS, ...made];
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all;
}


/** Deterministic data, generated in the database itself (one statement per workspace). */
async function generate(db: Db, articles: number, workspaces: number, smallEach: number) {
  const t0 = Date.now();
  await db.query(`select setseed(0.42)`);
  const wsIds: string[] = [];
  const vocab = vocabulary();
  for (let w = 0; w < workspaces; w++) {
    const [ws] = await db.query<{ id: string }>('insert into workspaces (slug, name) values ($1, $2) returning id', [`kb-bench-${w}`, `KB bench ${w}`]);
    wsIds.push(ws!.id);
    const n = w === 0 ? articles : smallEach;
    const [cat] = await db.query<{ id: string }>(`insert into kb_categories (workspace_id, slug, name) values ($1, 'general', 'General') returning id`, [ws!.id]);
    await db.query(
      `with words as (select $4::text[] as w),
       gen as (
         select g,
           (select string_agg(w[1 + floor(power(random(), 2) * array_length(w, 1))::int], ' ') from words, generate_series(1, 4 + (g % 4)) where g > 0) as title,
           (select string_agg(w[1 + floor(power(random(), 2) * array_length(w, 1))::int], ' ') from words, generate_series(1, 60 + (g % 60)) where g > 0) as body
         from generate_series(1, $3::int) g)
       insert into kb_articles (workspace_id, category_id, slug, title, markdown, html, body_text, status, visibility, search, published_at)
       select $1, $2, 'a-' || g, initcap(title), body, '<p>' || body || '</p>', body, 'published',
              case when g % 10 < 7 then 'public' when g % 10 < 9 then 'contacts' else 'internal' end,
              setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B'), now()
         from gen`,
      [ws!.id, cat!.id, n, vocab],
    );
    await db.query(`insert into kb_slugs (workspace_id, slug, article_id) select workspace_id, slug, id from kb_articles where workspace_id = $1`, [ws!.id]);
  }
  await db.query('analyze kb_articles');
  return { wsIds, seconds: (Date.now() - t0) / 1000 };
}

const QUERIES = Array.from({ length: 200 }, (_, i) => {
  const a = WORDS[(i * 7) % WORDS.length]!;
  const b = WORDS[(i * 13 + 5) % WORDS.length]!;
  return i % 3 === 0 ? a.slice(0, 4) : i % 3 === 1 ? `${a} ${b}` : `${a} ${b.slice(0, 3)}`;
});

type Run = { rps: number; p50: number; p99: number; requests: number; errors: number };

/** Runs `one` from `concurrency` loops for `seconds`, after a short warm-up. */
async function load(concurrency: number, seconds: number, one: (i: number) => Promise<boolean>): Promise<Run> {
  const times: number[] = [];
  let errors = 0;
  let i = 0;
  let measuring = false;
  let stop = false;
  const loop = async () => {
    while (!stop) {
      const t = performance.now();
      const ok = await one(i++).catch(() => false);
      if (!measuring) continue;
      times.push(performance.now() - t);
      if (!ok) errors++;
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  await new Promise((r) => setTimeout(r, 2000));
  measuring = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const elapsed = (performance.now() - t0) / 1000;
  stop = true;
  await Promise.all(loops);
  times.sort((x, y) => x - y);
  const pct = (p: number) => percentile(times, p);
  return { rps: times.length / elapsed, p50: pct(50), p99: pct(99), requests: times.length, errors };
}

export async function measureKbSearch(articles = 50_000, workspaces = 200, seconds = 15, concurrency = 10) {
  const url = process.env.DATABASE_URL ?? (await freshDatabase('portico_bench_kb'));
  const db = await openPostgres(url, concurrency);
  await migrate(db);
  const { wsIds, seconds: genSeconds } = await generate(db, articles, workspaces, 200);
  const big = wsIds[0]!;
  const [client] = await db.query<{ id: string }>(`insert into clients (workspace_id, name) values ($1, 'Bench client') returning id`, [big]);
  const [contact] = await db.query<{ id: string }>(
    `insert into contacts (workspace_id, client_id, email, name, role, password_hash, email_verified_at)
     values ($1, $2, 'reader@bench.test', 'Reader', 'member', 'x', now()) returning id`,
    [big, client!.id],
  );
  const token = randomBytes(32).toString('base64url');
  await db.query(
    `insert into sessions (token_hash, workspace_id, surface, contact_id, csrf_token, expires_at) values ($1, $2, 'portal', $3, 'x', now() + interval '1 day')`,
    [hashToken(token), big, contact!.id],
  );
  const [{ n: total }] = (await db.query<{ n: number }>('select count(*)::int as n from kb_articles')) as [{ n: number }];

  const port = await freePort();
  const proc = startProcess({ DATABASE_URL: url, SEED_DEMO: 'false', PORT: String(port), LOG_LEVEL: 'error' });
  await waitHealthy(port, proc.exited);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const get = (path: string) =>
    new Promise<boolean>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path, agent, headers: { cookie: `sid=${token}` } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve(res.statusCode === 200 && body.startsWith('{"items":')));
      });
      req.on('error', reject);
    });
  const viaPortico = await load(concurrency, seconds, (i) => get(`/portal/kb-bench-0/api/kb/search?q=${encodeURIComponent(QUERIES[i % QUERIES.length]!)}`));
  const trivial = await load(concurrency, Math.min(seconds, 5), () => get('/healthz').then(() => true));
  proc.child.kill('SIGTERM');
  await proc.exited;
  const direct = await load(concurrency, seconds, async (i) => {
    await searchArticles(db, big, 'english', { type: 'contact', clientId: client!.id }, QUERIES[i % QUERIES.length]!, 25, 0);
    return true;
  });
  await db.close();
  return { total, articles, workspaces, genSeconds, viaPortico, direct, trivial };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { articles: { type: 'string', default: '50000' }, workspaces: { type: 'string', default: '200' }, seconds: { type: 'string', default: '15' } },
  });
  try {
    const r = await measureKbSearch(Number(values.articles), Number(values.workspaces), Number(values.seconds));
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    console.log(`\nKB search: ${r.articles} articles in one workspace, ${r.total} in ${r.workspaces} workspaces (generated in ${r.genSeconds.toFixed(0)} s); a signed-in contact, 10 concurrent, 25 per page\n`);
    console.log('| | requests/s | p50 | p99 | errors |');
    console.log('|---|---|---|---|---|');
    console.log(`| GET /kb/search through Portico | ${r.viaPortico.rps.toFixed(0)} | ${ms(r.viaPortico.p50)} | ${ms(r.viaPortico.p99)} | ${r.viaPortico.errors} |`);
    console.log(`| the same SQL, database alone | ${r.direct.rps.toFixed(0)} | ${ms(r.direct.p50)} | ${ms(r.direct.p99)} | ${r.direct.errors} |`);
    console.log(`| GET /healthz (trivial endpoint) | ${r.trivial.rps.toFixed(0)} | ${ms(r.trivial.p50)} | ${ms(r.trivial.p99)} | |`);
    console.log(`\nportico / database alone: throughput ${(r.viaPortico.rps / r.direct.rps).toFixed(2)}×, p50 ${(r.viaPortico.p50 / r.direct.p50).toFixed(2)}×`);
  } finally {
    killAll();
  }
}
