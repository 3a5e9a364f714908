/**
 * Live chat: shared by server and browser (types, schemas and plain values only).
 *
 * A signed-in contact starts a chat (`POST /portal/{slug}/api/chats`) when a technician of
 * the workspace is online and the workspace's chat hours allow; it waits until one accepts
 * (`POST /staff/api/chats/{id}/accept`). Messages carry a per-chat sequence number `seq`
 * (1, 2, 3… with no gaps) and the sender's own `clientId`: sent twice (after a lost
 * acknowledgement), a message is stored once. Either side closes the chat
 * (`POST …/chats/{id}/close`); it then becomes a ticket whose thread is the transcript,
 * and `ticketNumber` is set.
 */
import { z } from 'zod';
import type { Attachment } from './attachments.ts';

import { CHAT_MESSAGE_MAX_CHARS } from './constants.ts';

export { CHAT_MESSAGE_MAX_CHARS };

export type ChatStatus = 'waiting' | 'active' | 'closed';

/** How far each side has received (`delivered`) and seen (`read`) the other's messages, as sequence numbers. */
export type ChatReceipts = { contact: { delivered: number; read: number }; agent: { delivered: number; read: number } };

export type Chat = {
  id: string;
  status: ChatStatus;
  contact: { id: string; name: string; email: string };
  client: { id: string; name: string };
  agent: { id: string; name: string } | null;
  firstMessage: string;
  createdAt: string;
  acceptedAt: string | null;
  closedAt: string | null;
  /** `system`: nobody wrote for an hour (an abandoned chat). */
  closedBy: 'contact' | 'staff' | 'system' | null;
  /** Set once the closed chat has become a ticket. */
  ticketNumber: number | null;
  lastSeq: number;
  receipts: ChatReceipts;
};

export type ChatMessage = {
  seq: number;
  id: string;
  /** The sender's own id for the message (lets it recognise its acknowledgement). */
  clientId: string | null;
  author: { type: 'contact' | 'staff' | 'system'; id: string | null; name: string };
  body: string;
  createdAt: string;
  attachments: Attachment[];
};

/** Why the portal offers the ticket form instead of a chat. */
export type ChatAvailability =
  | { available: true }
  | { available: false; reason: 'disabled' | 'outside_hours' | 'no_agents'; hours: string | null };

export type ChatHours = {
  /** IANA time zone, e.g. `Europe/London`. */
  timezone: string;
  /** Days of the week chat is open, 0 = Sunday … 6 = Saturday. */
  days: number[];
  /** `HH:MM`, 24-hour, in `timezone`; `to` after `from`. */
  from: string;
  to: string;
};

export type ChatSettings = { enabled: boolean; hours: ChatHours | null };

export type StaffPresence = 'online' | 'away';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use HH:MM (24-hour)');

export const chatHoursBody = z
  .object({
    timezone: z.string().min(1).max(64).refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'Unknown time zone'),
    days: z.array(z.number().int().min(0).max(6)).min(1, 'Pick at least one day').max(7),
    from: hhmm,
    to: hhmm,
  })
  .refine((h) => h.from < h.to, { path: ['to'], message: 'Must be after the opening time' });

export const chatSettingsBody = z.object({ enabled: z.boolean().optional(), hours: chatHoursBody.nullable().optional() });

const attachmentIds = z.array(z.string().min(1).max(64)).max(50).default([]);
/** A message's client-generated id: 8–64 characters of `[A-Za-z0-9_-]` (a UUID works). */
export const chatClientId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'Must be 8–64 letters, digits, - or _');

export const startChatBody = z.object({
  message: z.string().trim().min(1, 'Required').max(CHAT_MESSAGE_MAX_CHARS),
  attachmentIds,
});

export const sendChatMessageBody = z
  .object({
    clientId: chatClientId,
    body: z.string().trim().max(CHAT_MESSAGE_MAX_CHARS),
    attachmentIds,
  })
  .refine((m) => m.body.length > 0 || m.attachmentIds.length > 0, { path: ['body'], message: 'Write a message or attach a file' });

export const presenceBody = z.object({ status: z.enum(['online', 'away']) });

/** Staff chat list: waiting chats of the workspace and the technician's own active chats. */
export type StaffChatList = { waiting: Chat[]; mine: Chat[]; presence: StaffPresence; onlineAgents: number };
