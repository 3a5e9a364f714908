/** An admin adds, re-checks and removes custom domains. */
import type { StaffCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { mutate } from '../../platform/events.ts';
import { checkClient } from '../branding/update-branding.ts';
import { normaliseHostname } from './dns-check.ts';
import { domainsChanged } from '../../platform/domain-map.ts';

/** Asks for the next due steps now rather than at the next minute's tick. */
const stepSoon = (ctx: StaffCtx) =>
  ctx.jobs.send(ctx.db, 'domains.step', {}).catch((err: unknown) => ctx.log.error({ err }, 'could not queue a domain step'));

const isUniqueViolation = (err: unknown, constraint: string) =>
  (err as { code?: string; constraint?: string }).code === '23505' &&
  ((err as { constraint?: string }).constraint === constraint || String((err as Error).message).includes(constraint));

export async function addDomain(ctx: StaffCtx, input: { hostname: string; clientId?: string | null }): Promise<{ id: string }> {
  const hostname = normaliseHostname(input.hostname);
  if (!hostname) throw new AppError('domain_invalid');
  const clientId = input.clientId ?? null;
  await checkClient(ctx.db, ctx.workspaceId, clientId);
  // The main address (or the CNAME target) can never be a tenant's domain.
  const main = new URL(ctx.config.publicUrl).hostname;
  if (hostname === main || hostname === ctx.config.domains.cnameTarget) throw new AppError('domain_invalid', { message: `${hostname} is this server's own address.` });
  try {
    const result = await mutate(ctx, async (tx, record) => {
      const [row] = await tx.query<{ id: string }>(
        'insert into custom_domains (workspace_id, client_id, hostname) values ($1, $2, $3) returning id',
        [ctx.workspaceId, clientId, hostname],
      );
      await record({ type: 'domain.added', payload: { domainId: row!.id, hostname, clientId } });
      return row!;
    });
    domainsChanged(ctx.bus, ctx.workspaceId);
    await stepSoon(ctx);
    return result;
  } catch (err) {
    if (isUniqueViolation(err, 'custom_domains_hostname_key')) throw new AppError('domain_taken');
    if (isUniqueViolation(err, 'custom_domains_one_per_portal'))
      throw new AppError('domain_taken', { message: 'This portal already has a custom domain. Remove it first to use another one.' });
    throw err;
  }
}

/** Starts over from checking DNS (a failed domain, or one an admin knows is now fixed). */
export async function checkDomainAgain(ctx: StaffCtx, id: string): Promise<void> {
  await mutate(ctx, async (tx, record) => {
    const rows = await tx.query(
      `update custom_domains set next_step_at = now(), updated_at = now(),
          state = case when state = 'failed' then 'pending_dns' else state end,
          waiting_since = case when state in ('failed', 'pending_dns') then now() else waiting_since end,
          issue_attempts = case when state = 'failed' then 0 else issue_attempts end
        where workspace_id = $1 and id = $2 returning id`,
      [ctx.workspaceId, id],
    );
    if (!rows.length) throw new AppError('not_found');
    await record({ type: 'domain.check_requested', payload: { domainId: id } });
  });
  await stepSoon(ctx);
}

/** Out of service at once, everywhere; its certificate goes with it. */
export async function removeDomain(ctx: StaffCtx, id: string): Promise<void> {
  await mutate(ctx, async (tx, record) => {
    const [row] = await tx.query<{ hostname: string }>('delete from custom_domains where workspace_id = $1 and id = $2 returning hostname', [
      ctx.workspaceId,
      id,
    ]);
    if (!row) throw new AppError('not_found');
    await tx.query('delete from acme_challenges where hostname = $1', [row.hostname]);
    await record({ type: 'domain.removed', payload: { domainId: id, hostname: row.hostname } });
  });
  domainsChanged(ctx.bus, ctx.workspaceId);
}
