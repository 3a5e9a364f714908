import { openPostgres } from '../platform/db/db.ts';
import { migrate } from '../platform/db/migrate.ts';

/** With TEST_DATABASE_URL, migrate the shared PostgreSQL database once before any file runs. */
export default async function setup() {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  const db = await openPostgres(url, 1);
  await migrate(db);
  await db.close();
}
