/**
 * "Insert article link" in the reply composer: search the published knowledge base
 * (internal articles included, marked), pick one, and "Title: portal address" goes in at the
 * cursor. An internal article in a public reply asks first: the customer cannot open it.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { StaffKbHit } from '../../../../contracts/kb.ts';
import { errorMessage, staffApi } from '../../http.ts';
import { Snippet, VisibilityBadge, useDebounced } from '../kb/shared.tsx';

export function KbLinkButton({
  publicReply,
  disabled,
  onOpen,
  onInsert,
}: {
  /** The composer is on "Public reply" (not an internal note). */
  publicReply: boolean;
  disabled: boolean;
  /** Called as the dialog opens (the composer remembers where the cursor was). */
  onOpen: () => void;
  /** Inserts the text at the remembered cursor and puts focus back in the text. */
  onInsert: (text: string, hit: StaffKbHit) => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);

  const show = () => {
    onOpen();
    setOpen(true);
  };
  useEffect(() => {
    const d = dialog.current;
    if (!open || !d || d.open) return;
    d.showModal();
    // showModal() focuses the first control (the close button): start in the search box instead.
    d.querySelector<HTMLInputElement>('#kb-link-q')?.focus();
  }, [open]);

  return (
    <>
      <button type="button" className="btn btn-attach kb-link-button" disabled={disabled} onClick={show} aria-haspopup="dialog">
        <svg aria-hidden="true" className="kb-link-icon" viewBox="0 0 16 16" width="15" height="15" fill="none" stroke="currentColor" strokeWidth="1.7" strokeLinecap="round">
          <path d="M6.5 9.5a3 3 0 0 0 4.2 0l2.1-2.1a3 3 0 0 0-4.2-4.2l-.9.9" />
          <path d="M9.5 6.5a3 3 0 0 0-4.2 0L3.2 8.6a3 3 0 0 0 4.2 4.2l.9-.9" />
        </svg>
        Insert article link
      </button>
      {open && (
        <dialog
          ref={dialog}
          className="kb-link-dialog"
          aria-labelledby="kb-link-title"
          onClose={() => setOpen(false)}
          onClick={(e) => {
            // A click on the backdrop (the dialog element itself, outside its box) closes it.
            if (e.target === e.currentTarget) {
              const r = e.currentTarget.getBoundingClientRect();
              const inside = e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom;
              if (!inside) e.currentTarget.close();
            }
          }}
        >
          <KbLinkSearch
            publicReply={publicReply}
            close={() => dialog.current?.close()}
            choose={(hit) => {
              dialog.current?.close();
              onInsert(`${hit.title}: ${hit.portalUrl}`, hit);
            }}
          />
        </dialog>
      )}
    </>
  );
}

