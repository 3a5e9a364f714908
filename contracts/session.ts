import { z } from 'zod';
import type { AttachmentLimits } from './attachments.ts';
import type { EffectiveBranding } from './branding.ts';

export const signInBody = z.object({
  email: z.string().trim().min(3).max(254),
  password: z.string().min(1).max(1024),
  /** Where to go afterwards; the server keeps it only if it is a path inside this app. */
  next: z.string().max(500).optional(),
});

export type PortalWorkspace = {
  /** The portal's name as branded for whoever asks (the contact's client, else the workspace). */
  name: string;
  branding: EffectiveBranding;
  slug: string;
  settings: { ticketCreation: boolean; ticketClosing: boolean; attachments: AttachmentLimits };
  signIn: { password: boolean; magicLink: boolean; registration: 'off' | 'known' | 'open' };
};

/** A session whose first factor passed and whose second factor is due (or must be set up). */
export type MfaPendingSession = { stage: 'mfa'; mfa: { enrolled: boolean }; csrfToken: string };

export type PortalBootstrap = {
  workspace: PortalWorkspace;
  session:
    | {
        stage: 'active';
        contact: { id: string; name: string; email: string; role: 'member' | 'manager'; client: { name: string } };
        csrfToken: string;
      }
    | MfaPendingSession
    | null;
};

export type StaffBootstrap = {
  session:
    | {
        stage: 'active';
        staff: { id: string; name: string; email: string; role: 'agent' | 'admin' };
        workspace: { name: string; slug: string; portalUrl: string; attachments: AttachmentLimits };
        csrfToken: string;
      }
    | MfaPendingSession
    | null;
};
