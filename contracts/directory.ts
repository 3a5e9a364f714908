import { z } from 'zod';
import { MIN_PASSWORD_LENGTH } from './constants.ts';
import { signInSettingsBody, type SignInSettings } from './auth.ts';
import { MAX_FILES_LIMIT, MAX_FILE_MB_LIMIT } from './attachments.ts';
import { chatSettingsBody, type ChatSettings } from './chat.ts';
import { KB_LANGUAGES, type KbLanguage } from './kb.ts';

export const createClientBody = z.object({ name: z.string().trim().min(1, 'Required').max(120) });

export const createContactBody = z.object({
  name: z.string().trim().min(1, 'Required').max(120),
  email: z.email('Enter a valid email address').max(254).transform((e) => e.toLowerCase()),
  role: z.enum(['member', 'manager']).default('member'),
  /** Initial password; invitations by email arrive with the sign-in issue. */
  password: z.string().min(MIN_PASSWORD_LENGTH, `At least ${MIN_PASSWORD_LENGTH} characters`).max(1024),
});


export const updateSettingsBody = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    portal: z
      .object({ ticketCreation: z.boolean().optional(), ticketClosing: z.boolean().optional() })
      .optional(),
    signIn: signInSettingsBody.optional(),
    attachments: z
      .object({
        maxFiles: z.number().int().min(1).max(MAX_FILES_LIMIT).optional(),
        maxFileMb: z.number().int().min(1).max(MAX_FILE_MB_LIMIT).optional(),
      })
      .optional(),
    chat: chatSettingsBody.optional(),
    kb: z.object({ language: z.enum(KB_LANGUAGES) }).optional(),
  });

export type StaffMember = { id: string; name: string; email: string; role: 'agent' | 'admin' };
export type ClientSummary = { id: string; name: string; contacts: number; openTickets: number };
export type ContactSummary = {
  id: string;
  name: string;
  email: string;
  role: 'member' | 'manager';
  /** `invited`: asked to join, has not chosen a password yet. */
  status: 'active' | 'invited' | 'disabled';
};
export type ClientDetail = { id: string; name: string; emailDomains: string[]; contacts: ContactSummary[] };
export type WorkspaceSettings = {
  name: string;
  slug: string;
  portal: { ticketCreation: boolean; ticketClosing: boolean };
  signIn: SignInSettings;
  /** Per upload and per message: how many files, and how large each may be (MB). */
  attachments: { maxFiles: number; maxFileMb: number };
  /** Live chat: on/off and opening hours (null: whenever a technician is online). */
  chat: ChatSettings;
  /** Knowledge base: the language its search understands (stemming). */
  kb: { language: KbLanguage };
};
