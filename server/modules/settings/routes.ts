import type { FastifyInstance } from 'fastify';
import { updateSettingsBody, type WorkspaceSettings } from '../../../contracts/directory.ts';
import type { Deps } from '../../platform/context.ts';
import { mutate } from '../../platform/events.ts';
import { declare, parse } from '../../platform/http/route-config.ts';
import { noStore, staffCtx } from '../../platform/http/surfaces.ts';
import { workspaceById, type WorkspaceRow } from '../../platform/tenancy.ts';

const present = (ws: WorkspaceRow): WorkspaceSettings => ({
  name: ws.name,
  slug: ws.slug,
  portal: { ticketCreation: ws.portal_ticket_creation, ticketClosing: ws.portal_ticket_closing },
});

/** Workspace settings (admins only), under `/staff/api`. */
export async function settingsRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  app.addHook('onSend', async (_request, reply) => noStore(reply));

  app.get('/settings', declare('staff', 'admin'), async (request) => {
    const ctx = staffCtx(deps, request);
    return present(await workspaceById(ctx.db, ctx.workspaceId));
  });

  app.patch('/settings', declare('staff', 'admin'), async (request) => {
    const ctx = staffCtx(deps, request);
    const input = parse(updateSettingsBody, request.body);
    await mutate(ctx, async (tx, record) => {
      await tx.query(
        `update workspaces set
           name = coalesce($2, name),
           portal_ticket_creation = coalesce($3, portal_ticket_creation),
           portal_ticket_closing = coalesce($4, portal_ticket_closing),
           updated_at = now()
         where id = $1`,
        [ctx.workspaceId, input.name ?? null, input.portal?.ticketCreation ?? null, input.portal?.ticketClosing ?? null],
      );
      await record({ type: 'workspace.settings_changed', payload: input });
    });
    return present(await workspaceById(ctx.db, ctx.workspaceId));
  });
}
