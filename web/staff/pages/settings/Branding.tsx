/**
 * Settings → Branding (`/settings/branding`, `?client=<id>` for one client): the portal's
 * name, colours, logo, favicon and custom CSS for the workspace default or one client, with
 * a live preview of the unsaved changes and contrast checks as the colours change.
 * Name, colours and CSS are saved together (Save / Discard); an image is saved as soon as it
 * is uploaded or removed.
 */
import { useEffect, useRef, useState, type FormEvent, type MutableRefObject } from 'react';
import { Link, useSearchParams } from 'react-router';
import {
  CUSTOM_CSS_MAX_CHARS,
  DEFAULT_BRANDING,
  PORTAL_NAME_MAX,
  contrastRatio,
  contrastText,
  contrastWarnings,
} from '../../../../contracts/branding-colors.ts';
import type { BrandingLevel, BrandingValues } from '../../../../contracts/branding.ts';
import { ErrorAlert, Field, Loading, PageHeading, isForbidden, isNotFound } from '../../components.tsx';
import { useClients } from '../../directory.ts';
import { useLeaveGuard, useLoad, usePageTitle } from '../../hooks.ts';
import { ApiError, errorMessage, signedOut, staffApi } from '../../http.ts';
import { useSession } from '../../session.tsx';
import { errorFromResponse, getCsrfToken } from '../../../ui/api.ts';
import { useDebounced } from '../kb/shared.tsx';
import { ColorField, CssField, ImageField, tooLargeText, validHex, type ImageKind, type ImageState } from './BrandFields.tsx';
import { PreviewPane, cssProblemsOf, usePortalPreview, type BrandDraftBody, type CssCheck, type Device } from './BrandPreview.tsx';
import { SettingsTabs, clientParam } from './SettingsTabs.tsx';

const LEAVE_MESSAGE = 'The branding has unsaved changes. Leave without saving them?';

type Draft = { portalName: string; primaryColor: string; accentColor: string; customCss: string };
type Errors = Partial<Record<keyof Draft | 'form', string>>;

const toDraft = (v: BrandingValues): Draft => ({
  portalName: v.portalName ?? '',
  primaryColor: v.primaryColor ?? '',
  accentColor: v.accentColor ?? '',
  customCss: v.customCss ?? '',
});

/** The draft as the API takes it: empty inherits (null); a colour that is not one yet is left out. */
function bodyOf(d: Draft): BrandDraftBody {
  const color = (text: string) => (text.trim() === '' ? null : (validHex(text) ?? undefined));
  const body: BrandDraftBody = { portalName: d.portalName.trim() || null, customCss: d.customCss.trim() ? d.customCss : null };
  const primary = color(d.primaryColor);
  const accent = color(d.accentColor);
  if (primary !== undefined) body.primaryColor = primary;
  if (accent !== undefined) body.accentColor = accent;
  return body;
}

function isDirty(d: Draft, v: BrandingValues): boolean {
  const s = toDraft(v);
  const sameColor = (a: string, b: string) => (validHex(a) ?? a.trim()) === b;
  return (
    d.portalName.trim() !== s.portalName ||
    !sameColor(d.primaryColor, s.primaryColor) ||
    !sameColor(d.accentColor, s.accentColor) ||
    (d.customCss.trim() ? d.customCss : '') !== s.customCss
  );
}

const levelPath = (clientId: string | null) => (clientId ? `/clients/${clientId}/branding` : '/branding');

