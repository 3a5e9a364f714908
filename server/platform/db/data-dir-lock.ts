import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import lockfile from 'proper-lockfile';

/**
 * PGlite takes no lock of its own, and two processes on one data directory would corrupt
 * it. This holds a lock (refreshed while we run, stale after 30 s if we die) and fails with
 * a clear message if another process already has it. The holder's pid is kept beside the
 * lock, so a restart right after a crash (the holder is gone) need not wait for staleness.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  const lockPath = `${dir}/.portico.lock`;
  const pidPath = `${dir}/.portico.pid`;
  const take = () =>
    lockfile.lock(dir, {
      stale: 30_000,
      update: 5_000,
      realpath: false,
      lockfilePath: lockPath,
      // Losing the lock (a stall of 30 s) must not crash a running server; say it loudly.
      onCompromised: (err) => console.error(`data directory lock lost: ${err.message}`),
    });
  let release: () => Promise<void>;
  try {
    release = await take();
  } catch (err) {
    if ((err as { code?: string }).code !== 'ELOCKED') throw err;
    if (!(await holderIsGone(pidPath))) {
      throw new Error(
        `Another Portico process is already using the data directory ${dir}. Stop it first, or set DATA_DIR to a different directory.`,
      );
    }
    await rm(lockPath, { recursive: true, force: true });
    release = await take();
  }
  await writeFile(pidPath, String(process.pid));
  return async () => {
    await rm(pidPath, { force: true });
    await release();
  };
}

/** True when the recorded holder is no longer running on this machine. */
async function holderIsGone(pidPath: string): Promise<boolean> {
  const pid = Number(await readFile(pidPath, 'utf8').catch(() => ''));
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
