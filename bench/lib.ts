/** Pieces the benchmarks share. */
import pg from 'pg';

export const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Drops and creates database `name` on the local PostgreSQL (or the server of `adminUrl`); returns its URL. */
export async function freshDatabase(name: string, adminUrl = ADMIN_URL): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops database `name` (closing its connections) on the server of `adminUrl`. */
export async function dropDatabase(name: string, adminUrl = ADMIN_URL): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}

/** The p-th percentile of ascending `sorted` numbers. */
export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
