import type { FastifyInstance } from 'fastify';
import { updateSettingsBody, type WorkspaceSettings } from '../../../contracts/directory.ts';
import type { Deps } from '../../platform/context.ts';
import { mutate } from '../../platform/events.ts';
import { AppError } from '../../platform/errors.ts';
import { declare, parse } from '../../platform/http/route-config.ts';
import { noStore, staffCtx } from '../../platform/http/surfaces.ts';
import { workspaceById, type WorkspaceRow } from '../../platform/tenancy.ts';
import type { KbLanguage } from '../../../contracts/kb.ts';
import { reindexWorkspace } from '../kb/articles.ts';

const present = (ws: WorkspaceRow): WorkspaceSettings => ({
  name: ws.name,
  slug: ws.slug,
  portal: { ticketCreation: ws.portal_ticket_creation, ticketClosing: ws.portal_ticket_closing },
  signIn: {
    password: ws.signin_password,
    magicLink: ws.signin_magic_link,
    accessLink: ws.signin_access_link,
    registration: ws.registration,
    registrationClientId: ws.registration_client_id,
    mfaRequiredContacts: ws.mfa_required_contacts,
    mfaRequiredStaff: ws.mfa_required_staff,
    magicLinkTtlHours: ws.magic_link_ttl_hours,
    accessLinkTtlDays: ws.access_link_ttl_days,
  },
  attachments: { maxFiles: ws.upload_max_files, maxFileMb: Math.round(Number(ws.upload_max_file_bytes) / (1024 * 1024)) },
  chat: { enabled: ws.chat_enabled, hours: ws.chat_hours },
  kb: { language: ws.kb_language as KbLanguage },
});

// Setting name → column; values are bound as parameters, only these names reach the SQL.
const signInColumns = {
  password: 'signin_password',
  magicLink: 'signin_magic_link',
  accessLink: 'signin_access_link',
  registration: 'registration',
  registrationClientId: 'registration_client_id',
  mfaRequiredContacts: 'mfa_required_contacts',
  mfaRequiredStaff: 'mfa_required_staff',
  magicLinkTtlHours: 'magic_link_ttl_hours',
  accessLinkTtlDays: 'access_link_ttl_days',
} as const;

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
           upload_max_files = coalesce($5, upload_max_files),
           upload_max_file_bytes = coalesce($6::bigint * 1048576, upload_max_file_bytes),
           updated_at = now()
         where id = $1`,
        [
          ctx.workspaceId,
          input.name ?? null,
          input.portal?.ticketCreation ?? null,
          input.portal?.ticketClosing ?? null,
          input.attachments?.maxFiles ?? null,
          input.attachments?.maxFileMb ?? null,
        ],
      );
      if (input.chat) {
        await tx.query(
          `update workspaces set chat_enabled = coalesce($2, chat_enabled),
             chat_hours = case when $3 then $4::jsonb else chat_hours end where id = $1`,
          [ctx.workspaceId, input.chat.enabled ?? null, input.chat.hours !== undefined, input.chat.hours ? JSON.stringify(input.chat.hours) : null],
        );
      }
      if (input.kb?.language) {
        // The search vectors follow the language: recomputed in the same transaction.
        await tx.query('update workspaces set kb_language = $2 where id = $1', [ctx.workspaceId, input.kb.language]);
        await reindexWorkspace(tx, ctx.workspaceId);
      }
      const signIn = Object.entries(input.signIn ?? {}) as [keyof typeof signInColumns, unknown][];
      if (input.signIn?.registrationClientId) {
        const [client] = await tx.query('select 1 from clients where workspace_id = $1 and id = $2', [ctx.workspaceId, input.signIn.registrationClientId]);
        if (!client) {
          throw new AppError('validation_failed', { fields: [{ field: 'signIn.registrationClientId', message: 'No such client' }] });
        }
      }
      if (signIn.length) {
        const sets = signIn.map(([key], i) => `${signInColumns[key]} = $${i + 2}`);
        await tx.query(`update workspaces set ${sets.join(', ')} where id = $1`, [ctx.workspaceId, ...signIn.map(([, v]) => v)]);
      }
      await record({ type: 'workspace.settings_changed', payload: input });
    });
    return present(await workspaceById(ctx.db, ctx.workspaceId));
  });
}
