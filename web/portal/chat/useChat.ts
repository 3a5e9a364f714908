/**
 * The contact's chat, kept for the whole signed-in session (the widget lives in the page
 * frame): the current chat from HTTP, then the shared thread (web/ui/chat-thread.ts: its
 * topic on the live connection, sending with an HTTP fallback, typing, receipts, read
 * marks), plus what only the portal does: availability, starting and ending a chat, the
 * unread badge, announcements for a closed panel, and reading the chat over HTTP while the
 * live connection is down.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Chat, ChatAvailability, ChatMessage } from '../../../contracts/chat.ts';
import type { ServerFrame } from '../../../contracts/live.ts';
import { ApiError } from '../../ui/api.ts';
import { useChatThread } from '../../ui/chat-thread.ts';
import { useLive } from '../live.tsx';
import { useSession } from '../session.tsx';

export { CHAT_MESSAGE_MAX_CHARS as CHAT_TEXT_MAX } from '../../../contracts/constants.ts';

export type Availability =
  | { status: 'unknown' }
  | { status: 'loading'; value?: ChatAvailability }
  | { status: 'ready'; value: ChatAvailability }
  | { status: 'failed'; message: string; value?: ChatAvailability };

/** Words for the codes a chat request or frame can fail with. */
export function chatErrorText(code: string, fallback: string): string {
  switch (code) {
    case 'rate_limited':
      return 'You’re sending messages too quickly. Wait a moment, then try again.';
    case 'chat_closed':
      return 'This chat has ended, so the message was not sent.';
    case 'not_found':
      return 'This chat could not be found. It may have ended.';
    case 'network_error':
      return 'Cannot reach the server. Check your connection and try again.';
    default:
      return fallback || 'Something went wrong. Try again.';
  }
}

export function useChat({ open }: { open: boolean }) {
  const { request } = useSession();
  const live = useLive();
  const openRef = useRef(open);
  openRef.current = open;

  const [current, setCurrent] = useState<'loading' | 'ready' | 'failed'>('loading');
  const [availability, setAvailability] = useState<Availability>({ status: 'unknown' });
  /** A problem to show in the panel (an `error` frame, a failed action). */
  const [notice, setNotice] = useState<string | null>(null);
  /** For a polite live region outside the panel: what happened while it may be closed. */
  const [announcement, setAnnouncement] = useState('');

  const onFrame = (frame: ServerFrame, before: Chat | null) => {
    if (frame.type === 'chat.message' && frame.message.author.type === 'staff' && !openRef.current) {
      setAnnouncement(`New chat message from ${frame.message.author.name}.`);
    }
    if (frame.type === 'chat.updated' && before && before.status !== frame.chat.status) {
      if (frame.chat.status === 'active') setAnnouncement(`${frame.chat.agent?.name ?? 'A technician'} joined the chat.`);
      if (frame.chat.status === 'closed') {
        setAnnouncement(
          frame.chat.ticketNumber ? `The chat has ended. It was saved as ticket #${frame.chat.ticketNumber}.` : 'The chat has ended.',
        );
      }
    }
    // A message's own failure is shown on that message.
    if (frame.type === 'error' && !frame.clientId) {
      setNotice(chatErrorText(frame.code, frame.message));
      if (frame.code === 'chat_closed' || frame.code === 'not_found') thread.refresh().catch(() => undefined);
    }
  };
  const thread = useChatThread({ client: live, side: 'contact', request, shown: open, onFrame });
  const chatRef = useRef(thread.chat);
  chatRef.current = thread.chat;
  const { refresh: loadChat, apply } = thread;

  /** Reads the contact's waiting or active chat (one started in another tab, too). */
  const loadCurrent = useCallback(
    async ({ quiet = false }: { quiet?: boolean } = {}) => {
      if (!quiet) setCurrent('loading');
      try {
        const { chat } = await request<{ chat: Chat | null }>('/chats/current');
        if (chat && chat.id !== chatRef.current?.id) await loadChat(chat.id);
        setCurrent('ready');
      } catch {
        if (!quiet) setCurrent('failed');
      }
    },
    [request, loadChat],
  );

  const checkAvailability = useCallback(async () => {
    setAvailability((a) => ({ status: 'loading', value: 'value' in a ? a.value : undefined }));
    try {
      const value = await request<ChatAvailability>('/chat/availability');
      setAvailability({ status: 'ready', value });
      return value;
    } catch (e) {
      const message = e instanceof ApiError ? e.message : 'Something went wrong.';
      setAvailability((a) => ({ status: 'failed', message, value: 'value' in a ? a.value : undefined }));
      return null;
    }
  }, [request]);

  useEffect(() => {
    void loadCurrent();
    // Known up front, so a workspace without chat shows no launcher at all.
    void checkAvailability();
  }, [loadCurrent, checkAvailability]);

  // Back to this tab with no chat held: one may have been started in another tab meanwhile.
  useEffect(() => {
    const onFocus = () => {
      if (document.visibilityState === 'visible' && !chatRef.current) void loadCurrent({ quiet: true });
    };
    window.addEventListener('focus', onFocus);
    document.addEventListener('visibilitychange', onFocus);
    return () => {
      window.removeEventListener('focus', onFocus);
      document.removeEventListener('visibilitychange', onFocus);
    };
  }, [loadCurrent]);

  // Connection-wide errors (too many frames…) while a chat is open.
  useEffect(() => {
    if (!live) return;
    const off = live.onError((frame) => {
      if (chatRef.current) setNotice(chatErrorText(frame.code, frame.message));
    });
    return () => void off();
  }, [live]);

  // No live connection for a while (a proxy that blocks WebSockets, say): read the chat
  // every few seconds instead, so it still works.
  const chatId = thread.chat?.id ?? null;
  const chatOpen = thread.chat !== null && thread.chat.status !== 'closed';
  const liveStatus = thread.status;
  useEffect(() => {
    if (!chatId || !chatOpen || liveStatus === 'open') return;
    let timer: ReturnType<typeof setInterval> | null = null;
    const start = setTimeout(() => {
      timer = setInterval(() => void loadChat(chatId).catch(() => undefined), 5000);
    }, 8000);
    return () => {
      clearTimeout(start);
      if (timer) clearInterval(timer);
    };
  }, [chatId, chatOpen, liveStatus, loadChat]);

  /** Starts a chat with its first message. Throws the server's ApiError. */
  const start = useCallback(
    async (message: string, attachmentIds: string[], headers: Record<string, string>) => {
      const res = await request<{ chat: Chat; message: ChatMessage }>('/chats', {
        method: 'POST',
        body: { message, attachmentIds },
        headers,
      });
      apply(res.chat, [res.message]);
      setAnnouncement('Your chat has started. Waiting for a technician.');
      return res.chat;
    },
    [request, apply],
  );

  /** Ends the chat (either state); the server turns it into a ticket. */
  const end = useCallback(async () => {
    const id = chatRef.current?.id;
    if (!id) return;
    const { chat } = await request<{ chat: Chat }>(`/chats/${encodeURIComponent(id)}/close`, { method: 'POST' });
    apply(chat);
  }, [request, apply]);

  /** After a closed chat: back to "start a chat" (the widget then asks for availability). */
  const { reset: resetThread } = thread;
  const reset = useCallback(() => {
    resetThread();
    setNotice(null);
  }, [resetThread]);

  return {
    thread,
    current,
    availability,
    liveStatus: live ? liveStatus : null,
    notice,
    setNotice,
    announcement,
    loadCurrent,
    checkAvailability,
    start,
    end,
    reset,
  };
}

export type ChatController = ReturnType<typeof useChat>;
