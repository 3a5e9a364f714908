/** The shell's live pieces: the availability switch, the waiting-chats badge, the new-chat notice and "Reconnecting…". */
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useLive } from './live.tsx';

/**
 * "Available for chat": role=switch, checked when online. The sidebar shows the label beside
 * it; the phone's top bar has room only for the state ("Online" / "Away").
 */
export function PresenceSwitch({ variant }: { variant: 'sidebar' | 'topbar' }) {
  const { presence, presenceBusy, setPresence, queueError } = useLive();
  const online = presence === 'online';
  const unknown = presence === null;
  const labelId = `presence-label-${variant}`;
  const state = unknown ? (queueError ? 'Unavailable' : '…') : online ? 'Online' : 'Away';
  return (
    <div className={`presence presence-${variant}${online ? ' is-online' : ''}`}>
      <button
        type="button"
        role="switch"
        className="presence-switch"
        aria-checked={online}
        {...(variant === 'sidebar' ? { 'aria-labelledby': labelId } : { 'aria-label': 'Available for chat' })}
        aria-disabled={unknown || presenceBusy ? true : undefined}
        title={variant === 'topbar' ? `Available for chat: ${state}` : undefined}
        onClick={() => {
          if (unknown || presenceBusy) return;
          void setPresence(online ? 'away' : 'online');
        }}
      >
        <span className="presence-track" aria-hidden="true">
          <span className="presence-thumb" />
        </span>
        {variant === 'sidebar' ? (
          <span className="presence-text">
            <span className="presence-label" id={labelId}>
              Available for chat
            </span>
            <span className="presence-state">{state}</span>
          </span>
        ) : (
          <span className="presence-state">{state}</span>
        )}
      </button>
    </div>
  );
}

/** The number of waiting chats beside a link; read as the link's description, not its name. */
export function WaitingBadge({ id }: { id: string }) {
  const { queue } = useLive();
  const n = queue?.waiting.length ?? 0;
  if (n === 0) return null;
  return (
    <span className="nav-badge" id={id} aria-hidden="true">
      {n}
      <span className="visually-hidden"> {n === 1 ? 'chat' : 'chats'} waiting</span>
    </span>
  );
}

export function useWaitingCount(): number {
  return useLive().queue?.waiting.length ?? 0;
}

/** "New chat from …" (while online), and why a change of availability failed. Polite, dismissable. */
export function LiveToasts() {
  const { notice, dismissNotice, presenceError } = useLive();
  const [hiddenError, setHiddenError] = useState<string | null>(null);
  useEffect(() => setHiddenError(null), [presenceError]);
  const showError = presenceError && presenceError !== hiddenError;
  return (
    <div className="toasts" role="status" aria-live="polite">
      {notice && (
        <div className="toast toast-chat" key={notice.at}>
          <svg className="toast-icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
            <path
              d="M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.2 3.6c-.5.4-1.3.1-1.3-.6V16A2.5 2.5 0 0 1 4 13.5z"
              fill="currentColor"
            />
          </svg>
          <span className="toast-text">
            <Link to="/chats" className="toast-link" onClick={dismissNotice}>
              New chat from {notice.chat.contact.name}
            </Link>
            <span className="toast-sub">
              {notice.chat.client.name}
              {notice.chat.firstMessage ? ` · “${excerpt(notice.chat.firstMessage, 80)}”` : ''}
            </span>
          </span>
          <button type="button" className="toast-close" aria-label="Dismiss" title="Dismiss" onClick={dismissNotice}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
      )}
      {showError && (
        <div className="toast toast-error">
          <span className="toast-text">Your availability did not change: {presenceError}</span>
          <button type="button" className="toast-close" aria-label="Dismiss" title="Dismiss" onClick={() => setHiddenError(presenceError)}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
      )}
    </div>
  );
}

/** A small "Reconnecting…" while the live connection is down (after a moment, so quick blips don't flash). */
export function ConnectionNotice() {
  const { client, status } = useLive();
  const down = client !== null && (status === 'offline' || status === 'connecting');
  const [show, setShow] = useState(false);
  useEffect(() => {
    if (!down) {
      setShow(false);
      return;
    }
    const t = window.setTimeout(() => setShow(true), status === 'offline' ? 800 : 2500);
    return () => window.clearTimeout(t);
  }, [down, status]);
  return (
    <div className="connection-slot" role="status">
      {show && (
        <span className="connection-notice">
          <span className="connection-dot" aria-hidden="true" />
          Reconnecting…
        </span>
      )}
    </div>
  );
}

export function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}
