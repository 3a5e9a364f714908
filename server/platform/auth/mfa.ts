/**
 * TOTP second factor for contacts and staff (RFC 6238 via otplib), with recovery codes.
 * A code is accepted once: the last used time step is stored and anything at or before it
 * is refused, so a code seen over a shoulder cannot be replayed in its 30 seconds.
 */
import { randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import type { Sql } from '../db/db.ts';
import { first } from '../db/db.ts';
import { hashToken } from './tokens.ts';

export type MfaSubject = { kind: 'contact' | 'staff'; workspaceId: string; id: string };

const table = (s: MfaSubject) => (s.kind === 'contact' ? 'contacts' : 'staff');
const ownerColumn = (s: MfaSubject) => (s.kind === 'contact' ? 'contact_id' : 'staff_id');

export type MfaStatus = { enabled: boolean; recoveryCodesLeft: number };

export async function mfaStatus(db: Sql, s: MfaSubject): Promise<MfaStatus> {
  const row = await first<{ enabled: boolean; left: number }>(
    db,
    `select totp_enabled_at is not null as enabled,
            (select count(*)::int from mfa_recovery_codes r
              where r.workspace_id = $1 and r.${ownerColumn(s)} = $2 and r.used_at is null) as left
       from ${table(s)} where workspace_id = $1 and id = $2`,
    [s.workspaceId, s.id],
  );
  return { enabled: row?.enabled ?? false, recoveryCodesLeft: row?.left ?? 0 };
}

/** Starts enrolment: a new secret kept pending until a code from it is confirmed. */
export async function beginEnrolment(db: Sql, s: MfaSubject, issuer: string, account: string) {
  const secret = generateSecret();
  await db.query(`update ${table(s)} set totp_pending_secret = $3 where workspace_id = $1 and id = $2`, [
    s.workspaceId,
    s.id,
    secret,
  ]);
  const uri = generateURI({ secret, issuer, label: account });
  // SVG markup, drawn in the page itself: the portal's policy allows no data: images.
  const qrSvg = await QRCode.toString(uri, { type: 'svg', margin: 1 });
  return { secret, uri, qrSvg };
}

async function checkCode(secret: string, code: string, afterTimeStep: number | null) {
  if (!/^\d{6}$/.test(code)) return undefined;
  // One step either side tolerates a phone clock a little off; replay is stopped by afterTimeStep.
  const result = await verify({
    secret,
    token: code,
    epochTolerance: 30,
    ...(afterTimeStep !== null ? { afterTimeStep } : {}),
  }).catch(() => undefined);
  return result?.valid && "timeStep" in result ? (result.timeStep as number) : undefined;
}

/** Confirms enrolment with a code from the pending secret; returns fresh recovery codes. */
export async function confirmEnrolment(tx: Sql, s: MfaSubject, code: string): Promise<string[] | undefined> {
  const row = await first<{ pending: string | null }>(
    tx,
    `select totp_pending_secret as pending from ${table(s)} where workspace_id = $1 and id = $2 for update`,
    [s.workspaceId, s.id],
  );
  if (!row?.pending) return undefined;
  const step = await checkCode(row.pending, code, null);
  if (step === undefined) return undefined;
  await tx.query(
    `update ${table(s)} set totp_secret = totp_pending_secret, totp_pending_secret = null,
            totp_enabled_at = now(), totp_last_step = $3 where workspace_id = $1 and id = $2`,
    [s.workspaceId, s.id, step],
  );
  return replaceRecoveryCodes(tx, s);
}

/** Ten single-use recovery codes, shown once, stored hashed. */
export async function replaceRecoveryCodes(tx: Sql, s: MfaSubject): Promise<string[]> {
  await tx.query(`delete from mfa_recovery_codes where workspace_id = $1 and ${ownerColumn(s)} = $2`, [s.workspaceId, s.id]);
  const codes = Array.from({ length: 10 }, () => {
    const raw = randomBytes(8).toString('hex').slice(0, 10);
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
  for (const code of codes) {
    await tx.query(`insert into mfa_recovery_codes (workspace_id, ${ownerColumn(s)}, code_hash) values ($1, $2, $3)`, [
      s.workspaceId,
      s.id,
      hashToken(code),
    ]);
  }
  return codes;
}

/**
 * Checks a TOTP code or a recovery code. The accepted time step is recorded with a
 * conditional UPDATE, so the same code presented twice (even concurrently) passes once.
 */
export async function verifySecondFactor(tx: Sql, s: MfaSubject, input: string): Promise<'totp' | 'recovery' | undefined> {
  const code = input.replace(/\s+/g, '').toLowerCase();
  const row = await first<{ secret: string | null; last: string | number | null }>(
    tx,
    `select totp_secret as secret, totp_last_step as last from ${table(s)}
      where workspace_id = $1 and id = $2 and totp_enabled_at is not null`,
    [s.workspaceId, s.id],
  );
  if (!row?.secret) return undefined;
  if (/^\d{6}$/.test(code)) {
    const step = await checkCode(row.secret, code, row.last === null ? null : Number(row.last));
    if (step === undefined) return undefined;
    const updated = await tx.query(
      `update ${table(s)} set totp_last_step = $3
        where workspace_id = $1 and id = $2 and (totp_last_step is null or totp_last_step < $3) returning id`,
      [s.workspaceId, s.id, step],
    );
    return updated.length ? 'totp' : undefined;
  }
  const normalized = code.length === 10 ? `${code.slice(0, 5)}-${code.slice(5)}` : code;
  const used = await tx.query(
    `update mfa_recovery_codes set used_at = now()
      where workspace_id = $1 and ${ownerColumn(s)} = $2 and code_hash = $3 and used_at is null returning id`,
    [s.workspaceId, s.id, hashToken(normalized)],
  );
  return used.length ? 'recovery' : undefined;
}

export async function disableMfa(tx: Sql, s: MfaSubject): Promise<void> {
  await tx.query(
    `update ${table(s)} set totp_secret = null, totp_pending_secret = null, totp_enabled_at = null, totp_last_step = null
      where workspace_id = $1 and id = $2`,
    [s.workspaceId, s.id],
  );
  await tx.query(`delete from mfa_recovery_codes where workspace_id = $1 and ${ownerColumn(s)} = $2`, [s.workspaceId, s.id]);
}
