/**
 * `npm run bench` — Portico at scale, side by side with its floors, in one run (issue 7).
 *
 *   npm run bench                      full size on PostgreSQL (1,000,000 tickets; growth set 10,000)
 *   npm run bench -- --quick           quick size (20,000 tickets; growth set 1,000)
 *   npm run bench -- --embedded        Portico on its embedded database (quick size): start time, memory
 *   options: --seconds 10  --connections 10  --only list_member,open_ticket  --no-growth  --regenerate
 *            --results dir (default bench/results)
 *
 * PostgreSQL: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/portico_bench, or
 * portico_bench_quick with --quick) holds the data set; the growth set goes into a database of
 * the same name + `_growth` on the same server. A data set is made by bench/generate.ts when
 * the database has none of this size, seed and generator version (the key is stored in the
 * database, table bench_dataset), so later runs reuse it. Each data set is served by its own
 * Portico process (NODE_ENV=production), driven over loopback by autocannon from this one.
 *
 * Prints a Markdown table and the targets; writes bench/results/latest.json (one key per
 * scenario: rps, p50_ms, p99_ms, errors, db_rps, ratio_db, …) and bench/results/latest-run.json
 * (everything, with the growth ratios, the trivial endpoint and the embedded figures).
 */
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { FULL, QUICK, generate, type Sizes } from './generate.ts';
import { ADMIN_URL, freshDatabase } from './lib.ts';
import {
  GROWTH_SCENARIOS,
  READ_SCENARIOS,
  cannon,
  floor,
  result,
  scenarios,
  setup,
  type Measured,
  type ScenarioResult,
  type Setup,
} from './scenarios.ts';
import { openPglite, openPostgres, type Db } from '../server/platform/db/db.ts';
import { migrate } from '../server/platform/db/migrate.ts';
import { freePort, killAll, root, rssMb, startProcess, waitHealthy } from '../server/test/process.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    embedded: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    only: { type: 'string' },
    'no-growth': { type: 'boolean', default: false },
    regenerate: { type: 'boolean', default: false },
    results: { type: 'string', default: path.join(root, 'bench/results') },
  },
});
const seconds = Number(args.seconds);
const connections = Number(args.connections);
const only = args.only ? new Set(args.only.split(',')) : null;
const log = (s: string) => console.log(s);
const SEED = 1;

// ---------------------------------------------------------------------------------------------
// Data sets

/** Same sizes, seed and generator source: the same rows. */
async function datasetKey(sizes: Sizes): Promise<string> {
  const source = await readFile(path.join(root, 'bench/generate.ts'));
  return createHash('sha256').update(JSON.stringify({ sizes, seed: SEED })).update(source).digest('hex').slice(0, 16);
}

/** A PostgreSQL database holding the data set `sizes`: reused when its key matches, else made. */
async function postgresDataset(url: string, sizes: Sizes): Promise<void> {
  const key = await datasetKey(sizes);
  const probe = new pg.Client({ connectionString: url });
  let found: string | null = null;
  let empty = true;
  let exists = true;
  try {
    await probe.connect();
    const t = await probe.query<{ k: string | null; w: boolean }>(
      `select (select key from bench_dataset limit 1) as k, true as w`,
    ).catch(() => null);
    found = t?.rows[0]?.k ?? null;
    const w = await probe.query<{ n: number }>('select count(*)::int as n from workspaces').catch(() => null);
    empty = !w || w.rows[0]!.n === 0;
  } catch {
    exists = false;
  } finally {
    await probe.end().catch(() => undefined);
  }
  const name = new URL(url).pathname.slice(1);
  if (found === key && !args.regenerate) {
    log(`data set: ${name} (reused; key ${key})`);
    return;
  }
  if (!exists || found !== null || !empty || args.regenerate) {
    if (!name.startsWith('portico_bench')) {
      throw new Error(`${name} holds other data: point DATABASE_URL at an empty database or one named portico_bench…`);
    }
    const server = new URL(url);
    server.pathname = '/postgres';
    await freshDatabase(name, server.toString());
  }
  log(`data set: generating into ${name}`);
  await generate({ ...sizes, seed: SEED, databaseUrl: url, manifestPath: null, log: (s) => log(`  ${s}`) });
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('create table bench_dataset (key text not null)');
  await c.query('insert into bench_dataset values ($1)', [key]);
  await c.end();
}

