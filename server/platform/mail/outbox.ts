/**
 * The mail outbox. `queueMail` writes the message and its delivery job in the caller's
 * transaction: if the change rolls back, no mail; if it commits, the mail will go out even
 * if the process dies right after. `deliverMail` is the job: it sends by SMTP (or, with no
 * SMTP configured, keeps the message for the Mailbox page), retrying with backoff.
 */
import type { Db, Sql } from '../db/db.ts';
import { first } from '../db/db.ts';
import type { Jobs } from '../jobs.ts';
import type { Transport } from './transport.ts';

/** Attempts before a message is marked failed (pg-boss retries with exponential backoff). */
export const MAX_ATTEMPTS = 6;
export const RETRY = { retryLimit: MAX_ATTEMPTS - 1, retryDelay: 5, retryBackoff: true };

export type NewMail = {
  workspaceId: string;
  template: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  contactId?: string | null;
  ticketId?: string | null;
  /** The sender's display name (the portal's name); the address is always MAIL_FROM. */
  fromName?: string | null;
};

export async function queueMail(tx: Sql, jobs: Jobs, mail: NewMail): Promise<string> {
  const [row] = await tx.query<{ id: string }>(
    `insert into outbox_mail (workspace_id, template, to_address, subject, text_body, html_body, contact_id, ticket_id, from_name)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
    [mail.workspaceId, mail.template, mail.to, mail.subject, mail.text, mail.html, mail.contactId ?? null, mail.ticketId ?? null, mail.fromName ?? null],
  );
  await jobs.send(tx, 'mail.deliver', { id: row!.id }, RETRY);
  return row!.id;
}

type OutboxRow = {
  id: string;
  status: string;
  attempts: number;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  from_name: string | null;
};

/**
 * Delivers one queued message. Throws on a failed attempt so the queue retries; after the
 * last attempt the message is marked failed (an admin can resend it).
 */
export async function deliverMail(db: Db, transport: Transport, from: string, id: string): Promise<void> {
  const mail = await first<OutboxRow>(
    db,
    'select id, status, attempts, to_address, subject, text_body, html_body, from_name from outbox_mail where id = $1',
    [id],
  );
  if (!mail || mail.status !== 'queued') return; // already delivered, or gone
  if (!transport.sends) {
    await db.query(`update outbox_mail set status = 'stored', delivered_at = now() where id = $1 and status = 'queued'`, [id]);
    return;
  }
  try {
    const sender = mail.from_name ? { name: mail.from_name, address: from } : from;
    await transport.send({ from: sender, to: mail.to_address, subject: mail.subject, text: mail.text_body, html: mail.html_body });
    // Once delivered, the stored copy loses its sign-in tokens: reading the database (or the
    // Mailbox page) must not let anyone open someone else's session.
    await db.query(
      `update outbox_mail set status = 'sent', attempts = attempts + 1, delivered_at = now(), last_error = null,
              text_body = $2, html_body = $3
        where id = $1 and status = 'queued'`,
      [id, redactTokens(mail.text_body), redactTokens(mail.html_body)],
    );
  } catch (err) {
    const message = (err as Error).message.slice(0, 500);
    const [row] = await db.query<{ status: string }>(
      `update outbox_mail set attempts = attempts + 1, last_error = $2,
              status = case when attempts + 1 >= $3 then 'failed' else status end
        where id = $1 returning status`,
      [id, message, MAX_ATTEMPTS],
    );
    if (row?.status !== 'failed') throw err;
  }
}

/** Link tokens are 64 URL-safe characters at the end of a path. */
export const redactTokens = (body: string) => body.replace(/\/[A-Za-z0-9_-]{64}(?![A-Za-z0-9_-])/g, '/[link removed after delivery]');

/** Puts a failed or kept message back in the queue, as if new (a sent one has lost its links). */
export async function requeueMail(tx: Sql, jobs: Jobs, workspaceId: string, id: string): Promise<boolean> {
  const [row] = await tx.query<{ id: string }>(
    `update outbox_mail set status = 'queued', attempts = 0, last_error = null, delivered_at = null
      where workspace_id = $1 and id = $2 and status in ('failed', 'stored') returning id`,
    [workspaceId, id],
  );
  if (!row) return false;
  await jobs.send(tx, 'mail.deliver', { id }, RETRY);
  return true;
}
