/** Which background jobs exist and what runs them. */
import type { Deps } from './platform/context.ts';
import type { JobName } from './platform/jobs.ts';
import { deliverMail } from './platform/mail/outbox.ts';
import type { Transport } from './platform/mail/transport.ts';
import { cleanUpFiles } from './modules/attachments/clean-up.ts';
import { closeIdleChats } from './modules/chat/close-chat.ts';
import { runDomainSteps } from './modules/domains/lifecycle.ts';
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
  jobs.work('chat.close-idle', async () => {
    await closeIdleChats(deps);
  });
  jobs.work('domains.step', async () => {
    await runDomainSteps(deps);
  });
}

/** Periodic jobs and how often each runs. */
const PERIODIC: { name: JobName; everySeconds: number }[] = [
  { name: 'files.clean-up', everySeconds: 15 * 60 },
  { name: 'chat.close-idle', everySeconds: 5 * 60 },
  // Custom domains: DNS checks, certificate orders and renewals that are due.
  { name: 'domains.step', everySeconds: 60 },
];

/**
 * Periodic jobs: each process asks every few minutes; the singleton key lets one job per
 * slot through, however many processes ask. Returns a stop function.
 */
export function schedulePeriodicJobs(deps: Deps): () => void {
  const timers = PERIODIC.flatMap(({ name, everySeconds }) => {
    const ask = () =>
      deps.jobs
        .send(deps.db, name, {}, { singletonKey: name, singletonSeconds: everySeconds })
        .catch((err: unknown) => deps.log.error({ err, job: name }, 'could not schedule a periodic job'));
    return [setTimeout(ask, 60_000), setInterval(ask, everySeconds * 1000)];
  });
  for (const t of timers) t.unref();
  return () => {
    for (const t of timers) clearTimeout(t);
  };
}
