/**
 * What a contact's emails look like and where their links go: the contact's client's
 * branding (over the workspace's), and the portal address they use — their client's custom
 * domain in service, else the workspace's, else the default address.
 */
import type { Config } from '../../config.ts';
import type { Sql } from '../../platform/db/db.ts';
import type { Brand } from '../../platform/mail/templates.ts';
import { portalUrl, type WorkspaceRow } from '../../platform/tenancy.ts';
import { mergeBranding } from './effective.ts';
import { brandingLevels } from './queries.ts';

export type MailContext = {
  brand: Brand;
  /** Absolute portal address without a trailing slash: `https://support.client.com` or `{PUBLIC_URL}/portal/{slug}`. */
  portal: string;
  /** Links that sign in to one ticket (portal access links). */
  accessUrl: (token: string) => string;
};

export async function mailContextFor(db: Sql, config: Config, ws: WorkspaceRow, contactId: string): Promise<MailContext> {
  const [row] = await db.query<{ client_id: string; hostname: string | null }>(
    `select c.client_id,
            (select d.hostname from custom_domains d where d.workspace_id = c.workspace_id and d.state = 'active'
                and (d.client_id = c.client_id or d.client_id is null) order by d.client_id nulls last limit 1) as hostname
       from contacts c where c.workspace_id = $1 and c.id = $2`,
    [ws.id, contactId],
  );
  const portal = row?.hostname ? `https://${row.hostname}` : portalUrl(config.publicUrl, ws);
  const levels = await brandingLevels(db, ws.id, row?.client_id ?? null);
  const { effective } = mergeBranding(portal, ws.name, levels.workspace, levels.client);
  return {
    brand: { name: effective.portalName, color: effective.primaryColor, logoUrl: effective.logoUrl },
    portal,
    accessUrl: (token) => (row?.hostname ? `${portal}/access/${token}` : `${config.publicUrl}/portal/access/${token}`),
  };
}
