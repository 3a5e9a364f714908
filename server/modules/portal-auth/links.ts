/**
 * Emails with sign-in links, branded for the contact's client and queued in the caller's
 * transaction. Links start from the portal address the contact uses (mail-brand.ts), never
 * from request headers.
 */
import type { Deps } from '../../platform/context.ts';
import type { Sql } from '../../platform/db/db.ts';
import { issueToken, type Purpose } from '../../platform/auth/auth-tokens.ts';
import { queueMail } from '../../platform/mail/outbox.ts';
import { render, type MailContent } from '../../platform/mail/templates.ts';
import { mailContextFor, type MailContext } from '../branding/mail-brand.ts';
import type { WorkspaceRow } from '../../platform/tenancy.ts';

const hours = (n: number) => (n % 24 === 0 ? `${n / 24} day${n === 24 ? '' : 's'}` : `${n} hour${n === 1 ? '' : 's'}`);

type Recipient = { id: string; email: string; name: string };

async function send(deps: Deps, tx: Sql, ws: WorkspaceRow, to: Recipient, template: string, content: (c: MailContext) => MailContent, ticketId?: string) {
  const c = await mailContextFor(tx, deps.config, ws, to.id);
  const mail = render(c.brand, content(c));
  await queueMail(tx, deps.jobs, {
    workspaceId: ws.id,
    template,
    to: to.email,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    contactId: to.id,
    ticketId: ticketId ?? null,
    fromName: c.brand.name,
  });
}

/** Issues a token and mails its link. Path is relative to the portal, e.g. `magic`. */
async function mailLink(
  deps: Deps,
  tx: Sql,
  ws: WorkspaceRow,
  to: Recipient,
  purpose: Purpose,
  ttlSeconds: number,
  path: string,
  content: (url: string, name: string) => MailContent,
  extra: { createdByStaffId?: string; createdByContactId?: string } = {},
) {
  const { token } = await issueToken(tx, { workspaceId: ws.id, purpose, contactId: to.id, ttlSeconds, ...extra });
  await send(deps, tx, ws, to, purpose, (c) => content(`${c.portal}/${path}/${token}`, c.brand.name));
}

export const RESET_TTL_SECONDS = 3600;
export const VERIFY_TTL_SECONDS = 3 * 24 * 3600;
export const INVITATION_TTL_SECONDS = 7 * 24 * 3600;

export function mailMagicLink(deps: Deps, tx: Sql, ws: WorkspaceRow, to: Recipient) {
  const ttl = ws.magic_link_ttl_hours * 3600;
  return mailLink(deps, tx, ws, to, 'magic_link', ttl, 'magic', (url, name) => ({
    subject: `Your sign-in link for ${name}`,
    lines: [`Hello ${to.name},`, `Use the button below to sign in to the ${name} support portal.`],
    action: { label: 'Sign in', url },
    footer: `The link works once and expires in ${hours(ws.magic_link_ttl_hours)}. If you did not ask for it, you can ignore this email.`,
  }));
}

export function mailPasswordReset(deps: Deps, tx: Sql, ws: WorkspaceRow, to: Recipient) {
  return mailLink(deps, tx, ws, to, 'password_reset', RESET_TTL_SECONDS, 'reset', (url, name) => ({
    subject: `Reset your password for ${name}`,
    lines: [`Hello ${to.name},`, 'Someone (hopefully you) asked to reset the password of your support portal account.'],
    action: { label: 'Choose a new password', url },
    footer: 'The link works once and expires in 1 hour. Setting a new password signs you out everywhere else. If you did not ask for this, ignore this email: your password stays as it is.',
  }));
}

export function mailVerification(deps: Deps, tx: Sql, ws: WorkspaceRow, to: Recipient) {
  return mailLink(deps, tx, ws, to, 'verify_email', VERIFY_TTL_SECONDS, 'verify', (url, name) => ({
    subject: `Confirm your email address for ${name}`,
    lines: [`Hello ${to.name},`, `Thanks for creating an account on the ${name} support portal. Confirm your email address to start using it.`],
    action: { label: 'Confirm my email address', url },
    footer: 'The link expires in 3 days. If you did not create an account, ignore this email.',
  }));
}

export function mailInvitation(
  deps: Deps,
  tx: Sql,
  ws: WorkspaceRow,
  to: Recipient,
  invitedBy: { name: string; staffId?: string; contactId?: string },
) {
  return mailLink(
    deps,
    tx,
    ws,
    to,
    'invitation',
    INVITATION_TTL_SECONDS,
    'welcome',
    (url, name) => ({
      subject: `You are invited to the ${name} support portal`,
      lines: [
        `Hello ${to.name},`,
        `${invitedBy.name} invited you to the ${name} support portal, where you can ask for help and follow your requests.`,
      ],
      action: { label: 'Set my password', url },
      footer: 'The link works once and expires in 7 days.',
    }),
    { ...(invitedBy.staffId ? { createdByStaffId: invitedBy.staffId } : {}), ...(invitedBy.contactId ? { createdByContactId: invitedBy.contactId } : {}) },
  );
}

/** Registration with an address that already has an account: say so, by mail only. */
export function mailAlreadyRegistered(deps: Deps, tx: Sql, ws: WorkspaceRow, to: Recipient) {
  return send(deps, tx, ws, to, 'already_registered', (c) => ({
    subject: `You already have an account with ${c.brand.name}`,
    lines: [
      `Hello ${to.name},`,
      'Someone tried to create an account on the support portal with your email address, but you already have one.',
    ],
    action: { label: 'Sign in', url: c.portal },
    footer: 'Forgot your password? Use "Forgot your password?" on the sign-in page. If this was not you, ignore this email.',
  }));
}

/** A portal access link: opens one ticket, usable until it expires or is revoked. */
export async function mailAccessLink(
  deps: Deps,
  tx: Sql,
  ws: WorkspaceRow,
  to: Recipient,
  ticket: { id: string; number: number; subject: string },
  staffId: string,
) {
  const { token } = await issueToken(tx, {
    workspaceId: ws.id,
    purpose: 'access_link',
    contactId: to.id,
    ticketId: ticket.id,
    createdByStaffId: staffId,
    ttlSeconds: ws.access_link_ttl_days * 24 * 3600,
  });
  await send(
    deps,
    tx,
    ws,
    to,
    'access_link',
    (c) => ({
      subject: `[#${ticket.number}] ${ticket.subject}`,
      lines: [`Hello ${to.name},`, `You can follow and answer your request #${ticket.number} "${ticket.subject}" on our support portal.`],
      action: { label: 'Open my request', url: c.accessUrl(token) },
      footer: `This personal link signs you in; do not forward it. It expires in ${ws.access_link_ttl_days} days.`,
    }),
    ticket.id,
  );
}
