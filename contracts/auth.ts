/**
 * Portal and staff sign-in methods, account and MFA: request schemas and response types.
 * Every "request a link" endpoint answers the same 202 body whatever the address.
 */
import { z } from 'zod';
import { MIN_PASSWORD_LENGTH } from './constants.ts';

const email = z.email('Enter a valid email address').max(254).transform((e) => e.trim().toLowerCase());
const password = z.string().min(MIN_PASSWORD_LENGTH, `At least ${MIN_PASSWORD_LENGTH} characters`).max(1024);
const token = z.string().min(20).max(200);

export const emailBody = z.object({ email });
export const registerBody = z.object({ name: z.string().trim().min(1, 'Required').max(120), email, password });
export const tokenBody = z.object({ token });
export const resetPasswordBody = z.object({ token, password });
export const mfaCodeBody = z.object({ code: z.string().trim().min(6).max(20) });
export const reauthBody = z.object({ password: z.string().max(1024).optional(), code: z.string().trim().max(20).optional() });
export const changePasswordBody = z.object({ currentPassword: z.string().max(1024).optional(), newPassword: password });
export const inviteBody = z.object({
  name: z.string().trim().min(1, 'Required').max(120),
  email,
  role: z.enum(['member', 'manager']).default('member'),
});

/** The fixed answer of every link request (magic link, password reset, registration, invitation). */
export type LinkRequested = { ok: true; message: string };

export type SignInResult = { ok: true; stage: 'active' | 'mfa'; next: string };

/** What the portal's sign-in page may offer (workspace settings). */
export type SignInMethods = {
  password: boolean;
  magicLink: boolean;
  registration: 'off' | 'known' | 'open';
};

export type SessionInfo = {
  id: string;
  current: boolean;
  device: string;
  ip: string | null;
  method: string;
  createdAt: string;
  lastSeenAt: string;
};

export type MfaStatus = { enabled: boolean; required: boolean; recoveryCodesLeft: number };
/** `qrSvg`: SVG markup of the QR code, made by the server from `uri`. */
export type MfaSetup = { qrSvg: string; secret: string; uri: string };

export type PortalLinkInfo = {
  id: string;
  contact: { name: string; email: string };
  createdBy: string | null;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  status: 'active' | 'expired' | 'revoked';
  uses: { usedAt: string; ip: string | null; userAgent: string | null }[];
};

export type MailSummary = {
  id: string;
  to: string;
  subject: string;
  template: string;
  status: 'queued' | 'sent' | 'stored' | 'failed';
  attempts: number;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
};
export type MailDetail = MailSummary & { text: string; html: string };

export const signInSettingsBody = z.object({
  password: z.boolean().optional(),
  magicLink: z.boolean().optional(),
  accessLink: z.boolean().optional(),
  registration: z.enum(['off', 'known', 'open']).optional(),
  registrationClientId: z.uuid().nullable().optional(),
  mfaRequiredContacts: z.boolean().optional(),
  mfaRequiredStaff: z.boolean().optional(),
  magicLinkTtlHours: z.number().int().min(1).max(720).optional(),
  accessLinkTtlDays: z.number().int().min(1).max(365).optional(),
});
export type SignInSettings = {
  password: boolean;
  magicLink: boolean;
  accessLink: boolean;
  registration: 'off' | 'known' | 'open';
  registrationClientId: string | null;
  mfaRequiredContacts: boolean;
  mfaRequiredStaff: boolean;
  magicLinkTtlHours: number;
  accessLinkTtlDays: number;
};

export const updateClientBody = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  emailDomains: z
    .array(z.string().trim().toLowerCase().regex(/^(?=.{3,253}$)([a-z0-9-]+\.)+[a-z]{2,}$/, 'Not a domain name'))
    .max(50)
    .optional(),
});
