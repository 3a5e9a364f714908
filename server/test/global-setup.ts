import { execFileSync } from 'node:child_process';
import { openPostgres } from '../platform/db/db.ts';
import { migrate } from '../platform/db/migrate.ts';

/**
 * Builds the web apps (about a second), so tests of served pages see the real HTML, and with
 * TEST_DATABASE_URL migrates the shared PostgreSQL database once before any file runs.
 */
export default async function setup() {
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  const db = await openPostgres(url, 1);
  await migrate(db);
  await db.close();
}
