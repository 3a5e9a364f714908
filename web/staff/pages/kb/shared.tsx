/**
 * Knowledge base (staff): labels, the section's tabs and small pieces the pages share.
 * contracts/kb.ts builds zod schemas at load, so the browser imports only its types; plain
 * values come from contracts/constants.ts.
 */
import { useEffect, useState } from 'react';
import { NavLink } from 'react-router';
import type { KbLanguage, KbStatus, KbVisibility, SnippetPart } from '../../../../contracts/kb.ts';

export { KB_LANGUAGES, KB_MARKDOWN_MAX, KB_VISIBILITIES } from '../../../../contracts/constants.ts';

export const visibilityLabel: Record<KbVisibility, string> = {
  public: 'Public',
  contacts: 'Signed-in contacts',
  clients: 'Chosen clients',
  internal: 'Internal',
};

export const visibilityHint: Record<KbVisibility, string> = {
  public: 'Anyone who opens the portal, signed in or not.',
  contacts: 'Contacts of any client, once signed in to the portal.',
  clients: 'Signed-in contacts of the clients you choose.',
  internal: 'Staff only. Never shown in the portal.',
};

const visibilityMark: Record<KbVisibility, string> = { public: '◯', contacts: '◐', clients: '◑', internal: '■' };

export function VisibilityBadge({ visibility }: { visibility: KbVisibility }) {
  return (
    <span className={`badge kb-vis kb-vis-${visibility}`}>
      <span aria-hidden="true" className="badge-mark">
        {visibilityMark[visibility]}
      </span>
      {visibilityLabel[visibility]}
    </span>
  );
}

export const kbStatusLabel: Record<KbStatus, string> = { draft: 'Draft', published: 'Published' };

export function KbStatusBadge({ status }: { status: KbStatus }) {
  return (
    <span className={`badge kb-status-${status}`}>
      <span aria-hidden="true" className="badge-mark">
        {status === 'published' ? '●' : '○'}
      </span>
      {kbStatusLabel[status]}
    </span>
  );
}

export const languageLabel = (l: KbLanguage): string =>
  l === 'simple' ? 'No language (simple: exact words, no stemming)' : l.charAt(0).toUpperCase() + l.slice(1);

/** A search snippet: the hit words in <mark>, everything as text. */
export function Snippet({ parts }: { parts: SnippetPart[] }) {
  return (
    <>
      {parts.map((p, i) => (p.hit ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
    </>
  );
}

/** Articles · Categories · Statistics, above each list page of the section. */
export function KbTabs() {
  return (
    <nav aria-label="Knowledge base" className="filter-tabs kb-tabs">
      <NavLink to="/kb" end className="view-tab">
        Articles
      </NavLink>
      <NavLink to="/kb/categories" className="view-tab">
        Categories
      </NavLink>
      <NavLink to="/kb/stats" className="view-tab">
        Statistics
      </NavLink>
    </nav>
  );
}

/** `value` once it has stayed the same for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(t);
  }, [value, ms]);
  return settled;
}

/** Whether a CSS media query matches, following changes (window resized, phone rotated). */
export function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const onChange = () => setMatches(list.matches);
    onChange();
    list.addEventListener('change', onChange);
    return () => list.removeEventListener('change', onChange);
  }, [query]);
  return matches;
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
