import { useCallback, useEffect, useRef, useState } from 'react';
import { staffApi } from './http.ts';

let titleBase = 'Staff';
let titlePrefix = '';
const applyTitle = () => {
  document.title = titlePrefix + titleBase;
};

/** Sets `document.title` to "{page} · Staff" (after the waiting-chats count, if any). */
export function usePageTitle(page: string) {
  useEffect(() => {
    titleBase = `${page} · Staff`;
    applyTitle();
  }, [page]);
}

/** "(3) " before every page title while chats wait; nothing at 0. */
export function setTitleCount(count: number) {
  titlePrefix = count > 0 ? `(${count}) ` : '';
  applyTitle();
}

export type Loaded<T> = {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  /** Replaces the data with a newer copy (e.g. the ticket a mutation returned). */
  setData: (data: T) => void;
};

/**
 * GETs `path` (null: nothing) and re-fetches when it changes. The previous data stays
 * while the next loads, so lists don't flash; late answers to old paths are dropped.
 */
export function useLoad<T>(path: string | null): Loaded<T> {
  const [state, setState] = useState<{ path: string | null; data: T | undefined; error: unknown; loading: boolean }>({
    path,
    data: undefined,
    error: undefined,
    loading: path !== null,
  });
  const [tick, setTick] = useState(0);
  const latest = useRef(0);

  useEffect(() => {
    if (path === null) return;
    const id = ++latest.current;
    setState((s) => ({ ...s, loading: true }));
    staffApi<T>(path).then(
      (data) => id === latest.current && setState({ path, data, error: undefined, loading: false }),
      (error: unknown) => id === latest.current && setState((s) => ({ ...s, path, error, loading: false })),
    );
  }, [path, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  const setData = useCallback((data: T) => {
    latest.current++;
    setState((s) => ({ ...s, data, error: undefined, loading: false }));
  }, []);
  return { data: state.data, error: state.error, loading: state.loading, reload, setData };
}

let lastQueue = '/';
/** The queue remembers its filters so "back to tickets" returns to the same view. */
export function rememberQueue(url: string) {
  lastQueue = url;
}
export const lastQueueUrl = () => lastQueue;

/**
 * Asks before leaving with unsaved changes: closing or reloading the tab (beforeunload),
 * following a link in the app (clicks are checked before the router sees them), and the
 * Back/Forward buttons where the browser lets a page cancel them (Navigation API).
 */
export function useLeaveGuard(active: boolean, message: string) {
  useEffect(() => {
    if (!active) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    const onClick = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element | null)?.closest?.('a[href]');
      if (!(a instanceof HTMLAnchorElement)) return;
      if (a.target && a.target !== '_self') return;
      if (a.hasAttribute('download')) return;
      const to = new URL(a.href, window.location.href);
      if (to.href === window.location.href || (to.pathname === window.location.pathname && to.search === window.location.search && to.hash)) return;
      if (!window.confirm(message)) e.preventDefault();
    };
    type NavigateEvent = Event & { navigationType?: string };
    const navigation = (window as unknown as { navigation?: EventTarget }).navigation;
    const onNavigate = (e: Event) => {
      const ev = e as NavigateEvent;
      if (ev.navigationType === 'traverse' && ev.cancelable && !window.confirm(message)) ev.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    document.addEventListener('click', onClick, true);
    navigation?.addEventListener('navigate', onNavigate);
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      document.removeEventListener('click', onClick, true);
      navigation?.removeEventListener('navigate', onNavigate);
    };
  }, [active, message]);
}
