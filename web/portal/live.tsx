/**
 * The portal's live connection: one `LiveClient` per signed-in session, shared through a
 * context. It is opened when a contact is signed in and closed when the session ends; the
 * server closing it as "signed out" (4401) hands over to the app's session-ended handling.
 */
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { LiveClient, useLiveStatus } from '../ui/live.ts';

const LiveContext = createContext<LiveClient | null>(null);

export function LiveProvider({
  base,
  sessionKey,
  onSignedOut,
  children,
}: {
  base: string;
  /** Changes whenever the signed-in session does (null: nobody signed in, no connection). */
  sessionKey: string | null;
  /** The server closed the connection because the session is over (or no longer valid). */
  onSignedOut: () => void;
  children: ReactNode;
}) {
  const [client, setClient] = useState<LiveClient | null>(null);
  const latest = useRef(onSignedOut);
  latest.current = onSignedOut;

  useEffect(() => {
    if (!sessionKey) return;
    const live = new LiveClient(`${base}/api/live`);
    setClient(live);
    const off = live.onStatus(() => {
      if (live.status === 'signed-out') latest.current();
    });
    return () => {
      off();
      live.close();
      setClient((c) => (c === live ? null : c));
    };
  }, [base, sessionKey]);

  return <LiveContext.Provider value={sessionKey ? client : null}>{children}</LiveContext.Provider>;
}

/** The session's live connection; null while signed out (or before it is created). */
export function useLive(): LiveClient | null {
  return useContext(LiveContext);
}

/**
 * "Reconnecting…": shown once the connection has been down for a moment (never for the
 * first connect, nor for a blink of a reconnect).
 */
export function ReconnectingIndicator() {
  const live = useLive();
  const status = useLiveStatus(live);
  const down = live !== null && (status === 'offline' || status === 'connecting');
  const [everOpen, setEverOpen] = useState(false);
  const [show, setShow] = useState(false);

  useEffect(() => {
    if (status === 'open') setEverOpen(true);
  }, [status]);
  useEffect(() => setEverOpen(false), [live]);

  useEffect(() => {
    // Down from the start (the network, the server): say so too, after a little longer.
    if (!down) return setShow(false);
    const t = setTimeout(() => setShow(true), everOpen ? 1500 : 6000);
    return () => clearTimeout(t);
  }, [down, everOpen]);

  return (
    <div className="live-indicator-slot" role="status">
      {show && (
        <span className="live-indicator">
          <span className="live-indicator-dot" aria-hidden="true" />
          Reconnecting…
        </span>
      )}
    </div>
  );
}
