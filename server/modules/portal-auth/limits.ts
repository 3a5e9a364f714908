/** Rate limits of the credential endpoints, shared by every process through the database. */
import type { Db } from '../../platform/db/db.ts';
import { enforce, slowDown } from '../../platform/rate-limit.ts';

/**
 * Per address of the caller: a hard limit (one machine hammering). Per account: a soft
 * slow-down only, so nobody can lock the real owner out by failing on purpose.
 *
 * Returns the counters that a correct password gives back (`forgive`), so these limits count
 * failures: a client's office behind one public address can have everyone sign in at nine,
 * and people who sign in often are never slowed down by their own successes.
 */
export async function limitCredentialAttempt(db: Db, endpoint: string, ip: string, account?: string): Promise<string[]> {
  const limits = [
    { key: `ip:${endpoint}:${ip}`, max: 10, windowSeconds: 60 },
    ...(account ? [{ key: `ip-account:${endpoint}:${ip}:${account}`, max: 5, windowSeconds: 60 }] : []),
  ];
  // Every attempt, failed or not, is capped too: each costs a password hash.
  await enforce(db, [{ key: `ip-all:${endpoint}:${ip}`, max: 60, windowSeconds: 60 }, ...limits]);
  const forgivable = limits.map((l) => l.key);
  if (account) {
    const key = `account:${endpoint}:${account}`;
    await slowDown(db, key, 10, 15 * 60);
    forgivable.push(key);
  }
  return forgivable;
}
