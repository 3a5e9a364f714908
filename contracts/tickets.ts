/**
 * Request schemas and response types shared by the server and the two web apps.
 * Unknown fields are stripped (zod's default), so mass-assigned fields such as
 * `clientId`, `requesterId`, `assigneeId`, `internal` or `workspaceId` sent from the
 * portal are ignored rather than applied.
 */
import { z } from 'zod';

import { PRIORITIES, STATUSES, type TicketStatus, type TicketPriority } from './constants.ts';
import { MAX_FILES_LIMIT, type Attachment } from './attachments.ts';

export { PRIORITIES, STATUSES, type TicketStatus, type TicketPriority };

const text = (max: number) => z.string().trim().min(1, 'Required').max(max, `At most ${max} characters`);

/** Ids of the caller's pending uploads to attach (see contracts/attachments.ts). */
const attachmentIds = z.array(z.string().regex(/^[A-Za-z0-9_-]{22,64}$/, 'Not an attachment id')).max(MAX_FILES_LIMIT).default([]);

export const createTicketBody = z.object({
  subject: text(200),
  description: text(20000),
  priority: z.enum(PRIORITIES).default('normal'),
  attachmentIds,
});

export const replyBody = z.object({ body: text(20000), attachmentIds });
export const closeBody = z.object({ message: text(20000) });

export const staffMessageBody = z.object({
  body: text(20000),
  internal: z.boolean().default(false),
  /** Files on an internal note are never visible to contacts. */
  attachmentIds,
  /** Optional status to set with a public reply ("reply and set pending"). */
  status: z.enum(STATUSES).optional(),
});

export const updateTicketBody = z
  .object({
    status: z.enum(STATUSES).optional(),
    priority: z.enum(PRIORITIES).optional(),
    assigneeId: z.uuid().nullable().optional(),
  })
  .refine((v) => v.status !== undefined || v.priority !== undefined || v.assigneeId !== undefined, {
    message: 'Give at least one of status, priority, assigneeId',
  });

export const setCcBody = z.object({ contactIds: z.array(z.uuid()).max(50) });

const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',').filter(Boolean) : undefined))
    .pipe(z.array(z.enum(values)).optional());

const page = z.coerce.number().int().min(1).max(100000).default(1);
const q = z.string().trim().max(200).optional();

export const portalListQuery = z.object({ status: csv(STATUSES), q, page });

export const staffListQuery = z.object({
  status: csv(STATUSES),
  priority: csv(PRIORITIES),
  /** A staff id, `me`, or `unassigned`. */
  assignee: z.union([z.literal('me'), z.literal('unassigned'), z.uuid()]).optional(),
  client: z.uuid().optional(),
  q,
  page,
});

export const ticketNumberParam = z.object({ number: z.coerce.number().int().min(1).max(2147483647) });

// ---- responses ----

export type Person = { id: string; name: string };

export type PortalTicketSummary = {
  number: number;
  subject: string;
  status: TicketStatus;
  priority: TicketPriority;
  requester: { name: string };
  assignee: { name: string } | null;
  createdAt: string;
  updatedAt: string;
};

/**
 * A change shown in the timeline. For `status` and `priority`, `from`/`to` are the keys
 * (`pending`, `high`); for `assignee` they are the staff member's display name at the time.
 */
export type ThreadEvent = {
  field: 'status' | 'priority' | 'assignee';
  from: string | null;
  to: string | null;
};

export type PortalMessage = {
  id: string;
  kind: 'reply' | 'event';
  body: string;
  /** `isYou`: written by the signed-in contact. */
  author: { name: string; type: 'contact' | 'staff'; isYou: boolean } | null;
  event: ThreadEvent | null;
  attachments: Attachment[];
  createdAt: string;
};

export type PortalTicket = PortalTicketSummary & {
  description: string;
  /** Files sent with the ticket itself. */
  attachments: Attachment[];
  /** The signed-in contact's relation to the ticket. */
  yourRole: 'requester' | 'cc' | 'manager';
  closedAt: string | null;
  cc: { name: string }[];
  thread: PortalMessage[];
  can: { reply: boolean; close: boolean };
};

/** A page of a list. `total` stops counting at a cap; `totalCapped` says there are more than that. */
export type Page<T> = { items: T[]; page: number; pageSize: number; total: number; totalCapped: boolean };

export type StaffTicketSummary = {
  number: number;
  subject: string;
  status: TicketStatus;
  priority: TicketPriority;
  client: Person;
  requester: Person;
  assignee: Person | null;
  createdAt: string;
  updatedAt: string;
};

export type StaffMessage = {
  id: string;
  kind: 'reply' | 'note' | 'event';
  internal: boolean;
  body: string;
  author: { id: string; name: string; type: 'contact' | 'staff' } | null;
  event: ThreadEvent | null;
  attachments: Attachment[];
  createdAt: string;
};

export type StaffTicket = StaffTicketSummary & {
  description: string;
  attachments: Attachment[];
  source: string;
  requester: Person & { email: string };
  cc: (Person & { email: string })[];
  solvedAt: string | null;
  closedAt: string | null;
  thread: StaffMessage[];
  allowedStatuses: TicketStatus[];
};
