/** Rate limits of the credential endpoints, shared by every process through the database. */
import type { Db } from '../../platform/db/db.ts';
import { enforce, slowDown } from '../../platform/rate-limit.ts';

/**
 * Per address of the caller: a hard limit (one machine hammering). Per account: a soft
 * slow-down only, so nobody can lock the real owner out by failing on purpose.
 */
export async function limitCredentialAttempt(db: Db, endpoint: string, ip: string, account?: string) {
  await enforce(db, [
    { key: `ip:${endpoint}:${ip}`, max: 10, windowSeconds: 60 },
    ...(account ? [{ key: `ip-account:${endpoint}:${ip}:${account}`, max: 5, windowSeconds: 60 }] : []),
  ]);
  if (account) await slowDown(db, `account:${endpoint}:${account}`, 10, 15 * 60);
}
