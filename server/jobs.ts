/** Which background jobs exist and what runs them. */
import type { Deps } from './platform/context.ts';
import { deliverMail } from './platform/mail/outbox.ts';
import type { Transport } from './platform/mail/transport.ts';
import { cleanUpFiles } from './modules/attachments/clean-up.ts';
import { handleMagicLinkRequest, handlePasswordResetRequest, handleRegistration } from './modules/portal-auth/link-requests.ts';

export function registerJobs(deps: Deps, transport: Transport) {
  const { jobs } = deps;
  jobs.work('mail.deliver', (d) => deliverMail(deps.db, transport, deps.config.mailFrom, String(d.id)));
  jobs.work('auth.magic-link', (d) => handleMagicLinkRequest(deps, d as { workspaceId: string; email: string }));
  jobs.work('auth.password-reset', (d) => handlePasswordResetRequest(deps, d as { workspaceId: string; email: string }));
  jobs.work('auth.register', (d) => handleRegistration(deps, { id: String(d.id) }));
  jobs.work('files.clean-up', async () => {
    await cleanUpFiles(deps);
  });
}

const CLEAN_UP_EVERY_SECONDS = 15 * 60;

/**
 * Periodic jobs: each process asks every few minutes; the singleton key lets one job per
 * slot through, however many processes ask. Returns a stop function.
 */
export function schedulePeriodicJobs(deps: Deps): () => void {
  const ask = () =>
    deps.jobs
      .send(deps.db, 'files.clean-up', {}, { singletonKey: 'files.clean-up', singletonSeconds: CLEAN_UP_EVERY_SECONDS })
      .catch((err: unknown) => deps.log.error({ err }, 'could not schedule the file clean-up'));
  const first = setTimeout(ask, 60_000);
  const timer = setInterval(ask, CLEAN_UP_EVERY_SECONDS * 1000);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
