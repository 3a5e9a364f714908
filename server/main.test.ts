/**
 * The real process, as a newcomer starts it: embedded database in a data directory, demo
 * data, a lock against a second process, data kept across restarts, bad config refused.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, killAll, rssMb, startProcess as start, waitHealthy } from './test/process.ts';

let dataDir: string;

afterAll(async () => {
  killAll();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('npm start on the embedded database', () => {
  it('starts, seeds demo data, prints the addresses, keeps data across restarts and refuses a second process', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'portico-main-'));
    const port = await freePort();
    const first = start({ DATA_DIR: dataDir, PORT: String(port) });
    const ms = await waitHealthy(port, first.exited);
    await new Promise((r) => setTimeout(r, 200));
    const out = first.output();
    expect(out).toContain(`http://localhost:${port}/staff`);
    expect(out).toContain(`http://localhost:${port}/portal/brightline`);
    expect(out).toContain('maria@harbordental.example');
    expect(out).toContain('alex@brightline.example');
    console.log(`first start to /healthz: ${ms} ms, rss ${(await rssMb(first.child.pid!)).toFixed(0)} MB`);

    // A second process on the same directory stops with a clear message.
    const second = start({ DATA_DIR: dataDir, PORT: String(await freePort()) });
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain('Another Portico process is already using the data directory');

    // Demo data is there: 30 tickets, sign-in works.
    const signIn = await fetch(`http://127.0.0.1:${port}/portal/brightline/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'maria@harbordental.example', password: 'demo-password' }),
    });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const boot = await (await fetch(`http://127.0.0.1:${port}/portal/brightline/api/bootstrap`, { headers: { cookie } })).json();
    const created = await fetch(`http://127.0.0.1:${port}/portal/brightline/api/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': boot.session.csrfToken },
      body: JSON.stringify({ subject: 'Written before the restart', description: 'must survive' }),
    });
    expect(created.status).toBe(201);
    expect((await created.json()).number).toBe(31);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const again = start({ DATA_DIR: dataDir, PORT: String(port) });
    const ms2 = await waitHealthy(port, again.exited);
    console.log(`restart to /healthz: ${ms2} ms`);
    expect(again.output()).not.toContain('Demo data created');
    const list = await (
      await fetch(`http://127.0.0.1:${port}/portal/brightline/api/tickets?q=restart`, { headers: { cookie } })
    ).json();
    expect(list.items.map((t: { number: number }) => t.number)).toEqual([31]);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  }, 240_000);

  it.runIf(process.env.TEST_DATABASE_URL)('runs the same code on PostgreSQL with DATABASE_URL', async () => {
    const port = await freePort();
    const pg = start({ DATABASE_URL: process.env.TEST_DATABASE_URL!, PORT: String(port) });
    await waitHealthy(port, pg.exited);
    expect(pg.output()).toContain('running on PostgreSQL');
    expect(pg.output()).not.toContain('Demo data created');
    const res = await fetch(`http://127.0.0.1:${port}/staff/api/bootstrap`);
    expect(await res.json()).toEqual({ session: null });
    pg.child.kill('SIGTERM');
    expect(await pg.exited).toBe(0);
  }, 120_000);

  it('stops with every configuration problem listed', async () => {
    const bad = start({ PORT: 'abc', DATABASE_URL: 'mysql://nope', LOG_LEVEL: 'chatty' });
    expect(await bad.exited).toBe(1);
    const out = bad.output();
    expect(out).toContain('configuration has problems');
    for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL']) expect(out).toContain(`${name}:`);
  }, 60_000);
});