/** PUTs one image as multipart (field `file`), as `web/ui/uploads.ts` sends files. */
async function putImage(path: string, file: File): Promise<BrandingLevel> {
  const body = new FormData();
  body.append('file', file, file.name);
  const headers: Record<string, string> = { accept: 'application/json' };
  const csrf = getCsrfToken();
  if (csrf) headers['x-csrf-token'] = csrf;
  let res: Response;
  try {
    res = await fetch(`/staff/api${path}`, { method: 'PUT', headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network_error', 'The upload did not reach the server. Check your connection and try again.');
  }
  const data: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const err = errorFromResponse(res.status, data);
    if (err.status === 401 && err.code === 'unauthenticated') signedOut();
    throw err;
  }
  return data as BrandingLevel;
}

export function BrandingPage() {
  usePageTitle('Settings – Branding');
  const { staff } = useSession();
  const isAdmin = staff.role === 'admin';
  const [params, setParams] = useSearchParams();
  const clientId = clientParam(params);
  const level = useLoad<BrandingLevel>(isAdmin ? levelPath(clientId) : null);
  const clients = useClients();
  const dirty = useRef(false);
  // useLoad keeps the previous level while the next loads: edit only the one asked for.
  const data = level.data;
  const current = data && (data.scope.type === 'client' ? data.scope.clientId === clientId : clientId === null) ? data : undefined;
  const missing = clientId !== null && isNotFound(level.error);

  const choose = (id: string) => {
    if (id === (clientId ?? '')) return;
    if (dirty.current && !window.confirm(LEAVE_MESSAGE)) return;
    dirty.current = false;
    setParams(id ? { client: id } : {});
  };

  return (
    <div className="page page-wide brand-page">
      <div className="page-head">
        <PageHeading>Settings</PageHeading>
      </div>
      {isAdmin && <SettingsTabs />}
      {!isAdmin || isForbidden(level.error) ? (
        <div className="alert alert-info">Only admins can change the portal’s branding. Ask an admin of your workspace.</div>
      ) : (
        <>
          <p className="page-intro muted brand-intro">
            How the customer portal looks: for all clients, or for one client whose contacts should see their own name and colours.
          </p>
          <div className="card brand-level">
            <Field
              id="brand-level"
              label="Branding for"
              hint={
                clientId
                  ? 'This client’s contacts see it once signed in. Anything left empty uses the workspace default.'
                  : 'Every client’s contacts see it, unless their client has its own branding. The sign-in page always shows it.'
              }
            >
              {(aria) => (
                <select {...aria} value={clientId ?? ''} onChange={(e) => choose(e.target.value)}>
                  <option value="">All clients (workspace default)</option>
                  <optgroup label="One client">
                    {clients?.map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.name}
                      </option>
                    ))}
                    {clientId && current?.scope.type === 'client' && !clients?.some((c) => c.id === clientId) && (
                      <option value={clientId}>{current.scope.clientName}</option>
                    )}
                  </optgroup>
                </select>
              )}
            </Field>
            {current?.scope.type === 'client' && (
              <Link to={`/clients/${current.scope.clientId}`} className="brand-client-link small">
                {current.scope.clientName}’s client page
              </Link>
            )}
          </div>
          {missing ? (
            <div className="alert alert-error" role="alert">
              That client is not in your workspace any more. Choose another one above, or{' '}
              <button type="button" className="link-button" onClick={() => choose('')}>
                edit the workspace default
              </button>
              .
            </div>
          ) : current ? (
            <BrandingEditor key={clientId ?? 'workspace'} initial={current} clientId={clientId} dirtyRef={dirty} />
          ) : level.error ? (
            <>
              <ErrorAlert error={level.error} />
              <button type="button" className="btn" onClick={level.reload}>
                Try again
              </button>
            </>
          ) : (
            <Loading what="branding" />
          )}
        </>
      )}
    </div>
  );
}

const IDLE: ImageState = { busy: null, error: '', done: '' };

