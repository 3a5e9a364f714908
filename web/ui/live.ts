/**
 * The browser's live connection (see contracts/live.ts): one WebSocket per app, reconnected
 * with backoff, subscriptions re-sent on every reconnect (chats with the last `seq` held,
 * so the server sends exactly what was missed), and chat messages kept in an outbox until
 * the server acknowledges them — re-sent with the same `clientId` after a reconnect.
 */
import { useCallback, useEffect, useRef, useSyncExternalStore } from 'react';
import { CLOSE, type ClientFrame, type ServerFrame, type Topic } from '../../contracts/live.ts';

export type LiveStatus = 'connecting' | 'open' | 'offline' | 'signed-out';

type Handler = (frame: ServerFrame) => void;
type Subscription = {
  topic: Topic;
  handler: Handler;
  after?: () => number | undefined;
  onResync?: () => void;
  subscribedOnce: boolean;
  /** A `subscribe` frame for this subscription is waiting for its `subscribed`. */
  awaiting: boolean;
};
type Pending = { frame: Extract<ClientFrame, { type: 'chat.send' }>; resolve: (r: { seq: number; id: string }) => void; reject: (e: Error) => void };

export class LiveError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/**
 * The topics a frame belongs to. A ticket change is sent once per connection, whichever of
 * `tickets` and `ticket:{number}` it is subscribed to: it goes to the subscribers of both.
 */
const topicsOf = (frame: ServerFrame): Topic[] => {
  switch (frame.type) {
    case 'subscribed':
      return [frame.topic];
    case 'error':
      return frame.topic ? [frame.topic] : [];
    case 'ticket.changed':
      return ['tickets', `ticket:${frame.number}`];
    case 'chat.message':
    case 'chat.ack':
    case 'chat.typing':
    case 'chat.receipt':
      return [`chat:${frame.chatId}`];
    case 'chat.updated':
      return [`chat:${frame.chat.id}`];
    case 'chats.changed':
      return ['chats'];
    case 'hello':
      return [];
  }
};

