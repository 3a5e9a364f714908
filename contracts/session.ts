import { z } from 'zod';

export const signInBody = z.object({
  email: z.string().trim().min(3).max(254),
  password: z.string().min(1).max(1024),
});

export type PortalWorkspace = {
  name: string;
  slug: string;
  settings: { ticketCreation: boolean; ticketClosing: boolean };
};

export type PortalBootstrap = {
  workspace: PortalWorkspace;
  session: {
    contact: { id: string; name: string; email: string; role: 'member' | 'manager'; client: { name: string } };
    csrfToken: string;
  } | null;
};

export type StaffBootstrap = {
  session: {
    staff: { id: string; name: string; email: string; role: 'agent' | 'admin' };
    workspace: { name: string; slug: string; portalUrl: string };
    csrfToken: string;
  } | null;
};
