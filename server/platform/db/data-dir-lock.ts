import { mkdir } from 'node:fs/promises';
import lockfile from 'proper-lockfile';

/**
 * PGlite takes no lock of its own, and two processes on one data directory would corrupt
 * it. This holds a lock (refreshed while we run, stale after 30 s if we die) and fails with
 * a clear message if another process already has it.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  try {
    return await lockfile.lock(dir, {
      stale: 30_000,
      update: 5_000,
      realpath: false,
      lockfilePath: `${dir}/.portico.lock`,
      // Losing the lock (a stall of 30 s) must not crash a running server; say it loudly.
      onCompromised: (err) => console.error(`data directory lock lost: ${err.message}`),
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'ELOCKED') {
      throw new Error(
        `Another Portico process is already using the data directory ${dir}. Stop it first, or set DATA_DIR to a different directory.`,
      );
    }
    throw err;
  }
}
