/**
 * The staff app's live connection and what every page shares through it: one LiveClient per
 * signed-in session (closed on sign-out), the chat queue (waiting chats, my chats, presence)
 * kept current from the `chats` topic, the new-chat chime and notice, and the "(N)" in the
 * page title.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useLocation } from 'react-router';
import type { Chat, StaffChatList, StaffPresence } from '../../contracts/chat.ts';
import { LiveClient, useLiveStatus, useLiveTopic, type LiveStatus } from '../ui/live.ts';
import { chime, unlockAudio } from './chime.ts';
import { setTitleCount } from './hooks.ts';
import { errorMessage, signedOut, staffApi } from './http.ts';

export type NewChatNotice = { chat: Chat; at: number };

type LiveValue = {
  client: LiveClient | null;
  status: LiveStatus;
  /** The chat queue as last read from the server; null until the first answer. */
  queue: StaffChatList | null;
  queueError: unknown;
  /** Re-reads the queue (debounced when `soon`). */
  reloadQueue: (soon?: boolean) => void;
  presence: StaffPresence | null;
  presenceBusy: boolean;
  presenceError: string | null;
  setPresence: (p: StaffPresence) => Promise<void>;
  notice: NewChatNotice | null;
  dismissNotice: () => void;
  /** Ends the connection now (sign-out). */
  close: () => void;
};

const Ctx = createContext<LiveValue | null>(null);

export function useLive(): LiveValue {
  const v = useContext(Ctx);
  if (!v) throw new Error('useLive outside LiveProvider');
  return v;
}

export function LiveProvider({ children }: { children: ReactNode }) {
  const [client, setClient] = useState<LiveClient | null>(null);
  const status = useLiveStatus(client);
  const [queue, setQueue] = useState<StaffChatList | null>(null);
  const [queueError, setQueueError] = useState<unknown>(null);
  const [presenceBusy, setPresenceBusy] = useState(false);
  const [presenceError, setPresenceError] = useState<string | null>(null);
  const [notice, setNotice] = useState<NewChatNotice | null>(null);
  const location = useLocation();
  const path = useRef(location.pathname);
  path.current = location.pathname;

  useEffect(() => {
    const c = new LiveClient('/staff/api/live');
    setClient(c);
    return () => c.close();
  }, []);

  // The server ended the session (signed out elsewhere, expired): the app's sign-in page.
  useEffect(() => {
    if (status === 'signed-out') signedOut();
  }, [status]);

  // Browsers allow sound only after an interaction: prepare it at the first one.
  useEffect(() => {
    const once = () => {
      unlockAudio();
      document.removeEventListener('pointerdown', once, true);
      document.removeEventListener('keydown', once, true);
    };
    document.addEventListener('pointerdown', once, true);
    document.addEventListener('keydown', once, true);
    return () => {
      document.removeEventListener('pointerdown', once, true);
      document.removeEventListener('keydown', once, true);
    };
  }, []);

  const latest = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  /** Waiting chat ids of the previous answer, to find the one a `newChat` frame announced. */
  const known = useRef<Set<string> | null>(null);
  const expectNew = useRef(false);

  const load = useCallback(async () => {
    const id = ++latest.current;
    try {
      const list = await staffApi<StaffChatList>('/chats');
      if (id !== latest.current) return;
      setQueue(list);
      setQueueError(null);
      const before = known.current;
      known.current = new Set(list.waiting.map((c) => c.id));
      if (expectNew.current && before) {
        expectNew.current = false;
        const fresh = list.waiting.filter((c) => !before.has(c.id));
        const newest = fresh.sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
        // On the Chats list itself the new chat is in plain view: no notice.
        if (newest && list.presence === 'online' && path.current !== '/chats') setNotice({ chat: newest, at: Date.now() });
      }
    } catch (err) {
      if (id === latest.current) setQueueError(err);
    }
  }, []);

  const reloadQueue = useCallback(
    (soon = false) => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      if (!soon) return void load();
      timer.current = setTimeout(() => {
        timer.current = null;
        void load();
      }, 250);
    },
    [load],
  );

  useEffect(() => {
    void load();
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [load]);

  const presence = queue?.presence ?? null;
  const presenceRef = useRef(presence);
  presenceRef.current = presence;

  useLiveTopic(
    client,
    'chats',
    (frame) => {
      if (frame.type !== 'chats.changed') return;
      if (frame.newChat && presenceRef.current === 'online') {
        chime();
        expectNew.current = true;
      }
      setQueue((q) => (q ? { ...q, onlineAgents: frame.onlineAgents } : q));
      reloadQueue(true);
    },
    { onResync: () => reloadQueue() },
  );

  const setPresence = useCallback(
    async (next: StaffPresence) => {
      setPresenceBusy(true);
      setPresenceError(null);
      try {
        const res = await staffApi<{ presence: StaffPresence }>('/chat/presence', { method: 'PUT', body: { status: next } });
        setQueue((q) => (q ? { ...q, presence: res.presence } : q));
        if (res.presence === 'away') setNotice(null);
        reloadQueue();
      } catch (err) {
        setPresenceError(errorMessage(err));
      } finally {
        setPresenceBusy(false);
      }
    },
    [reloadQueue],
  );

  // The notice goes once its chat is no longer waiting (accepted, by anyone, or given up).
  const waiting = queue?.waiting;
  useEffect(() => {
    if (notice && waiting && !waiting.some((c) => c.id === notice.chat.id)) setNotice(null);
  }, [notice, waiting]);
  // …and on the Chats page, whose list already shows it.
  useEffect(() => {
    if (location.pathname === '/chats') setNotice(null);
  }, [location.pathname]);

  const count = waiting?.length ?? 0;
  useEffect(() => {
    setTitleCount(count);
    return () => setTitleCount(0);
  }, [count]);

  const dismissNotice = useCallback(() => setNotice(null), []);
  const close = useCallback(() => client?.close(), [client]);

  const value = useMemo<LiveValue>(
    () => ({
      client,
      status,
      queue,
      queueError,
      reloadQueue,
      presence,
      presenceBusy,
      presenceError,
      setPresence,
      notice,
      dismissNotice,
      close,
    }),
    [client, status, queue, queueError, reloadQueue, presence, presenceBusy, presenceError, setPresence, notice, dismissNotice, close],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

/**
 * Re-runs `refetch` (debounced) whenever `topic` reports a ticket change, and after a
 * reconnect (changes may have been missed).
 */
export function useTicketRefresh(topic: 'tickets' | `ticket:${number}`, refetch: () => void, delay = 250) {
  const { client } = useLive();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(refetch);
  latest.current = refetch;
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  useLiveTopic(
    client,
    topic,
    (frame) => {
      if (frame.type !== 'ticket.changed') return;
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        timer.current = null;
        latest.current();
      }, delay);
    },
    { onResync: () => latest.current() },
  );
}
