import { useEffect, useState } from 'react';
import type { Chat, ChatMessage } from '../../../../contracts/chat.ts';

/** Re-renders every `ms` so waiting times keep counting. */
export function useTicker(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(t);
  }, [ms]);
  return now;
}

/** "45 s", "3 min", "1 h 5 min". */
export function waitedFor(iso: string, now: number): string {
  const s = Math.max(0, Math.floor((now - new Date(iso).getTime()) / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

const clockFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayClockFmt = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

/** "14:05" today, "3 Mar, 14:05" before. */
export function clock(iso: string, now = Date.now()): string {
  const d = new Date(iso);
  return d.toDateString() === new Date(now).toDateString() ? clockFmt.format(d) : dayClockFmt.format(d);
}

/** Messages by `seq`, each once; `incoming` wins over what is held unless `keep` (a local copy must not replace the server's). */
export function mergeMessages(held: ChatMessage[], incoming: ChatMessage[], keep = false): ChatMessage[] {
  if (incoming.length === 0) return held;
  const bySeq = new Map(held.map((m) => [m.seq, m]));
  let changed = false;
  for (const m of incoming) {
    if (keep && bySeq.has(m.seq)) continue;
    bySeq.set(m.seq, m);
    changed = true;
  }
  if (!changed) return held;
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

const rank = { waiting: 0, active: 1, closed: 2 } as const;

/** The newer of two copies of a chat: status only moves forward, receipts only grow. */
export function mergeChat(prev: Chat | null, next: Chat): Chat {
  if (!prev || prev.id !== next.id) return next;
  const base = rank[next.status] >= rank[prev.status] ? next : prev;
  const max = (a: { delivered: number; read: number }, b: { delivered: number; read: number }) => ({
    delivered: Math.max(a.delivered, b.delivered),
    read: Math.max(a.read, b.read),
  });
  return {
    ...base,
    ticketNumber: next.ticketNumber ?? prev.ticketNumber,
    lastSeq: Math.max(prev.lastSeq, next.lastSeq),
    receipts: { contact: max(prev.receipts.contact, next.receipts.contact), agent: max(prev.receipts.agent, next.receipts.agent) },
  };
}
