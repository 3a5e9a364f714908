/** Which background jobs exist and what runs them. */
import type { Deps } from './platform/context.ts';
import { deliverMail } from './platform/mail/outbox.ts';
import type { Transport } from './platform/mail/transport.ts';
import { handleMagicLinkRequest, handlePasswordResetRequest, handleRegistration } from './modules/portal-auth/link-requests.ts';

export function registerJobs(deps: Deps, transport: Transport) {
  const { jobs } = deps;
  jobs.work('mail.deliver', (d) => deliverMail(deps.db, transport, deps.config.mailFrom, String(d.id)));
  jobs.work('auth.magic-link', (d) => handleMagicLinkRequest(deps, d as { workspaceId: string; email: string }));
  jobs.work('auth.password-reset', (d) => handlePasswordResetRequest(deps, d as { workspaceId: string; email: string }));
  jobs.work('auth.register', (d) => handleRegistration(deps, { id: String(d.id) }));
}
