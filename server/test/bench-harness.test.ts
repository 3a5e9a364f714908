/**
 * `npm run bench` end to end at the smallest useful scale (PostgreSQL only): the harness makes
 * its data set, starts Portico, drives every scenario for a second, measures the floors, and
 * writes results in the documented shape with every response checked. Guards the benchmark
 * itself against rotting as the API changes; the figures here mean nothing.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { root } from './process.ts';
import { dropDatabase } from '../../bench/lib.ts';

const DB_URL = process.env.TEST_DATABASE_URL;
const name = `portico_bench_smoke_${process.pid}`;

afterAll(async () => {
  if (DB_URL) await dropDatabase(name, DB_URL);
});

describe.runIf(DB_URL)('npm run bench', () => {
  it('measures every scenario through Portico and alone, with zero errors, in the documented shape', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'portico-bench-'));
    const url = new URL(DB_URL!);
    url.pathname = `/${name}`;
    const args = ['--import', 'tsx', 'bench/run.ts', '--quick', '--seconds', '1', '--no-growth', '--results', out];
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, DATABASE_URL: url.toString() }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, output.slice(-3000)).toBe(0);
    const results = JSON.parse(await readFile(path.join(out, 'latest.json'), 'utf8')) as Record<string, Record<string, number>>;
    expect(Object.keys(results).sort()).toEqual(['agent_queue_and_ticket', 'create_ticket', 'kb_search', 'list_manager', 'list_member', 'open_ticket']);
    for (const [scenario, r] of Object.entries(results)) {
      expect(r, scenario).toMatchObject({ errors: 0 });
      for (const k of ['rps', 'p50_ms', 'p99_ms', 'db_rps', 'ratio_db']) expect(r[k], `${scenario}.${k}`).toBeGreaterThan(0);
    }
    expect(output).toMatch(/\| list_member \| [\d.]+ \|/);
    expect(output).toMatch(/Targets:/);
    // The tickets it created are gone again: a reused data set stays what was generated.
    const c = new pg.Client({ connectionString: url.toString() });
    await c.connect();
    const { rows } = await c.query<{ n: number }>(`select count(*)::int as n from tickets where subject like 'Bench: %'`);
    await c.end();
    expect(rows[0]!.n).toBe(0);
    await rm(out, { recursive: true, force: true });
  }, 180_000);
});
