/**
 * Focus management on navigation: when the page changes, focus moves to the new page's
 * <h1> (a screen reader then announces where the user landed). A request is a counter so
 * that a heading rendered later (after its data loads) still picks it up, exactly once.
 */
import { useEffect, type RefObject } from 'react';

let requested = 0;
let consumed = 0;

export function requestHeadingFocus() {
  requested += 1;
}

export function useHeadingFocus(ref: RefObject<HTMLElement | null>) {
  useEffect(() => {
    if (consumed === requested || !ref.current) return;
    consumed = requested;
    ref.current.focus({ preventScroll: true });
  });
}
