/**
 * The branding editor's fields: a colour (picker and hex kept in sync, reset to inherited,
 * contrast), a brand image (logo or favicon: drop or pick, current image, remove) and the
 * custom CSS with its problems (each one moves the caret to its line and column).
 */
import { useId, useRef, type RefObject } from 'react';
import { HEX_COLOR, type ContrastWarning } from '../../../../contracts/branding-colors.ts';
import type { BrandImage } from '../../../../contracts/branding.ts';
import { formatBytes } from '../../../../contracts/attachments.ts';
import { useFileDrop } from '../../../ui/useFileDrop.ts';

/** "#1F5FBF", "1f5fbf" and "#15b" become "#1f5fbf" / "#1155bb"; anything else stays as typed (trimmed). */
export function normaliseHex(text: string): string {
  const t = text.trim().toLowerCase();
  const m = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/.exec(t);
  if (!m) return text.trim();
  const hex = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join('') : m[1]!;
  return `#${hex}`;
}

/** The colour typed, as `#rrggbb`, or null when it is not one. */
export function validHex(text: string): string | null {
  const n = normaliseHex(text);
  return HEX_COLOR.test(n) ? n : null;
}

export function ColorField({
  id,
  label,
  use,
  value,
  inherited,
  inheritedFrom,
  warnings,
  error,
  inputRef,
  onChange,
}: {
  id: string;
  label: string;
  /** Where the colour is used, for the hint. */
  use: string;
  /** As typed; '' inherits. */
  value: string;
  /** The colour used when this level sets none. */
  inherited: string;
  /** "the workspace" or "the default". */
  inheritedFrom: string;
  warnings: ContrastWarning[];
  error: string | undefined;
  inputRef: RefObject<HTMLInputElement | null>;
  onChange: (v: string) => void;
}) {
  const shown = validHex(value) ?? inherited;
  const own = value.trim() !== '';
  const describedBy = [`${id}-hint`, warnings.length ? `${id}-contrast` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className="field brand-color">
      <label htmlFor={id}>{label}</label>
      <div className="brand-color-row">
        <input
          type="color"
          className="brand-color-picker"
          aria-label={`${label}: colour picker`}
          value={shown}
          onChange={(e) => onChange(e.target.value)}
        />
        <input
          id={id}
          ref={inputRef}
          className="mono brand-color-text"
          value={value}
          placeholder={inherited}
          maxLength={7}
          autoComplete="off"
          spellCheck={false}
          autoCapitalize="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onChange={(e) => onChange(e.target.value)}
          onBlur={() => {
            const tidy = normaliseHex(value);
            if (tidy !== value) onChange(tidy);
          }}
        />
        {own && (
          <button type="button" className="link-button brand-reset" onClick={() => onChange('')}>
            Reset to inherited<span className="visually-hidden"> {label.toLowerCase()}</span>
          </button>
        )}
      </div>
      <span className="hint" id={`${id}-hint`}>
        {use}{' '}
        {own ? (
          <>
            Empty inherits <span className="mono">{inherited}</span> from {inheritedFrom}.
          </>
        ) : (
          <>
            Inherits <span className="mono">{inherited}</span> from {inheritedFrom}.
          </>
        )}
      </span>
      {error && (
        <span className="error" id={`${id}-error`}>
          <span aria-hidden="true">⚠ </span>
          {error}
        </span>
      )}
      <div aria-live="polite" className="brand-contrast-slot">
        {warnings.length > 0 && (
          <ul className="brand-contrast" id={`${id}-contrast`}>
            {warnings.map((w) => (
              <li key={w.pair} className="inline-warning">
                <span className="brand-ratio" aria-hidden="true">
                  {w.ratio}:1
                </span>
                <span>{w.message}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

/** What the server accepts, for the picker and the hint (server: check-image.ts). */
const IMAGE_RULES = {
  logo: {
    accept: 'image/png,image/jpeg,image/gif,image/webp,image/svg+xml,.svg',
    types: 'PNG, JPEG, GIF, WebP or SVG',
    maxBytes: 1024 * 1024,
    use: 'Beside the portal name in the header, at most 40 pixels high.',
  },
  favicon: {
    accept: 'image/png,image/x-icon,image/vnd.microsoft.icon,.ico,image/svg+xml,.svg,image/gif,image/webp',
    types: 'PNG, ICO, SVG, GIF or WebP',
    maxBytes: 256 * 1024,
    use: 'The icon in the browser tab: square, at least 32 × 32 pixels.',
  },
} as const;

export type ImageKind = keyof typeof IMAGE_RULES;

/** Says so before sending a file the server would refuse for its size alone. */
export function tooLargeText(kind: ImageKind, file: File): string | null {
  const max = IMAGE_RULES[kind].maxBytes;
  return file.size > max ? `“${file.name}” is ${formatBytes(file.size)}; the ${kind} can be at most ${formatBytes(max)}. Make it smaller and upload it again.` : null;
}

export type ImageState = { busy: 'upload' | 'remove' | null; error: string; done: string };

export function ImageField({
  kind,
  label,
  own,
  inherited,
  inheritedFrom,
  state,
  onFile,
  onRemove,
}: {
  kind: ImageKind;
  label: string;
  own: BrandImage | null;
  /** The image shown when this level has none (the workspace's, on a client's level). */
  inherited: BrandImage | null;
  inheritedFrom: string;
  state: ImageState;
  onFile: (file: File) => void;
  onRemove: () => void;
}) {
  const rules = IMAGE_RULES[kind];
  const uid = useId();
  const inputId = `brand-${kind}-file`;
  const busy = state.busy !== null;
  const { dragging, dropProps } = useFileDrop((files) => files[0] && onFile(files[0]), busy);
  const shown = own ?? inherited;
  return (
    <div
      className={`brand-image${dragging ? ' is-dragging' : ''}${busy ? ' is-busy' : ''}`}
      role="group"
      aria-labelledby={`${uid}-label`}
      aria-describedby={`${uid}-hint`}
      {...dropProps}
    >
      <div className={`brand-image-frame brand-image-${kind}${shown ? '' : ' is-empty'}${!own && inherited ? ' is-inherited' : ''}`}>
        {shown ? (
          <img src={shown.url} alt={own ? `Current ${label.toLowerCase()}` : `${label} inherited from ${inheritedFrom}`} />
        ) : (
          <span className="brand-image-none" aria-hidden="true">
            None
          </span>
        )}
      </div>
      <div className="brand-image-body">
        <span className="field-label" id={`${uid}-label`}>
          {label}
        </span>
        <p className="brand-image-state small">
          {own ? (
            <>
              {own.contentType.replace('image/', '').replace('svg+xml', 'SVG').replace('x-icon', 'ICO').toUpperCase()}, {formatBytes(own.bytes)}
            </>
          ) : inherited ? (
            <span className="muted">Uses the {label.toLowerCase()} of {inheritedFrom}.</span>
          ) : (
            <span className="muted">{kind === 'logo' ? 'None: the header shows the portal name only.' : 'None: the portal shows the name’s first letter on the primary colour.'}</span>
          )}
        </p>
        <div className="brand-image-actions">
          <span className="file-picker">
            <input
              id={inputId}
              type="file"
              accept={rules.accept}
              className="visually-hidden"
              disabled={busy}
              aria-describedby={`${uid}-hint`}
              onChange={(e) => {
                const file = e.target.files?.[0];
                e.target.value = ''; // the same file again still counts
                if (file) onFile(file);
              }}
            />
            <label htmlFor={inputId} className={`btn btn-small btn-attach${busy ? ' is-disabled' : ''}`}>
              {state.busy === 'upload' ? 'Uploading…' : own ? `Replace ${label.toLowerCase()}` : `Upload ${label.toLowerCase()}`}
            </label>
          </span>
          {own && (
            <button type="button" className="btn btn-small btn-danger" aria-disabled={busy || undefined} onClick={() => !busy && onRemove()}>
              {state.busy === 'remove' ? 'Removing…' : 'Remove'}
              <span className="visually-hidden"> {label.toLowerCase()}</span>
            </button>
          )}
        </div>
        <p className="hint small" id={`${uid}-hint`}>
          {rules.use} {rules.types}, up to {formatBytes(rules.maxBytes)}; drop it here or upload it.
        </p>
        <div role="status" className="brand-image-status small">
          {state.done && !state.error && (
            <span className="brand-done">
              <span aria-hidden="true">✓ </span>
              {state.done}
            </span>
          )}
        </div>
        {state.error && (
          <p className="prop-error" role="alert">
            {state.error}
          </p>
        )}
      </div>
      {dragging && (
        <div className="brand-drop-hint" aria-hidden="true">
          Drop to upload the {label.toLowerCase()}
        </div>
      )}
    </div>
  );
}

export type CssProblem = { line: number; column: number; message: string };

/** The character offset of a 1-based line and column in `text`. */
export function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', offset);
    if (next === -1) return text.length;
    offset = next + 1;
  }
  const end = text.indexOf('\n', offset);
  return Math.min(offset + Math.max(0, column - 1), end === -1 ? text.length : end);
}

export function CssField({
  value,
  onChange,
  problems,
  problemsFor,
  inherits,
  error,
  maxChars,
  textareaRef,
  problemsRef,
}: {
  value: string;
  onChange: (v: string) => void;
  /** From the last check (a preview or a save); null: none known. */
  problems: CssProblem[] | null;
  /** The text the problems were found in: when it has changed since, they may be out of date. */
  problemsFor: string;
  /** What applies when this is empty. */
  inherits: string;
  error: string | undefined;
  maxChars: number;
  textareaRef: RefObject<HTMLTextAreaElement | null>;
  problemsRef: RefObject<HTMLUListElement | null>;
}) {
  const goTo = (p: CssProblem) => {
    const ta = textareaRef.current;
    if (!ta) return;
    const at = offsetOf(ta.value, p.line, p.column);
    ta.focus();
    ta.setSelectionRange(at, at);
    // Bring the line into view: setting the caret does not scroll a textarea by itself.
    const lineHeight = Number.parseFloat(getComputedStyle(ta).lineHeight) || 20;
    ta.scrollTop = Math.max(0, (p.line - 3) * lineHeight);
  };
  const near = value.length > maxChars * 0.8;
  const over = value.length > maxChars;
  const stale = problems !== null && problemsFor !== value;
  const count = problems?.length ?? 0;
  const describedBy = ['brand-css-hint', count ? 'brand-css-problems-title' : '', error ? 'brand-css-error' : '', near ? 'brand-css-count' : '']
    .filter(Boolean)
    .join(' ');

  return (
    <div className="field brand-css">
      <label htmlFor="brand-css">Custom CSS</label>
      <textarea
        id="brand-css"
        ref={textareaRef}
        className="brand-css-input"
        value={value}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        wrap="off"
        aria-invalid={count > 0 || !!error || over ? true : undefined}
        aria-describedby={describedBy}
        placeholder={'.site-header {\n  border-top-width: 6px;\n}'}
        onChange={(e) => onChange(e.target.value)}
      />
      <span className="hint" id="brand-css-hint">
        {inherits} Applied to every portal page except those where people set passwords and two-step verification. Styles only:
        no <code>@import</code>, scripts or files from other sites.
      </span>
      {near && (
        <span className={`small ${over ? 'error-text' : 'muted'}`} id="brand-css-count">
          {value.length.toLocaleString('en')} of {maxChars.toLocaleString('en')} characters
        </span>
      )}
      {error && (
        <span className="error" id="brand-css-error">
          <span aria-hidden="true">⚠ </span>
          {error}
        </span>
      )}
      <div aria-live="polite" className="brand-css-problems-slot">
        {count > 0 && (
          <div className={`brand-css-problems${stale ? ' is-stale' : ''}`}>
            <p className="brand-css-problems-title" id="brand-css-problems-title">
              <span aria-hidden="true">⚠ </span>
              {count === 1 ? 'This CSS cannot be used:' : `This CSS cannot be used (${count} problems):`}
              {stale && <span className="muted"> checking your changes…</span>}
            </p>
            <ul ref={problemsRef} className="brand-css-problem-list">
              {problems!.map((p, i) => (
                <li key={`${p.line}:${p.column}:${i}`}>
                  <button type="button" className="brand-css-problem" onClick={() => goTo(p)}>
                    <span className="mono brand-css-at">
                      Line {p.line}, column {p.column}
                    </span>
                    <span className="brand-css-message">{p.message}</span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </div>
  );
}