export const newClientId = () =>
  (globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`).replace(/[^A-Za-z0-9_-]/g, '');

export class LiveClient {
  #url: string;
  #ws: WebSocket | null = null;
  #subs = new Set<Subscription>();
  #pending = new Map<string, Pending>();
  #status: LiveStatus = 'connecting';
  #statusListeners = new Set<() => void>();
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;
  #errorListeners = new Set<(frame: Extract<ServerFrame, { type: 'error' }>) => void>();

  /** `path`: the app's live endpoint, e.g. `/portal/acme/api/live` or `/staff/api/live`. */
  constructor(path: string) {
    const { protocol, host } = window.location;
    this.#url = `${protocol === 'https:' ? 'wss' : 'ws'}://${host}${path}`;
    this.#connect();
    window.addEventListener('online', this.#reconnectNow);
    document.addEventListener('visibilitychange', this.#onVisible);
  }

  get status(): LiveStatus {
    return this.#status;
  }

  onStatus = (fn: () => void) => {
    this.#statusListeners.add(fn);
    return () => this.#statusListeners.delete(fn);
  };

  /**
   * Receives every frame for `topic` (and the topic's errors). `after` gives the last chat
   * `seq` held, asked at each (re)subscribe; `onResync` runs after a reconnect, when events
   * may have been missed (refetch what the page shows).
   */
  subscribe(topic: Topic, handler: Handler, options: { after?: () => number | undefined; onResync?: () => void } = {}): () => void {
    const sub: Subscription = { topic, handler, subscribedOnce: false, awaiting: false, ...options };
    this.#subs.add(sub);
    this.#sendSubscribe(sub);
    return () => {
      this.#subs.delete(sub);
      if (![...this.#subs].some((s) => s.topic === topic)) this.#send({ type: 'unsubscribe', topic });
    };
  }

  /** Errors that belong to no topic and no message (say `rate_limited` for the connection). */
  onError(fn: (frame: Extract<ServerFrame, { type: 'error' }>) => void): () => void {
    this.#errorListeners.add(fn);
    return () => this.#errorListeners.delete(fn);
  }

  /** Sends a chat message; resolves once stored (acknowledged). Survives reconnects. */
  sendChat(chatId: string, body: string, attachmentIds: string[] = [], clientId = newClientId()): Promise<{ seq: number; id: string }> {
    const frame = { type: 'chat.send' as const, chatId, clientId, body, attachmentIds };
    return new Promise((resolve, reject) => {
      this.#pending.set(clientId, { frame, resolve, reject });
      this.#send(frame);
    });
  }

  /**
   * Forgets a message not yet acknowledged, so it is not re-sent after a reconnect (its
   * promise rejects with `cancelled`). One already on the wire may still be stored.
   */
  cancelChat(clientId: string) {
    const p = this.#pending.get(clientId);
    if (!p) return;
    this.#pending.delete(clientId);
    p.reject(new LiveError('cancelled', 'The message was removed before it was sent.'));
  }

  typing(chatId: string) {
    this.#send({ type: 'chat.typing', chatId });
  }

  seen(chatId: string, marks: { delivered?: number; read?: number }) {
    this.#send({ type: 'chat.seen', chatId, ...marks });
  }

  close() {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    window.removeEventListener('online', this.#reconnectNow);
    document.removeEventListener('visibilitychange', this.#onVisible);
    const ws = this.#ws;
    this.#ws = null;
    if (ws?.readyState === WebSocket.CONNECTING) {
      // Closing before the handshake ends logs an error in the console: finish it, then close.
      ws.onmessage = null;
      ws.onclose = null;
      ws.onopen = () => ws.close(1000);
    } else {
      ws?.close(1000);
    }
    for (const p of this.#pending.values()) p.reject(new LiveError('closed', 'The connection was closed.'));
    this.#pending.clear();
  }

  #setStatus(status: LiveStatus) {
    if (this.#status === status) return;
    this.#status = status;
    for (const fn of this.#statusListeners) fn();
  }

  #send(frame: ClientFrame): boolean {
    if (this.#ws?.readyState !== WebSocket.OPEN) return false;
    this.#ws.send(JSON.stringify(frame));
    return true;
  }

  #sendSubscribe(sub: Subscription) {
    const after = sub.after?.();
    if (this.#send({ type: 'subscribe', topic: sub.topic, ...(after !== undefined ? { after } : {}) })) sub.awaiting = true;
  }

  #reconnectNow = () => {
    if (this.#stopped || this.#ws || this.#status === 'signed-out') return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#attempt = 0;
    this.#connect();
  };

  /** A tab coming back (phones suspend sockets of background tabs) reconnects at once. */
  #onVisible = () => {
    if (document.visibilityState === 'visible') this.#reconnectNow();
  };

  #connect() {
    this.#timer = null;
    this.#setStatus('connecting');
    const ws = new WebSocket(this.#url);
    this.#ws = ws;
    ws.onopen = () => {
      this.#attempt = 0;
      this.#setStatus('open');
      for (const sub of this.#subs) this.#sendSubscribe(sub);
      // After the subscriptions (so the server knows the chat), everything not yet acknowledged.
      for (const p of this.#pending.values()) this.#send(p.frame);
    };
    ws.onmessage = (e) => {
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(e.data)) as ServerFrame;
      } catch {
        return;
      }
      this.#dispatch(frame);
    };
    ws.onclose = (e) => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      if (this.#stopped) return;
      if (e.code === CLOSE.unauthenticated) {
        this.#setStatus('signed-out');
        return;
      }
      this.#setStatus('offline');
      for (const sub of this.#subs) sub.awaiting = false;
      // Closed for a newer tab of the same session: reconnecting at once would close the next
      // oldest tab, and so on around. Wait until this tab is looked at again (or a minute).
      const delay =
        e.code === CLOSE.tooManyConnections
          ? 60_000
          : Math.min(10_000, 500 * 2 ** this.#attempt++) * (0.75 + Math.random() / 2);
      this.#timer = setTimeout(() => this.#connect(), delay);
    };
  }

  #dispatch(frame: ServerFrame) {
    if (frame.type === 'chat.ack') {
      const p = this.#pending.get(frame.clientId);
      if (p) {
        this.#pending.delete(frame.clientId);
        p.resolve({ seq: frame.seq, id: frame.id });
      }
    }
    if (frame.type === 'error' && frame.clientId) {
      const p = this.#pending.get(frame.clientId);
      if (p) {
        this.#pending.delete(frame.clientId);
        p.reject(new LiveError(frame.code, frame.message));
      }
    }
    const topics = topicsOf(frame);
    if (!topics.length) {
      if (frame.type === 'error' && !frame.clientId) for (const fn of this.#errorListeners) fn(frame);
      return;
    }
    for (const sub of [...this.#subs]) {
      if (!topics.includes(sub.topic)) continue;
      // Only the subscriptions that asked: another subscriber of the same topic joining
      // later must not make the earlier ones refetch.
      if (frame.type === 'subscribed' && sub.awaiting) {
        sub.awaiting = false;
        if (sub.subscribedOnce) sub.onResync?.();
        sub.subscribedOnce = true;
      }
      sub.handler(frame);
    }
  }
}

/** The connection's state, for a small "reconnecting…" hint. */
export function useLiveStatus(client: LiveClient | null): LiveStatus {
  const subscribe = useCallback(
    (fn: () => void) => {
      if (!client) return () => {};
      const off = client.onStatus(fn);
      return () => void off();
    },
    [client],
  );
  return useSyncExternalStore(subscribe, () => client?.status ?? 'offline');
}

/**
 * Subscribes while mounted. `handler` may change between renders without resubscribing;
 * `onResync` runs after a reconnect.
 */
export function useLiveTopic(
  client: LiveClient | null,
  topic: Topic | null,
  handler: Handler,
  options: { after?: () => number; onResync?: () => void } = {},
) {
  const latest = useRef({ handler, ...options });
  latest.current = { handler, ...options };
  useEffect(() => {
    if (!client || !topic) return;
    return client.subscribe(topic, (f) => latest.current.handler(f), {
      // Only chat topics take `after`; a ticket topic is subscribed without it.
      after: () => latest.current.after?.(),
      onResync: () => latest.current.onResync?.(),
    });
  }, [client, topic]);
}
