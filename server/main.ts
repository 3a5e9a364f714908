/** Process entry: validate config, open and migrate the database, seed on first start, listen. */
import { listenTls } from './platform/http/tls-server.ts';
import path from 'node:path';
import { loadConfig } from './config.ts';
import { buildApp } from './app.ts';
import { openPglite, openPostgres, type Db } from './platform/db/db.ts';
import { lockDataDir } from './platform/db/data-dir-lock.ts';
import { migrate } from './platform/db/migrate.ts';
import { DEMO_PASSWORD, DEMO_SLUG, seedDemo } from './seed/demo.ts';

const started = Date.now();
const loaded = loadConfig(process.env);
if (!loaded.ok) {
  console.error('Portico cannot start: the configuration has problems.\n');
  for (const p of loaded.problems) console.error(`  - ${p}`);
  console.error('\nFix these environment variables and start again.');
  process.exit(1);
}
const config = loaded.config;

let db: Db;
let unlock: (() => Promise<void>) | undefined;
try {
  if (config.databaseUrl) {
    db = await openPostgres(config.databaseUrl);
  } else {
    unlock = await lockDataDir(config.dataDir);
    db = await openPglite(path.join(config.dataDir, 'pg'));
  }
} catch (err) {
  console.error(`Portico cannot start: ${(err as Error).message}`);
  process.exit(1);
}

const { applied } = await migrate(db);
const demo = config.seedDemo ? await seedDemo(db) : undefined;
let app: Awaited<ReturnType<typeof buildApp>>;
let tls: { close: () => Promise<void> } | undefined;
try {
  app = await buildApp({ config, db });
  await app.listen({ port: config.port, host: config.host });
  if (config.domains.httpsPort !== undefined) tls = await listenTls(app, app.certificates, { port: config.domains.httpsPort, host: config.host });
} catch (err) {
  // E.g. REDIS_URL set but Redis unreachable, or the port taken.
  console.error(`Portico cannot start: ${(err as Error).message}`);
  await db.close().catch(() => undefined);
  await unlock?.().catch(() => undefined);
  process.exit(1);
}

const where = config.databaseUrl ? 'PostgreSQL' : `embedded database in ${config.dataDir}`;
console.log(`\nPortico is running on ${where} (ready in ${Date.now() - started} ms).`);
if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);
console.log(`\n  Staff app:       ${config.publicUrl}/staff`);
console.log(`  Customer portal: ${config.publicUrl}/portal/${DEMO_SLUG}`);
if (config.domains.httpsPort !== undefined) console.log(`  Custom domains:  HTTPS on port ${config.domains.httpsPort}, CNAME target ${config.domains.cnameTarget}`);
console.log(
  config.smtpUrl
    ? `  Mail:            sent through ${new URL(config.smtpUrl).host}`
    : `  Mail:            no SMTP_URL set, so mail is kept in the staff app: ${config.publicUrl}/staff/mailbox`,
);
if (demo) {
  console.log(`\nDemo data created. Every demo account's password is "${DEMO_PASSWORD}".`);
  for (const s of demo.staff) console.log(`  staff   ${s.role.padEnd(8)} ${s.email}`);
  for (const c of demo.portal) console.log(`  portal  ${c.role.padEnd(8)} ${c.email}  (${c.client})`);
}
console.log('');

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  await tls?.close().catch(() => undefined);
  await app.close().catch(() => undefined);
  await db.close().catch(() => undefined);
  await unlock?.().catch(() => undefined);
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
