import type { ChatAvailability, ChatHours } from '../../../contracts/chat.ts';
import type { Sql } from '../../platform/db/db.ts';
import type { WorkspaceRow } from '../../platform/tenancy.ts';
import { countOnlineAgents } from './queries.ts';

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Whether `now` falls inside the chat hours, read in their own time zone. */
export function withinHours(hours: ChatHours | null, now: Date): boolean {
  if (!hours) return true;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: hours.timezone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = DAY_NAMES.indexOf(get('weekday'));
  const time = `${get('hour')}:${get('minute')}`;
  return hours.days.includes(day) && time >= hours.from && time < hours.to;
}

/** `Mon–Fri 09:00–17:00 (Europe/London)`, for telling contacts when chat is open. */
export function describeHours(hours: ChatHours | null): string | null {
  if (!hours) return null;
  const days = [...new Set(hours.days)].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < days.length; ) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[j]! + 1) j++;
    runs.push(j - i >= 2 ? `${DAY_NAMES[days[i]!]}–${DAY_NAMES[days[j]!]}` : days.slice(i, j + 1).map((d) => DAY_NAMES[d]).join(', '));
    i = j + 1;
  }
  return `${runs.join(', ')} ${hours.from}–${hours.to} (${hours.timezone})`;
}

/** Whether a contact can start a chat now, and if not, why (in the order a contact can act on). */
export async function chatAvailability(db: Sql, ws: Pick<WorkspaceRow, 'id' | 'chat_enabled' | 'chat_hours'>, now = new Date()): Promise<ChatAvailability> {
  const hours = describeHours(ws.chat_hours);
  if (!ws.chat_enabled) return { available: false, reason: 'disabled', hours: null };
  if (!withinHours(ws.chat_hours, now)) return { available: false, reason: 'outside_hours', hours };
  if ((await countOnlineAgents(db, ws.id)) === 0) return { available: false, reason: 'no_agents', hours };
  return { available: true };
}
