/**
 * The branding editor's live preview: the draft is sent to `POST /branding/previews` (400 ms
 * after the last change) and the page it answers with is shown in a frame, at a desktop or
 * a phone width, scaled down to fit.
 */
import { useEffect, useRef, useState } from 'react';
import { ApiError, errorMessage, staffApi } from '../../http.ts';
import { useDebounced } from '../kb/shared.tsx';
import type { CssProblem } from './BrandFields.tsx';

/** A level's unsaved values as the preview (and saving) take them: null inherits, absent keeps the saved value. */
export type BrandDraftBody = {
  portalName: string | null;
  primaryColor?: string | null;
  accentColor?: string | null;
  customCss: string | null;
};

export type CssCheck = { problems: CssProblem[] | null; css: string };

/** The problems of a `branding_css_invalid` answer (details.problems), or null for any other error. */
export function cssProblemsOf(err: unknown): CssProblem[] | null {
  if (!(err instanceof ApiError) || !err.is('branding_css_invalid')) return null;
  const raw = (err.details as { problems?: unknown }).problems;
  if (!Array.isArray(raw)) return [{ line: 1, column: 1, message: err.message }];
  return raw
    .filter((p): p is CssProblem => !!p && typeof p === 'object' && typeof (p as CssProblem).message === 'string')
    .map((p) => ({ line: Number(p.line) || 1, column: Number(p.column) || 1, message: p.message }));
}

type PreviewState = { url: string | null; error: string; inFlight: boolean };

/**
 * Keeps a preview of `body` for the level (`clientId`); `refresh` changes when something
 * saved changes (an image), so the preview is made again. `onCssCheck` hears what the server
 * thought of the CSS each time: problems (shown under the field) or none.
 */
export function usePortalPreview(clientId: string | null, body: BrandDraftBody, refresh: string, onCssCheck: (c: CssCheck) => void) {
  const key = JSON.stringify({ clientId, body, refresh });
  const settled = useDebounced(key, 400);
  const [state, setState] = useState<PreviewState>({ url: null, error: '', inFlight: true });
  const [loadedUrl, setLoadedUrl] = useState<string | null>(null);
  const seq = useRef(0);
  const report = useRef(onCssCheck);
  report.current = onCssCheck;

  useEffect(() => {
    const { clientId: level, body: sent } = JSON.parse(settled) as { clientId: string | null; body: BrandDraftBody };
    const id = ++seq.current;
    const create = (b: Partial<BrandDraftBody>) =>
      staffApi<{ id: string; url: string }>('/branding/previews', { method: 'POST', body: { clientId: level, ...b } });
    setState((s) => ({ ...s, inFlight: true }));
    void (async () => {
      try {
        const made = await create(sent);
        if (id !== seq.current) return;
        setState({ url: made.url, error: '', inFlight: false });
        report.current({ problems: null, css: sent.customCss ?? '' });
      } catch (err) {
        if (id !== seq.current) return;
        const problems = cssProblemsOf(err);
        if (!problems) {
          setState((s) => ({ ...s, error: errorMessage(err), inFlight: false }));
          return;
        }
        report.current({ problems, css: sent.customCss ?? '' });
        // The rest of the draft is still worth seeing: preview it with the saved CSS.
        const { customCss: _refused, ...rest } = sent;
        try {
          const made = await create(rest);
          if (id === seq.current) setState({ url: made.url, error: '', inFlight: false });
        } catch (again) {
          if (id === seq.current) setState((s) => ({ ...s, error: errorMessage(again), inFlight: false }));
        }
      }
    })();
  }, [settled]);

  const busy = key !== settled || state.inFlight || (state.url !== null && loadedUrl !== state.url);
  return { url: state.url, error: state.error, busy, onLoad: (url: string) => setLoadedUrl(url) };
}

export type Device = 'desktop' | 'phone';
const SIZES: Record<Device, { width: number; height: number }> = {
  desktop: { width: 1120, height: 640 },
  phone: { width: 390, height: 720 },
};

/** Follows an element's width (the preview scales to its column). */
function useWidth() {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver((entries) => setWidth(entries[0]?.contentRect.width ?? 0));
    observer.observe(el);
    setWidth(el.getBoundingClientRect().width);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}

export function PreviewPane({
  preview,
  device,
  onDevice,
  dirty,
  cssRefused,
}: {
  preview: ReturnType<typeof usePortalPreview>;
  device: Device;
  onDevice: (d: Device) => void;
  dirty: boolean;
  /** The draft's CSS was refused: the frame shows the saved CSS. */
  cssRefused: boolean;
}) {
  const { ref, width } = useWidth();
  const size = SIZES[device];
  // The phone keeps a little room around it; the desktop page fills the column.
  const room = device === 'phone' ? 24 : 2;
  const scale = width ? Math.min(1, (width - room) / size.width) : 0;
  const { url, error, busy } = preview;

  const settledText = error
    ? `The preview could not be updated: ${error}`
    : cssRefused
      ? 'Preview leaves out the new custom CSS until its problems are fixed.'
      : dirty
        ? 'Preview shows your unsaved changes.'
        : 'Preview shows the saved branding.';

  return (
    <section className="card brand-preview" aria-labelledby="brand-preview-title">
      <div className="brand-preview-head">
        <h2 className="section-title" id="brand-preview-title">
          Preview
        </h2>
        <div className="segmented" role="group" aria-label="Preview width">
          {(['desktop', 'phone'] as const).map((d) => (
            <button key={d} type="button" className="segmented-option" aria-pressed={device === d} onClick={() => onDevice(d)}>
              {d === 'desktop' ? 'Desktop' : 'Phone'}
            </button>
          ))}
        </div>
      </div>
      <p className={`brand-preview-status small${error ? ' error-text' : ''}`}>
        <span role="status">{busy ? '' : settledText}</span>
        {busy && (
          <span className="muted" aria-hidden="true">
            <span className="brand-spinner" /> Updating preview…
          </span>
        )}
      </p>
      <div ref={ref} className={`brand-frame-box brand-frame-${device}`} style={{ height: scale ? size.height * scale + (device === 'phone' ? 20 : 2) : undefined }}>
        {url && scale > 0 && (
          <div className="brand-frame-device" style={{ width: size.width * scale + room - 2, height: size.height * scale + (device === 'phone' ? 18 : 0) }}>
            {/* The page runs no script and the frame allows none (nor forms, pop-ups or
                navigating the app). allow-same-origin only lets it load its own stylesheets
                and images: in an opaque origin the server's same-origin resource policy
                (and the session cookie) would keep them out. */}
            <iframe
              title="Portal preview"
              sandbox="allow-same-origin"
              src={url}
              width={size.width}
              height={size.height}
              className={busy ? 'is-stale' : undefined}
              style={{ transform: `scale(${scale})` }}
              onLoad={() => preview.onLoad(url)}
            />
          </div>
        )}
      </div>
      <p className="brand-preview-foot small muted">
        {device === 'desktop' ? `A ${SIZES.desktop.width}-pixel-wide window, scaled to fit.` : `A phone ${SIZES.phone.width} pixels wide.`}{' '}
        Sample tickets; nothing here is real.{' '}
        {url && (
          <a href={url} target="_blank" rel="noopener">
            Open full size<span className="visually-hidden"> (opens in a new tab)</span>
            <span aria-hidden="true"> ↗</span>
          </a>
        )}
      </p>
    </section>
  );
}
