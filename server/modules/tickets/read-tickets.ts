import type { z } from 'zod';
import type {
  Page,
  PortalTicket,
  PortalTicketSummary,
  StaffTicket,
  StaffTicketSummary,
  portalListQuery,
  staffListQuery,
} from '../../../contracts/tickets.ts';
import type { PortalCtx, StaffCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import {
  PAGE_SIZE,
  findContactTicket,
  findWorkspaceTicket,
  listCc,
  listContactTickets,
  listMessages,
  listWorkspaceTickets,
} from './queries.ts';
import { portalSummary, portalTicket, staffSummary, staffTicket } from './presenters.ts';
import { listTicketAttachments } from '../attachments/queries.ts';
import { groupByMessage, portalFilesBase, STAFF_FILES_BASE } from '../attachments/present.ts';

export async function listPortalTickets(
  ctx: PortalCtx,
  query: z.infer<typeof portalListQuery>,
): Promise<Page<PortalTicketSummary>> {
  const { rows, total, totalCapped } = await listContactTickets(ctx.db, ctx.workspaceId, ctx.actor, query);
  return { items: rows.map(portalSummary), page: query.page, pageSize: PAGE_SIZE, total, totalCapped };
}

export async function getPortalTicket(
  ctx: PortalCtx,
  settings: { ticketClosing: boolean; slug: string },
  number: number,
): Promise<PortalTicket> {
  const ticket = await findContactTicket(ctx.db, ctx.workspaceId, ctx.actor, number);
  if (!ticket) throw new AppError('not_found');
  const [thread, cc, files] = await Promise.all([
    listMessages(ctx.db, ctx.workspaceId, ticket.id, true),
    listCc(ctx.db, ctx.workspaceId, ticket.id),
    listTicketAttachments(ctx.db, ctx.workspaceId, ticket.id, true),
  ]);
  const attachments = groupByMessage(files, portalFilesBase(settings.slug));
  return portalTicket(ticket, thread, cc, { closing: settings.ticketClosing }, ctx.actor, attachments);
}

export async function listStaffTickets(
  ctx: StaffCtx,
  query: z.infer<typeof staffListQuery>,
): Promise<Page<StaffTicketSummary>> {
  const assignee = query.assignee === 'me' ? ctx.actor.id : query.assignee;
  const { rows, total, totalCapped } = await listWorkspaceTickets(ctx.db, ctx.workspaceId, {
    ...query,
    assignee,
    clientId: query.client,
  });
  return { items: rows.map(staffSummary), page: query.page, pageSize: PAGE_SIZE, total, totalCapped };
}

export async function getStaffTicket(ctx: StaffCtx, number: number): Promise<StaffTicket> {
  const ticket = await findWorkspaceTicket(ctx.db, ctx.workspaceId, number);
  if (!ticket) throw new AppError('not_found');
  const [thread, cc, files] = await Promise.all([
    listMessages(ctx.db, ctx.workspaceId, ticket.id, false),
    listCc(ctx.db, ctx.workspaceId, ticket.id),
    listTicketAttachments(ctx.db, ctx.workspaceId, ticket.id, false),
  ]);
  return staffTicket(ticket, thread, cc, groupByMessage(files, STAFF_FILES_BASE));
}