function KbLinkSearch({ publicReply, close, choose }: { publicReply: boolean; close: () => void; choose: (hit: StaffKbHit) => void }) {
  const [q, setQ] = useState('');
  const settled = useDebounced(q.trim(), 250);
  const [result, setResult] = useState<{ q: string; items: StaffKbHit[] } | null>(null);
  const [error, setError] = useState('');
  const [confirming, setConfirming] = useState<StaffKbHit | null>(null);
  const seq = useRef(0);
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const id = ++seq.current;
    // The server finds nothing without words: no request for an empty box.
    if (!settled) {
      setResult({ q: '', items: [] });
      setError('');
      return;
    }
    staffApi<{ items: StaffKbHit[] }>(`/kb/search?${new URLSearchParams({ q: settled }).toString()}`).then(
      (r) => {
        if (id !== seq.current) return;
        setResult({ q: settled, items: r.items });
        setError('');
      },
      (err: unknown) => {
        if (id === seq.current) setError(errorMessage(err));
      },
    );
  }, [settled]);

  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);

  const pick = (hit: StaffKbHit) => {
    if (publicReply && hit.visibility === 'internal') setConfirming(hit);
    else choose(hit);
  };

  const items = result?.items ?? [];
  const searching = result === null || result.q !== q.trim();
  const buttons = () => [...(list.current?.querySelectorAll<HTMLButtonElement>('.kb-hit') ?? [])];

  const onInputKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      buttons()[0]?.focus();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const first = items[0];
      if (first && !searching) pick(first);
    }
  };
  const onListKey = (e: KeyboardEvent<HTMLUListElement>) => {
    const all = buttons();
    const i = all.indexOf(document.activeElement as HTMLButtonElement);
    if (i < 0) return;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      all[Math.min(i + 1, all.length - 1)]?.focus();
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      if (i === 0) input.current?.focus();
      else all[i - 1]?.focus();
    } else if (e.key === 'Home') {
      e.preventDefault();
      all[0]?.focus();
    } else if (e.key === 'End') {
      e.preventDefault();
      all[all.length - 1]?.focus();
    }
  };

  if (confirming) {
    return (
      <div className="kb-link-body">
        <div className="kb-link-head">
          <h2 id="kb-link-title" className="section-title">
            Link an internal article?
          </h2>
        </div>
        <div className="kb-internal-warning" role="alert">
          <p>
            <strong>“{confirming.title}” is internal.</strong> Only staff can open it: the customer will get a link that does not
            work for them.
          </p>
          <p className="small">Insert it anyway, or switch to an internal note to share it with your team.</p>
        </div>
        <div className="kb-link-actions">
          <button type="button" className="btn" onClick={() => setConfirming(null)}>
            Choose another article
          </button>
          <button ref={confirmButton} type="button" className="btn btn-danger-solid" onClick={() => choose(confirming)}>
            Insert anyway
          </button>
        </div>
      </div>
    );
  }

  return (
    <div className="kb-link-body">
      <div className="kb-link-head">
        <h2 id="kb-link-title" className="section-title">
          Insert article link
        </h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={close}>
          <span aria-hidden="true">×</span>
        </button>
      </div>
      <div className="kb-link-search">
        <label htmlFor="kb-link-q" className="visually-hidden">
          Search published articles
        </label>
        <input
          id="kb-link-q"
          ref={input}
          type="search"
          autoComplete="off"
          placeholder="Search published articles"
          value={q}
          aria-controls="kb-link-results"
          aria-describedby="kb-link-count"
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={onInputKey}
        />
      </div>
      <p className="kb-link-count muted small" id="kb-link-count" role="status">
        {error
          ? ''
          : !q.trim()
            ? 'Type a few words to find published articles, internal ones included.'
            : searching
              ? 'Searching…'
              : items.length === 0
                ? `No published article matches “${q.trim()}”.`
                : `${items.length === 10 ? 'Top 10' : items.length} article${items.length === 1 ? '' : 's'}`}
        {!error && items.length > 0 && !searching && <span className="kb-keys"> · ↓ to move, Enter to insert</span>}
      </p>
      {error && (
        <p className="prop-error" role="alert">
          {error}
        </p>
      )}
      <ul className={`kb-hits${searching ? ' is-loading' : ''}`} id="kb-link-results" ref={list} onKeyDown={onListKey} aria-label="Articles">
        {items.map((hit) => (
          <li key={hit.id}>
            <button
              type="button"
              className={`kb-hit${hit.visibility === 'internal' ? ' kb-hit-internal' : ''}`}
              onClick={() => pick(hit)}
              aria-describedby={`kb-hit-${hit.id}-meta`}
            >
              <span className="kb-hit-title">{hit.title}</span>
              <span className="kb-hit-meta" id={`kb-hit-${hit.id}-meta`}>
                {hit.visibility !== 'public' && hit.visibility !== 'contacts' && <VisibilityBadge visibility={hit.visibility} />}
                {hit.visibility === 'internal' && <span className="visually-hidden">: customers cannot open it.</span>}
                <span className="muted">{hit.categoryName}</span>
              </span>
              {hit.snippet.length > 0 && (
                <span className="kb-hit-snippet">
                  <Snippet parts={hit.snippet} />
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
      {publicReply && items.some((h) => h.visibility === 'internal') && (
        <p className="muted small kb-link-foot">
          <span aria-hidden="true">■ </span>Internal articles open for staff only; the customer can’t read them.
        </p>
      )}
    </div>
  );
}
