/**
 * Links sent by email: verification, password reset, magic link, portal access link,
 * invitation. Tokens come from the CSPRNG, only their SHA-256 is stored, and lookups are by
 * exact hash. Single-use tokens are consumed by one conditional UPDATE, so two concurrent
 * redemptions cannot both succeed.
 */
import { randomBytes } from 'node:crypto';
import type { Sql } from '../db/db.ts';
import { hashToken } from './tokens.ts';

export type Purpose = 'verify_email' | 'password_reset' | 'magic_link' | 'access_link' | 'invitation';

export type TokenRow = {
  id: string;
  workspace_id: string;
  purpose: Purpose;
  contact_id: string | null;
  staff_id: string | null;
  ticket_id: string | null;
  expires_at: Date;
};

export type NewToken = {
  workspaceId: string;
  purpose: Purpose;
  ttlSeconds: number;
  contactId?: string | null;
  staffId?: string | null;
  ticketId?: string | null;
  createdByStaffId?: string | null;
  createdByContactId?: string | null;
};

/** 48 random bytes = 64 URL-safe characters (384 bits). */
export const newLinkToken = () => randomBytes(48).toString('base64url');

export async function issueToken(tx: Sql, t: NewToken): Promise<{ id: string; token: string }> {
  const token = newLinkToken();
  const [row] = await tx.query<{ id: string }>(
    `insert into auth_tokens (workspace_id, purpose, token_hash, contact_id, staff_id, ticket_id,
                              created_by_staff_id, created_by_contact_id, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, now() + make_interval(secs => $9)) returning id`,
    [
      t.workspaceId,
      t.purpose,
      hashToken(token),
      t.contactId ?? null,
      t.staffId ?? null,
      t.ticketId ?? null,
      t.createdByStaffId ?? null,
      t.createdByContactId ?? null,
      t.ttlSeconds,
    ],
  );
  return { id: row!.id, token };
}

const columns = 'id, workspace_id, purpose, contact_id, staff_id, ticket_id, expires_at';
const usable = 'used_at is null and revoked_at is null and expires_at > now()';

/** Uses up a single-use token of this workspace and purpose; undefined if unknown, used, revoked or expired. */
export async function consumeToken(tx: Sql, workspaceId: string, purpose: Purpose, token: string) {
  const [row] = await tx.query<TokenRow>(
    `update auth_tokens set used_at = now()
      where token_hash = $1 and workspace_id = $2 and purpose = $3 and ${usable}
      returning ${columns}`,
    [hashToken(token), workspaceId, purpose],
  );
  return row;
}

/** A multi-use token (portal access link), still valid; its workspace comes from the token. */
export async function findLiveToken(tx: Sql, purpose: Purpose, token: string) {
  const [row] = await tx.query<TokenRow>(
    `select ${columns} from auth_tokens where token_hash = $1 and purpose = $2 and ${usable}`,
    [hashToken(token), purpose],
  );
  return row;
}

/** A single-use token still waiting to be used (to show the page before the POST). */
export async function peekToken(tx: Sql, workspaceId: string, purpose: Purpose, token: string) {
  const [row] = await tx.query<TokenRow>(
    `select ${columns} from auth_tokens where token_hash = $1 and workspace_id = $2 and purpose = $3 and ${usable}`,
    [hashToken(token), workspaceId, purpose],
  );
  return row;
}

/** Revokes every live token of this purpose for a contact (re-invite, password reset done). */
export async function revokeContactTokens(tx: Sql, workspaceId: string, contactId: string, purposes: Purpose[]) {
  await tx.query(
    `update auth_tokens set revoked_at = now()
      where workspace_id = $1 and contact_id = $2 and purpose = any($3::text[]) and used_at is null and revoked_at is null`,
    [workspaceId, contactId, purposes],
  );
}
