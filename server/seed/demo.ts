/**
 * Demo data for a first start on the embedded database: one workspace, two clients each
 * with a manager and two members, an agent and an admin, and 30 tickets across every
 * status with public replies, internal notes and change events.
 */
import { seedKb } from './kb.ts';
import type { Db, Sql } from '../platform/db/db.ts';
import { hashPassword } from '../platform/auth/passwords.ts';
import type { TicketPriority, TicketStatus } from '../../contracts/tickets.ts';

export const DEMO_PASSWORD = 'demo-password';
export const DEMO_SLUG = 'brightline';

export type DemoSignIns = { portal: { email: string; role: string; client: string }[]; staff: { email: string; role: string }[] };

const clients = [
  {
    name: 'Harbor Dental',
    domain: 'harbordental.example',
    contacts: [
      ['Maria Lopez', 'maria', 'manager'],
      ['Tom Becker', 'tom', 'member'],
      ['Priya Shah', 'priya', 'member'],
    ],
  },
  {
    name: 'Keystone Logistics',
    domain: 'keystonelogistics.example',
    contacts: [
      ['Daniel Okafor', 'daniel', 'manager'],
      ['Emma Novak', 'emma', 'member'],
      ['Lucas Meyer', 'lucas', 'member'],
    ],
  },
] as const;

const staffMembers = [
  ['Alex Morgan', 'alex@brightline.example', 'agent'],
  ['Sam Rivera', 'sam@brightline.example', 'admin'],
] as const;

const subjects = [
  'Outlook keeps asking for my password',
  'Printer on 2nd floor shows offline',
  'New starter needs a laptop and accounts',
  'VPN disconnects every few minutes',
  'Shared drive is almost full',
  'Cannot open invoices PDF attachment',
  'Request: install Adobe Acrobat Pro',
  'Wi-Fi slow in the meeting room',
  'Phishing email received — please check',
  'Teams camera not detected',
  'Reset MFA for my new phone',
  'Backup failed notification',
  'Monitor flickering at reception',
  'Access to the finance folder',
  'Scanner sends to wrong email address',
];

const statuses: TicketStatus[] = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'];
const priorities: TicketPriority[] = ['normal', 'high', 'low', 'urgent', 'normal'];

/** Seeds the demo workspace unless any workspace exists. Returns the sign-ins to print. */
export async function seedDemo(db: Db): Promise<DemoSignIns | undefined> {
  const [existing] = await db.query<{ n: number }>('select count(*)::int as n from workspaces');
  if ((existing?.n ?? 0) > 0) return undefined;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.tx((tx) => seed(tx, passwordHash));
}

async function seed(tx: Sql, passwordHash: string): Promise<DemoSignIns> {
  const [ws] = await tx.query<{ id: string }>(
    `insert into workspaces (slug, name) values ($1, 'Brightline IT Services') returning id`,
    [DEMO_SLUG],
  );
  const workspaceId = ws!.id;
  const signIns: DemoSignIns = { portal: [], staff: [] };

  const staffIds: string[] = [];
  for (const [name, email, role] of staffMembers) {
    const [row] = await tx.query<{ id: string }>(
      'insert into staff (workspace_id, email, name, role, password_hash) values ($1, $2, $3, $4, $5) returning id',
      [workspaceId, email, name, role, passwordHash],
    );
    staffIds.push(row!.id);
    signIns.staff.push({ email, role });
  }

  const people: { clientId: string; contactIds: string[] }[] = [];
  const clientIds = new Map<string, string>();
  for (const c of clients) {
    // The client's email domain lets its people register themselves (registration: known).
    const [client] = await tx.query<{ id: string }>(
      'insert into clients (workspace_id, name, email_domains) values ($1, $2, $3) returning id',
      [workspaceId, c.name, [c.domain]],
    );
    const contactIds: string[] = [];
    for (const [name, local, role] of c.contacts) {
      const email = `${local}@${c.domain}`;
      const [row] = await tx.query<{ id: string }>(
        `insert into contacts (workspace_id, client_id, email, name, role, password_hash, email_verified_at)
         values ($1, $2, $3, $4, $5, $6, now()) returning id`,
        [workspaceId, client!.id, email, name, role, passwordHash],
      );
      contactIds.push(row!.id);
      signIns.portal.push({ email, role, client: c.name });
    }
    people.push({ clientId: client!.id, contactIds });
    clientIds.set(c.name, client!.id);
  }
  await seedKb(tx, workspaceId, staffIds[0]!, clientIds);

  const day = 24 * 3600 * 1000;
  const now = Date.now();
  for (let i = 0; i < 30; i++) {
    const who = people[i % 2]!;
    const requester = who.contactIds[i % 3]!;
    const status = statuses[i % statuses.length]!;
    const priority = priorities[i % priorities.length]!;
    const assignee = status === 'new' ? null : staffIds[i % 2]!;
    const created = new Date(now - (30 - i) * day + (i % 7) * 3600 * 1000);
    const at = (hours: number) => new Date(created.getTime() + hours * 3600 * 1000);
    const subject = subjects[i % subjects.length]!;
    const [t] = await tx.query<{ id: string }>(
      `insert into tickets (workspace_id, number, client_id, requester_id, assignee_id, subject, description,
                            priority, status, source, created_at, updated_at, solved_at, closed_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'portal', $10, $11, $12, $13) returning id`,
      [
        workspaceId,
        i + 1,
        who.clientId,
        requester,
        assignee,
        subject,
        `Hi team,\n\n${subject}. It started this morning and is getting in the way of work.\n\nThanks!`,
        priority,
        status,
        created,
        status === 'new' ? created : at(5),
        status === 'solved' || status === 'closed' ? at(4) : null,
        status === 'closed' ? at(5) : null,
      ],
    );
    const msg = (kind: 'reply' | 'note' | 'event', hours: number, body: string, author: { contact?: string; staff?: string }, event?: object) =>
      tx.query(
        `insert into ticket_messages (workspace_id, ticket_id, kind, public, body, author_contact_id, author_staff_id, event, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [workspaceId, t!.id, kind, kind !== 'note', body, author.contact ?? null, author.staff ?? null, event ? JSON.stringify(event) : null, at(hours)],
      );
    if (status === 'new') continue;
    await msg('event', 1, '', { staff: assignee! }, { field: 'assignee', from: null, to: staffMembers[i % 2]![0] });
    await msg('note', 1.5, 'Checked the monitoring dashboard: nothing else affected at this site.', { staff: assignee! });
    await msg('reply', 2, 'Thanks for reporting this. I am looking into it now and will update you shortly.', { staff: assignee! });
    await msg('reply', 3, 'Thank you! It is still happening on my machine.', { contact: requester });
    if (status !== 'open') {
      await msg('event', 4, '', { staff: assignee! }, { field: 'status', from: 'open', to: status === 'closed' ? 'solved' : status });
    }
    if (status === 'closed') await msg('event', 5, '', { staff: assignee! }, { field: 'status', from: 'solved', to: 'closed' });
  }
  await tx.query('update workspaces set ticket_seq = 30 where id = $1', [workspaceId]);
  return signIns;
}