/** An embedded database directory holding the data set `sizes` (made once, then reused). */
async function embeddedDataset(dir: string, sizes: Sizes): Promise<void> {
  const key = await datasetKey(sizes);
  const marker = path.join(dir, 'bench-dataset.json');
  const found = await readFile(marker, 'utf8').then((s) => (JSON.parse(s) as { key: string }).key, () => null);
  if (found === key && !args.regenerate) {
    log(`data set: ${path.relative(root, dir)} (reused; key ${key})`);
    return;
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  log(`data set: generating into ${path.relative(root, dir)}/pg`);
  const embeddedGenerate = generate as (o: Parameters<typeof generate>[0] & { embeddedDir?: string }) => ReturnType<typeof generate>;
  await embeddedGenerate({ ...sizes, seed: SEED, embeddedDir: path.join(dir, 'pg'), manifestPath: null, log: (s) => log(`  ${s}`) });
  await writeFile(marker, JSON.stringify({ key, sizes }));
}

// ---------------------------------------------------------------------------------------------
/**
 * A reused data set may predate migrations: apply them here, and if any ran, VACUUM (ANALYZE)
 * as autovacuum would have by the time a running server is measured (a migration that
 * rewrites rows otherwise leaves every row's old version to be skipped at each read).
 */
async function settleMigrations(url: string): Promise<void> {
  const db = await openPostgres(url, 1);
  try {
    const { applied } = await migrate(db);
    if (applied.length === 0) return;
    const t = performance.now();
    await db.query('vacuum (analyze)');
    log(`  applied ${applied.join(', ')} to the data set, then vacuum and analyze in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  } finally {
    await db.close();
  }
}

// One data set, served by one Portico process

type Served = { setup: Setup; trivial: Measured; results: Record<string, ScenarioResult>; startMs: number; rssMb: number };

async function serve(opts: {
  env: Record<string, string>;
  /** Opens the database for the setup (before Portico starts) and for the floors. */
  openSetup: () => Promise<Db>;
  openFloor: (s: Setup) => Promise<Db>;
  names: readonly string[];
  label: string;
}): Promise<Served> {
  const setupDb = await opts.openSetup();
  const s = await setup(setupDb);
  await setupDb.close();
  log(`  ${opts.label}: workspace ${s.slug}; member sees ${s.member.visible.toLocaleString('en-US')} tickets, ` +
    `manager ${s.manager.visible.toLocaleString('en-US')}; ticket #${s.ticket} (${s.threadLength} public messages)`);

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const proc = startProcess({ ...opts.env, PORT: String(port), LOG_LEVEL: 'error', NODE_ENV: 'production', PUBLIC_URL: base });
  await waitHealthy(port, proc.exited, 300_000);
  const startMs = performance.now() - t0;
  const list = scenarios(base, s).filter((sc) => opts.names.includes(sc.name));
  const http: Record<string, Measured> = {};
  let trivial: Measured;
  try {
    trivial = await cannon({ url: `${base}/healthz`, verifyBody: (b) => String(b).startsWith('{"status":"ok"}') }, Math.min(5, seconds), connections);
    for (const sc of list) {
      http[sc.name] = await cannon(sc.http, seconds, connections);
      log(`  ${opts.label}: ${sc.name} ${http[sc.name]!.rps.toFixed(0)} req/s through Portico`);
    }
  } catch (err) {
    log(proc.output().slice(-2000));
    throw err;
  }
  const rss = await rssMb(proc.child.pid!);
  proc.child.kill('SIGTERM');
  await proc.exited;

  const floorDb = await opts.openFloor(s);
  const results: Record<string, ScenarioResult> = {};
  try {
    for (const sc of list) {
      const alone = await floor(seconds, connections, () => sc.db(floorDb));
      if (alone.errors > 0) log(`  ${opts.label}: ${sc.name}: ${alone.errors} errors running the SQL alone`);
      results[sc.name] = result(http[sc.name]!, alone, sc.perIteration, trivial);
    }
  } finally {
    await floorDb.close();
  }
  // The tickets the create scenario made go again, so a reused data set stays the data set.
  const cleanDb = await opts.openSetup();
  try {
    await removeBenchTickets(cleanDb, s);
  } finally {
    await cleanDb.close();
  }
  return { setup: s, trivial, results, startMs, rssMb: rss };
}

async function removeBenchTickets(db: Db, s: Setup): Promise<void> {
  const mine = `select id from tickets where workspace_id = $1 and requester_id = $2 and subject like 'Bench: %'`;
  await db.tx(async (tx) => {
    await tx.query(`delete from events where workspace_id = $1 and ticket_id in (${mine})`, [s.workspaceId, s.member.id]);
    await tx.query(`delete from tickets where id in (${mine})`, [s.workspaceId, s.member.id]);
    await tx.query(`delete from idempotency_keys where workspace_id = $1 and actor_id = $2 and operation = 'ticket.create'`, [s.workspaceId, s.member.id]);
  });
  // The next run starts from a clean table, not after thousands of deleted rows.
  if (db.kind === 'postgres') await db.query('vacuum (analyze) tickets, events, idempotency_keys, workspaces');
}

// ---------------------------------------------------------------------------------------------
// Output

const f1 = (x: number | null) => (x === null ? '–' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
const f2 = (x: number | null) => (x === null ? '–' : x.toFixed(2));

function table(results: Record<string, ScenarioResult>, trivial: Measured): string {
  const lines = [
    '| scenario | req/s | p50 ms | p99 ms | errors | db alone req/s | db alone p50 ms | db alone p99 ms | portico / db | portico / trivial |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [name, r] of Object.entries(results)) {
    lines.push(`| ${name} | ${f1(r.rps)} | ${f2(r.p50_ms)} | ${f2(r.p99_ms)} | ${r.errors} | ${f1(r.db_rps)} | ${f2(r.db_p50_ms)} | ${f2(r.db_p99_ms)} | ${f2(r.ratio_db)} | ${r.ratio_trivial.toFixed(3)} |`);
  }
  lines.push(`| trivial (/healthz) | ${f1(trivial.rps)} | ${f2(trivial.p50)} | ${f2(trivial.p99)} | ${trivial.errors} | | | | | |`);
  return lines.join('\n');
}

type Check = { target: string; ok: boolean; detail: string };

function targets(results: Record<string, ScenarioResult>, growth: Record<string, number>): Check[] {
  const checks: Check[] = [];
  for (const [name, r] of Object.entries(results)) {
    if (name.endsWith('_growth')) continue;
    const min = name === 'create_ticket' ? 1 / 3 : 0.5;
    if (r.ratio_db !== null) checks.push({ target: `${name}: portico / db ≥ ${min.toFixed(2)}`, ok: r.ratio_db >= min, detail: f2(r.ratio_db) });
    checks.push({ target: `${name}: p99 < 50 ms`, ok: r.p99_ms < 50, detail: `${f2(r.p99_ms)} ms` });
  }
  for (const [name, ratio] of Object.entries(growth)) {
    checks.push({ target: `${name}: p50 at full size / growth size ≤ 1.5`, ok: ratio <= 1.5, detail: f2(ratio) });
  }
  const errors = Object.values(results).reduce((a, r) => a + r.errors, 0);
  checks.push({ target: 'zero errors', ok: errors === 0, detail: String(errors) });
  return checks;
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const sizes = args.quick || args.embedded ? QUICK : FULL;
  const growthSizes: Sizes = { ...sizes, tickets: Math.max(1_000, sizes.tickets / 100), messages: Math.max(5_000, sizes.messages / 100) };
  const names = (list: readonly string[]) => list.filter((n) => !only || only.has(n));
  const all = names(['list_member', 'list_manager', 'open_ticket', 'create_ticket', 'agent_queue_and_ticket', 'kb_search']);
  const run: Record<string, unknown> = { startedAt: new Date().toISOString(), seconds, connections, sizes, mode: args.embedded ? 'embedded' : 'postgres' };
  const results: Record<string, ScenarioResult> = {};
  const growth: Record<string, number> = {};
  let trivial: Measured;

  if (args.embedded) {
    const dir = path.join(root, '.data-bench', 'embedded-quick');
    await embeddedDataset(dir, sizes);
    // The floor runs on a copy: the embedded database belongs to one process at a time.
    const floorDir = path.join(root, '.data-bench', 'embedded-floor');
    const served = await serve({
      label: 'embedded',
      env: { DATA_DIR: dir, SEED_DEMO: 'false' },
      openSetup: () => openPglite(path.join(dir, 'pg')),
      openFloor: async () => {
        await rm(floorDir, { recursive: true, force: true });
        await cp(path.join(dir, 'pg'), floorDir, { recursive: true });
        return openPglite(floorDir);
      },
      names: all,
    });
    Object.assign(results, served.results);
    trivial = served.trivial;
    // A newcomer's first start: an empty data directory, migrations and the demo data.
    const fresh = path.join(root, '.data-bench', 'embedded-fresh');
    await rm(fresh, { recursive: true, force: true });
    const port = await freePort();
    const t0 = performance.now();
    const proc = startProcess({ DATA_DIR: fresh, PORT: String(port), LOG_LEVEL: 'error', NODE_ENV: 'production', PUBLIC_URL: `http://127.0.0.1:${port}` });
    await waitHealthy(port, proc.exited, 300_000);
    const firstStartMs = performance.now() - t0;
    const idleRss = await rssMb(proc.child.pid!);
    proc.child.kill('SIGTERM');
    await proc.exited;
    await rm(fresh, { recursive: true, force: true });
    const pgBytes = await dirBytes(path.join(dir, 'pg'));
    run.embedded = {
      start_ms: served.startMs,
      rss_mb_after_bench: served.rssMb,
      first_start_ms: firstStartMs,
      rss_mb_idle_demo: idleRss,
      data_dir_mb: pgBytes / 1e6,
    };
    log(`\nEmbedded database (${sizes.tickets.toLocaleString('en-US')} tickets, ${(pgBytes / 1e6).toFixed(0)} MB on disk):`);
    log(`  start to /healthz: ${(served.startMs / 1000).toFixed(2)} s with the data set; first start (empty directory, migrations, demo data): ${(firstStartMs / 1000).toFixed(2)} s`);
    log(`  resident memory: ${served.rssMb.toFixed(0)} MB after the benchmark; ${idleRss.toFixed(0)} MB idle with the demo data`);
  } else {
    const url = process.env.DATABASE_URL ?? ADMIN_URL.replace(/\/postgres$/, `/portico_bench${args.quick ? '_quick' : ''}`);
    const growthUrl = (() => {
      const u = new URL(url);
      u.pathname = `${u.pathname}_growth`;
      return u.toString();
    })();
    await postgresDataset(url, sizes);
    await settleMigrations(url);
    const served = await serve({
      label: `${sizes.tickets.toLocaleString('en-US')} tickets`,
      env: { DATABASE_URL: url, SEED_DEMO: 'false' },
      openSetup: () => openPostgres(url, 2),
      openFloor: () => openPostgres(url, connections),
      names: all,
    });
    Object.assign(results, served.results);
    trivial = served.trivial;
    run.setup = served.setup.slug;
    const growthNames = names(GROWTH_SCENARIOS);
    if (!args['no-growth'] && growthNames.length > 0) {
      await postgresDataset(growthUrl, growthSizes);
      await settleMigrations(growthUrl);
      const small = await serve({
        label: `${growthSizes.tickets.toLocaleString('en-US')} tickets`,
        env: { DATABASE_URL: growthUrl, SEED_DEMO: 'false' },
        openSetup: () => openPostgres(growthUrl, 2),
        openFloor: () => openPostgres(growthUrl, connections),
        names: growthNames,
      });
      for (const n of growthNames) {
        results[`${n}_growth`] = small.results[n]!;
        growth[n] = results[n]!.p50_ms / small.results[n]!.p50_ms;
      }
      run.growthSizes = growthSizes;
    }
  }

  log(`\n${args.embedded ? 'Embedded database' : 'PostgreSQL'}, ${sizes.tickets.toLocaleString('en-US')} tickets, ${connections} connections, ${seconds} s per scenario`);
  log(`${table(results, trivial)}\n`);
  if (Object.keys(growth).length > 0) {
    log(`Growth (${growthSizes.tickets.toLocaleString('en-US')} → ${sizes.tickets.toLocaleString('en-US')} tickets), p50 ratio:`);
    for (const [n, r] of Object.entries(growth)) log(`  ${n}: ${f2(results[`${n}_growth`]!.p50_ms)} ms → ${f2(results[n]!.p50_ms)} ms = ${f2(r)}×`);
    log('');
  }
  const checks = targets(results, growth);
  log(args.embedded ? 'Targets (set for PostgreSQL; shown for comparison):' : 'Targets:');
  for (const c of checks) log(`  ${c.ok ? 'met   ' : 'MISSED'} ${c.target} (${c.detail})`);

  await mkdir(args.results, { recursive: true });
  await writeFile(path.join(args.results, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  Object.assign(run, { results, growth, trivial, targets: checks, readScenarios: READ_SCENARIOS });
  await writeFile(path.join(args.results, 'latest-run.json'), `${JSON.stringify(run, null, 2)}\n`);
  log(`\nWrote ${path.relative(process.cwd(), path.join(args.results, 'latest.json'))} and latest-run.json`);
  // Wrong or failed responses are a failure of the run; missed speed targets are reported.
  if (Object.values(results).some((r) => r.errors > 0)) process.exitCode = 1;
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(path.join(e.parentPath, e.name))).size;
  }
  return total;
}

try {
  await main();
} finally {
  killAll();
}
