import type { Sql } from '../../platform/db/db.ts';
import type { ClientSummary, ContactSummary, StaffMember } from '../../../contracts/directory.ts';

export function listStaff(db: Sql, workspaceId: string) {
  return db.query<StaffMember>(
    `select id, name, email::text as email, role from staff
      where workspace_id = $1 and status = 'active' order by name`,
    [workspaceId],
  );
}

export function listClients(db: Sql, workspaceId: string) {
  return db.query<ClientSummary>(
    `select c.id, c.name,
            (select count(*)::int from contacts k where k.workspace_id = c.workspace_id and k.client_id = c.id) as contacts,
            (select count(*)::int from tickets t where t.workspace_id = c.workspace_id and t.client_id = c.id
               and t.status not in ('solved', 'closed')) as "openTickets"
       from clients c where c.workspace_id = $1 order by c.name`,
    [workspaceId],
  );
}

export async function findClient(db: Sql, workspaceId: string, id: string) {
  const [row] = await db.query<{ id: string; name: string; emailDomains: string[] }>(
    'select id, name, email_domains as "emailDomains" from clients where workspace_id = $1 and id = $2',
    [workspaceId, id],
  );
  return row;
}

export function listContacts(db: Sql, workspaceId: string, clientId: string) {
  return db.query<ContactSummary>(
    `select id, name, email::text as email, role,
            case when status = 'active' and password_hash is null and email_verified_at is null then 'invited' else status end as status
       from contacts
      where workspace_id = $1 and client_id = $2 order by name`,
    [workspaceId, clientId],
  );
}