function BrandingEditor({ initial, clientId, dirtyRef }: { initial: BrandingLevel; clientId: string | null; dirtyRef: MutableRefObject<boolean> }) {
  const [saved, setSaved] = useState(initial);
  const [draft, setDraft] = useState<Draft>(() => toDraft(initial.values));
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState('');
  const [cssCheck, setCssCheck] = useState<CssCheck>({ problems: null, css: '' });
  const [images, setImages] = useState<Record<ImageKind, ImageState>>({ logo: IDLE, favicon: IDLE });
  // Phones start with the phone width: a scaled-down desktop page is too small to read there.
  const [device, setDevice] = useState<Device>(() => (window.matchMedia('(max-width: 700px)').matches ? 'phone' : 'desktop'));
  const refs = {
    portalName: useRef<HTMLInputElement>(null),
    primaryColor: useRef<HTMLInputElement>(null),
    accentColor: useRef<HTMLInputElement>(null),
    customCss: useRef<HTMLTextAreaElement>(null),
  };
  const problemsRef = useRef<HTMLUListElement>(null);
  const noticeRef = useRef<HTMLParagraphElement>(null);
  const formErrorRef = useRef<HTMLParagraphElement>(null);

  const dirty = isDirty(draft, saved.values);
  useEffect(() => {
    dirtyRef.current = dirty;
  }, [dirty]);
  useLeaveGuard(dirty && !busy, LEAVE_MESSAGE);

  const forClient = saved.scope.type === 'client' ? saved.scope.clientName : null;
  const from = forClient ? 'the workspace default' : 'the built-in default';
  const inheritedPrimary = saved.inherited.primaryColor ?? DEFAULT_BRANDING.primaryColor;
  const inheritedAccent = saved.inherited.accentColor ?? DEFAULT_BRANDING.accentColor;
  const primary = validHex(draft.primaryColor) ?? inheritedPrimary;
  const accent = validHex(draft.accentColor) ?? inheritedAccent;
  // Warnings follow the colours once they settle, so a dragged picker does not chatter.
  const settledColors = useDebounced(`${primary} ${accent}`, 250);
  const [warnPrimary, warnAccent] = settledColors.split(' ') as [string, string];
  const warnings = contrastWarnings(warnPrimary, warnAccent);

  const body = bodyOf(draft);
  const preview = usePortalPreview(clientId, body, `${saved.values.logo?.url ?? ''} ${saved.values.favicon?.url ?? ''}`, setCssCheck);
  const cssRefused = cssCheck.problems !== null && cssCheck.css === (body.customCss ?? '');

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setDraft((d) => ({ ...d, [k]: v }));
    setNotice('');
    if (errors[k] || errors.form) setErrors((e) => ({ ...e, [k]: undefined, form: undefined }));
  };

  function localProblems(): Errors {
    const found: Errors = {};
    if (draft.portalName.trim().length > PORTAL_NAME_MAX) found.portalName = `Use at most ${PORTAL_NAME_MAX} characters`;
    if (draft.primaryColor.trim() && !validHex(draft.primaryColor)) found.primaryColor = 'Use a colour like #1f5fbf (# and six hex digits), or leave it empty to inherit';
    if (draft.accentColor.trim() && !validHex(draft.accentColor)) found.accentColor = 'Use a colour like #0f766e (# and six hex digits), or leave it empty to inherit';
    if (draft.customCss.length > CUSTOM_CSS_MAX_CHARS) found.customCss = `The CSS is too long: at most ${CUSTOM_CSS_MAX_CHARS.toLocaleString('en')} characters`;
    return found;
  }

  const focusFirst = (e: Errors) => {
    const first = (['portalName', 'primaryColor', 'accentColor', 'customCss'] as const).find((k) => e[k]);
    if (first) refs[first].current?.focus();
    else if (e.form) formErrorRef.current?.focus();
  };

  async function save(e?: FormEvent) {
    e?.preventDefault();
    if (busy) return;
    const local = localProblems();
    if (Object.keys(local).length) {
      setErrors(local);
      focusFirst(local);
      return;
    }
    const sent = bodyOf(draft);
    setBusy(true);
    setErrors({});
    setNotice('');
    try {
      const next = await staffApi<BrandingLevel>(levelPath(clientId), {
        method: 'PATCH',
        body: { portalName: sent.portalName, primaryColor: sent.primaryColor ?? null, accentColor: sent.accentColor ?? null, customCss: sent.customCss },
      });
      setSaved(next);
      setDraft(toDraft(next.values));
      setCssCheck({ problems: null, css: next.values.customCss ?? '' });
      setImages({ logo: IDLE, favicon: IDLE }); // "…not saved yet" is no longer true
      setNotice(
        forClient
          ? `Saved. ${forClient}’s contacts see the new branding the next time they open or reload a portal page.`
          : 'Saved. Every client without branding of its own sees it the next time a portal page opens or reloads.',
      );
      requestAnimationFrame(() => noticeRef.current?.focus());
    } catch (err) {
      const problems = cssProblemsOf(err);
      if (problems) {
        setCssCheck({ problems, css: sent.customCss ?? '' });
        setErrors({
          form: `Not saved: the custom CSS has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}. Fix ${problems.length === 1 ? 'it' : 'them'} (listed under the CSS) and save again.`,
        });
        requestAnimationFrame(() => problemsRef.current?.querySelector('button')?.focus());
        return;
      }
      const found: Errors = {};
      if (err instanceof ApiError) {
        for (const f of err.fields) {
          const key = f.field.split('.')[0];
          if (key === 'portalName' || key === 'primaryColor' || key === 'accentColor' || key === 'customCss') found[key] ??= f.message;
        }
      }
      if (!Object.keys(found).length) found.form = `Not saved: ${errorMessage(err)}`;
      setErrors(found);
      requestAnimationFrame(() => focusFirst(found));
    } finally {
      setBusy(false);
    }
  }

  function discard() {
    if (!dirty || busy) return;
    if (!window.confirm('Discard your unsaved changes to the name, colours and CSS?')) return;
    setDraft(toDraft(saved.values));
    setErrors({});
    setNotice('');
  }

  const setImage = (kind: ImageKind, s: ImageState) => setImages((all) => ({ ...all, [kind]: s }));
  const imageLabel = (kind: ImageKind) => (kind === 'logo' ? 'Logo' : 'Favicon');

  async function upload(kind: ImageKind, file: File) {
    if (images[kind].busy) return;
    const tooLarge = tooLargeText(kind, file);
    if (tooLarge) {
      setImage(kind, { ...IDLE, error: tooLarge });
      return;
    }
    setImage(kind, { ...IDLE, busy: 'upload' });
    try {
      setSaved(await putImage(`${levelPath(clientId)}/${kind}`, file));
      setImage(kind, { ...IDLE, done: `${imageLabel(kind)} saved: the portal shows it now.${dirty ? ' Your other changes are not saved yet.' : ''}` });
    } catch (err) {
      setImage(kind, { ...IDLE, error: `“${file.name}” was not uploaded. ${errorMessage(err)}` });
    }
  }

  async function remove(kind: ImageKind) {
    if (images[kind].busy) return;
    const label = imageLabel(kind).toLowerCase();
    const instead = saved.inherited[kind] ? `the workspace default’s ${label}` : kind === 'logo' ? 'the name only' : 'the browser’s default icon';
    if (!window.confirm(`Remove the ${label}? The portal shows ${instead} from now on.`)) return;
    setImage(kind, { ...IDLE, busy: 'remove' });
    try {
      setSaved(await staffApi<BrandingLevel>(`${levelPath(clientId)}/${kind}`, { method: 'DELETE' }));
      setImage(kind, { ...IDLE, done: `${imageLabel(kind)} removed.` });
    } catch (err) {
      setImage(kind, { ...IDLE, error: `Not removed. ${errorMessage(err)}` });
    }
  }

  return (
    <form className="brand-editor" onSubmit={(e) => void save(e)} noValidate aria-label={forClient ? `Branding for ${forClient}` : 'Workspace branding'}>
      <div className="brand-layout">
        <div className="brand-fields">
          <section className="card form-card brand-section" aria-labelledby="brand-name-title">
            <h2 className="section-title" id="brand-name-title">
              Name
            </h2>
            <Field
              id="brand-name"
              label="Portal name"
              error={errors.portalName}
              hint={
                draft.portalName.trim()
                  ? `Shown in the portal’s header and browser tab. Empty inherits “${saved.inherited.portalName}”${forClient ? ' from the workspace default' : ', the workspace name'}.`
                  : `Inherits “${saved.inherited.portalName}”${forClient ? ' from the workspace default' : ', the workspace name'}. Shown in the portal’s header and browser tab.`
              }
            >
              {(aria) => (
                <input
                  {...aria}
                  ref={refs.portalName}
                  value={draft.portalName}
                  placeholder={saved.inherited.portalName ?? ''}
                  maxLength={PORTAL_NAME_MAX}
                  autoComplete="off"
                  onChange={(e) => set('portalName', e.target.value)}
                />
              )}
            </Field>
          </section>

          <fieldset className="card form-card brand-section brand-colors">
            <legend className="section-title">Colours</legend>
            <div className="brand-color-grid">
              <ColorField
                id="brand-primary"
                label="Primary colour"
                use="Buttons, links and the line above the header."
                value={draft.primaryColor}
                inherited={inheritedPrimary}
                inheritedFrom={from}
                warnings={warnings.filter((w) => w.pair !== 'accent')}
                error={errors.primaryColor}
                inputRef={refs.primaryColor}
                onChange={(v) => set('primaryColor', v)}
              />
              <ColorField
                id="brand-accent"
                label="Accent colour"
                use="Staff names and tags on messages."
                value={draft.accentColor}
                inherited={inheritedAccent}
                inheritedFrom={from}
                warnings={warnings.filter((w) => w.pair === 'accent')}
                error={errors.accentColor}
                inputRef={refs.accentColor}
                onChange={(v) => set('accentColor', v)}
              />
            </div>
            <div className="brand-samples" aria-hidden="true">
              <span className="brand-sample-btn" style={{ background: primary, color: contrastText(primary) }}>
                New ticket
              </span>
              <span className="brand-sample-link" style={{ color: primary }}>
                A link
              </span>
              <span className="brand-sample-tag" style={{ color: accent, borderColor: accent }}>
                Support team
              </span>
            </div>
            <p className="brand-ratios small muted">
              Contrast: button text {contrastRatio(primary, contrastText(primary))}:1, links {contrastRatio(primary, '#ffffff')}:1, accent{' '}
              {contrastRatio(accent, '#ffffff')}:1. WCAG AA asks for 4.5:1; a lower ratio is allowed, but harder to read.
            </p>
          </fieldset>

          <section className="card form-card brand-section" aria-labelledby="brand-images-title">
            <h2 className="section-title" id="brand-images-title">
              Logo and favicon
            </h2>
            <p className="muted small brand-section-intro">Saved as soon as you upload or remove one; Save is not needed.</p>
            {(['logo', 'favicon'] as const).map((kind) => (
              <ImageField
                key={kind}
                kind={kind}
                label={imageLabel(kind)}
                own={saved.values[kind]}
                inherited={saved.inherited[kind]}
                inheritedFrom={from}
                state={images[kind]}
                onFile={(f) => void upload(kind, f)}
                onRemove={() => void remove(kind)}
              />
            ))}
          </section>

          <section className="card form-card brand-section" aria-labelledby="brand-css-title">
            <h2 className="section-title" id="brand-css-title">
              Custom CSS <span className="muted brand-optional">(optional)</span>
            </h2>
            <CssField
              value={draft.customCss}
              onChange={(v) => set('customCss', v)}
              problems={cssCheck.problems}
              problemsFor={cssCheck.css}
              inherits={
                forClient
                  ? saved.inherited.customCss
                    ? 'Replaces the workspace default’s custom CSS for this client; empty uses the workspace’s.'
                    : 'Only for this client’s contacts.'
                  : 'For every client without custom CSS of its own.'
              }
              error={errors.customCss}
              maxChars={CUSTOM_CSS_MAX_CHARS}
              textareaRef={refs.customCss}
              problemsRef={problemsRef}
            />
          </section>
        </div>

        <div className="brand-preview-col">
          <PreviewPane preview={preview} device={device} onDevice={setDevice} dirty={dirty} cssRefused={cssRefused} />
        </div>
      </div>

      <div className="kb-editor-bar brand-bar" role="group" aria-label="Save branding">
        <div className="brand-save-state">
          {errors.form ? (
            <p className="error-text brand-save-error" role="alert" tabIndex={-1} ref={formErrorRef}>
              <span aria-hidden="true">⚠ </span>
              {errors.form}
            </p>
          ) : (
            <p role="status" tabIndex={-1} ref={noticeRef} className="brand-save-status">
              {busy ? (
                'Saving…'
              ) : notice ? (
                <span className="kb-saved">
                  <span aria-hidden="true">✓ </span>
                  {notice}
                </span>
              ) : dirty ? (
                <span className="kb-unsaved">
                  <span aria-hidden="true">● </span>Unsaved changes: the portal shows them once you save.
                </span>
              ) : (
                <span className="muted">No unsaved changes.</span>
              )}
            </p>
          )}
        </div>
        {/* aria-disabled, not disabled: a disabled button would drop keyboard focus. */}
        <div className="kb-bar-actions">
          <button type="button" className="btn" aria-disabled={!dirty || busy || undefined} onClick={discard}>
            Discard
          </button>
          <button type="submit" className="btn btn-primary" aria-disabled={busy || undefined}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </div>
    </form>
  );
}

