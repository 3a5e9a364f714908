/**
 * Knowledge base → an article: `/kb/new` and `/kb/:id`. Title, category, who may read it,
 * Markdown with a live preview (rendered and sanitised by the server), draft / publish,
 * and the article's numbers. Leaving with unsaved changes asks first.
 */
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent, type RefObject } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import type { KbCategory, KbVisibility, StaffKbArticle } from '../../../../contracts/kb.ts';
import type { ClientSummary } from '../../../../contracts/directory.ts';
import { ErrorAlert, Field, Loading, PageHeading, TimeAgo, isNotFound } from '../../components.tsx';
import { useClients } from '../../directory.ts';
import { useLeaveGuard, useLoad, usePageTitle } from '../../hooks.ts';
import { ApiError, errorMessage, staffApi } from '../../http.ts';
import { uploadFile } from '../../../ui/uploads.ts';
import {
  KB_MARKDOWN_MAX,
  KB_VISIBILITIES,
  KbStatusBadge,
  plural,
  useDebounced,
  useMediaQuery,
  visibilityHint,
  visibilityLabel,
} from './shared.tsx';

type Draft = { title: string; categoryId: string; visibility: KbVisibility; clientIds: string[]; markdown: string };
type Errors = Partial<Record<'title' | 'categoryId' | 'visibility' | 'clientIds' | 'markdown' | 'form', string>>;

const LEAVE_MESSAGE = 'This article has unsaved changes. Leave without saving them?';

const fromArticle = (a: StaffKbArticle): Draft => ({
  title: a.title,
  categoryId: a.categoryId,
  visibility: a.visibility,
  clientIds: [...a.clientIds],
  markdown: a.markdown,
});

const sameSet = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

function isDirty(d: Draft, saved: StaffKbArticle | null): boolean {
  if (!saved) return d.title.trim() !== '' || d.markdown.trim() !== '' || (d.visibility === 'clients' && d.clientIds.length > 0);
  return (
    d.title.trim() !== saved.title ||
    d.categoryId !== saved.categoryId ||
    d.visibility !== saved.visibility ||
    d.markdown !== saved.markdown ||
    (d.visibility === 'clients' && !sameSet(d.clientIds, saved.clientIds))
  );
}

/** The route: keeps the same editor (and its focus and scroll) when a new article gets its address. */
export function KbEditorRoute() {
  const { id } = useParams();
  const location = useLocation();
  const created = useRef<{ id: string; key: string } | null>(null);
  const key = id ? (created.current?.id === id ? created.current.key : id) : `new:${location.key}`;
  return (
    <KbEditor
      key={key}
      id={id ?? null}
      onCreated={(newId) => {
        created.current = { id: newId, key };
      }}
    />
  );
}

function KbEditor({ id, onCreated }: { id: string | null; onCreated: (id: string) => void }) {
  const location = useLocation();
  const navigate = useNavigate();
  const [articleId] = useState(id);
  // A brand-new article does not load; one created here keeps the copy the server returned.
  const loaded = useLoad<StaffKbArticle>(articleId ? `/kb/articles/${articleId}` : null);
  const categories = useLoad<{ items: KbCategory[] }>('/kb/categories');

  if (articleId && !loaded.data) {
    const title = isNotFound(loaded.error) ? 'Article not found' : 'Article';
    return (
      <div className="page kb-page">
        <Link to="/kb" className="back-link">
          <span aria-hidden="true">← </span>Knowledge base
        </Link>
        <TitledHeading title={title} />
        {isNotFound(loaded.error) ? (
          <p>There is no such article in your workspace. It may have been deleted.</p>
        ) : loaded.error ? (
          <>
            <ErrorAlert error={loaded.error} />
            <button type="button" className="btn" onClick={loaded.reload}>
              Try again
            </button>
          </>
        ) : (
          <Loading what="article" />
        )}
      </div>
    );
  }
  const suggested = (location.state as { title?: unknown } | null)?.title;
  return (
    <EditorForm
      initial={loaded.data ?? null}
      suggestedTitle={typeof suggested === 'string' ? suggested : ''}
      categories={categories.data?.items}
      categoriesError={categories.error}
      reloadCategories={categories.reload}
      onCreated={(a) => {
        onCreated(a.id);
        navigate(`/kb/${a.id}`, { replace: true });
      }}
    />
  );
}

function TitledHeading({ title }: { title: string }) {
  usePageTitle(title);
  return <PageHeading>{title}</PageHeading>;
}

function EditorForm({
  initial,
  suggestedTitle,
  categories,
  categoriesError,
  reloadCategories,
  onCreated,
}: {
  initial: StaffKbArticle | null;
  suggestedTitle: string;
  categories: KbCategory[] | undefined;
  categoriesError: unknown;
  reloadCategories: () => void;
  onCreated: (a: StaffKbArticle) => void;
}) {
  const location = useLocation();
  const [saved, setSaved] = useState<StaffKbArticle | null>(initial);
  const [draft, setDraft] = useState<Draft>(() =>
    initial ? fromArticle(initial) : { title: suggestedTitle, categoryId: '', visibility: 'contacts', clientIds: [], markdown: '' },
  );
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState<'save' | 'publish' | 'unpublish' | null>(null);
  const [notice, setNotice] = useState('');
  const navigate = useNavigate();

  async function onDelete() {
    if (!saved || busy) return;
    if (!window.confirm(`Delete “${saved.title}”? Its address, votes and images go with it. This cannot be undone.`)) return;
    try {
      await staffApi(`/kb/articles/${saved.id}`, { method: 'DELETE' });
      navigate('/kb', { state: { notice: `Deleted “${saved.title}”.` } });
    } catch (err) {
      setErrors({ form: errorMessage(err) });
    }
  }
  const dirty = isDirty(draft, saved);
  const sorted = categories ? [...categories].sort((a, b) => a.position - b.position || a.name.localeCompare(b.name)) : undefined;

  usePageTitle(saved ? saved.title || 'Untitled article' : 'New article');

  // One category: it is the only choice, so take it.
  useEffect(() => {
    if (!saved && !draft.categoryId && sorted?.length === 1) setDraft((d) => ({ ...d, categoryId: sorted[0]!.id }));
  }, [sorted?.length]);

  useLeaveGuard(dirty && busy === null, LEAVE_MESSAGE);

  // After a new article gets its address the shell moves focus to the heading: give it back.
  const restoreFocus = useRef<HTMLElement | null>(null);
  useEffect(() => {
    const el = restoreFocus.current;
    if (!el) return;
    restoreFocus.current = null;
    window.requestAnimationFrame(() => el.focus());
  }, [location.pathname]);

  const refs = {
    title: useRef<HTMLInputElement>(null),
    categoryId: useRef<HTMLSelectElement>(null),
    visibility: useRef<HTMLInputElement>(null),
    clientIds: useRef<HTMLInputElement>(null),
    markdown: useRef<HTMLTextAreaElement>(null),
  };
  const focusFirst = (e: Errors) => {
    const first = (['title', 'categoryId', 'visibility', 'clientIds', 'markdown'] as const).find((k) => e[k]);
    if (first) refs[first].current?.focus();
  };

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setDraft((d) => ({ ...d, [k]: v }));
    setNotice('');
    if (errors[k] || errors.form) setErrors((e) => ({ ...e, [k]: undefined, form: undefined }));
  };

  function localProblems(): Errors {
    const found: Errors = {};
    if (!draft.title.trim()) found.title = 'Enter a title';
    else if (draft.title.trim().length > 200) found.title = 'Keep the title under 200 characters';
    if (!draft.categoryId) found.categoryId = 'Choose a category';
    if (draft.visibility === 'clients' && draft.clientIds.length === 0) found.clientIds = 'Choose at least one client';
    if (draft.markdown.length > KB_MARKDOWN_MAX) found.markdown = `The article is too long: at most ${KB_MARKDOWN_MAX.toLocaleString()} characters`;
    return found;
  }

  /** Saves (creates or updates); the saved article, or null when it could not be saved. */
  async function save(): Promise<StaffKbArticle | null> {
    const local = localProblems();
    if (Object.keys(local).length) {
      setErrors(local);
      focusFirst(local);
      return null;
    }
    const body = {
      title: draft.title.trim(),
      categoryId: draft.categoryId,
      markdown: draft.markdown,
      visibility: draft.visibility,
      clientIds: draft.visibility === 'clients' ? draft.clientIds : [],
    };
    setErrors({});
    try {
      const a = saved
        ? await staffApi<StaffKbArticle>(`/kb/articles/${saved.id}`, { method: 'PATCH', body: { ...body, expectedUpdatedAt: saved.updatedAt } })
        : await staffApi<StaffKbArticle>('/kb/articles', { method: 'POST', body });
      setSaved(a);
      // Keep what was typed meanwhile; take the server's copy of what was sent.
      setDraft((d) => (d.markdown === body.markdown && d.title.trim() === body.title ? { ...fromArticle(a), clientIds: a.clientIds.length ? a.clientIds : d.clientIds } : d));
      if (!saved) {
        restoreFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
        onCreated(a);
      }
      return a;
    } catch (err) {
      const found = serverErrors(err);
      setErrors(found);
      focusFirst(found);
      // The category may have been deleted meanwhile: offer the current list.
      if (found.categoryId) reloadCategories();
      return null;
    }
  }

  async function onSave(e?: FormEvent) {
    e?.preventDefault();
    if (busy) return;
    setBusy('save');
    const wasPublished = saved?.status === 'published';
    const a = await save();
    setBusy(null);
    if (a) setNotice(wasPublished ? 'Changes saved. They are live in the portal.' : 'Draft saved.');
  }

  async function setPublished(publish: boolean) {
    if (busy) return;
    setBusy(publish ? 'publish' : 'unpublish');
    setNotice('');
    try {
      let a = saved;
      if (!a || dirty) a = await save();
      if (!a) return;
      const next = await staffApi<StaffKbArticle>(`/kb/articles/${a.id}/${publish ? 'publish' : 'unpublish'}`, { method: 'POST' });
      setSaved(next);
      setNotice(
        publish
          ? next.visibility === 'internal'
            ? 'Published for staff. Internal articles never appear in the portal.'
            : 'Published. The article is in the portal now.'
          : 'Unpublished. The article is a draft again and no longer in the portal.',
      );
    } catch (err) {
      const found = serverErrors(err);
      setErrors(found);
      focusFirst(found);
    } finally {
      setBusy(null);
    }
  }

  const published = saved?.status === 'published';
  const titleText = saved ? saved.title || 'Untitled article' : 'New article';
  const noCategories = sorted !== undefined && sorted.length === 0;

  return (
    <div className="page page-wide kb-page kb-editor-page">
      <Link to="/kb" className="back-link">
        <span aria-hidden="true">← </span>Knowledge base
      </Link>
      <div className="page-head kb-editor-head">
        <div className="kb-editor-title">
          <PageHeading className="ticket-title">{titleText}</PageHeading>
          <p className="ticket-meta">
            {saved ? <KbStatusBadge status={saved.status} /> : <span className="badge kb-status-new">Not saved yet</span>}
            {saved && (
              <span>
                Updated <TimeAgo iso={saved.updatedAt} />
              </span>
            )}
            {saved?.publishedAt && published && (
              <span>
                Published <TimeAgo iso={saved.publishedAt} />
              </span>
            )}
            {published && saved.visibility !== 'internal' && (
              <a href={saved.portalUrl} target="_blank" rel="noopener" className="kb-portal-link">
                View in portal<span className="visually-hidden"> (opens in a new tab)</span>
                <span aria-hidden="true"> ↗</span>
              </a>
            )}
          </p>
        </div>
        {saved && <ArticleStats article={saved} />}
      </div>

      {noCategories && (
        <div className="alert alert-info">
          Every article belongs to a category, and there are none yet. <Link to="/kb/categories">Add a category</Link> first.
        </div>
      )}
      <ErrorAlert error={categoriesError && !sorted ? `The categories could not be loaded: ${errorMessage(categoriesError)}` : null} />

      <form className="kb-editor" onSubmit={(e) => void onSave(e)} noValidate aria-label="Article">
        <ErrorAlert error={errors.form} />
        <div className="card kb-editor-fields">
          <div className="kb-fields-row">
            <Field id="kb-title" label="Title" error={errors.title}>
              {(aria) => (
                <input
                  {...aria}
                  ref={refs.title}
                  className="kb-title-input"
                  value={draft.title}
                  maxLength={200}
                  autoComplete="off"
                  onChange={(e) => set('title', e.target.value)}
                />
              )}
            </Field>
            <Field id="kb-category" label="Category" error={errors.categoryId}>
              {(aria) => (
                <select {...aria} ref={refs.categoryId} value={draft.categoryId} onChange={(e) => set('categoryId', e.target.value)}>
                  <option value="">{sorted ? 'Choose a category…' : 'Loading…'}</option>
                  {sorted?.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                  {saved && draft.categoryId === saved.categoryId && sorted && !sorted.some((c) => c.id === saved.categoryId) && (
                    <option value={saved.categoryId}>{saved.categoryName}</option>
                  )}
                </select>
              )}
            </Field>
          </div>
          <VisibilityPicker
            value={draft.visibility}
            onChange={(v) => set('visibility', v)}
            error={errors.visibility}
            inputRef={refs.visibility}
          />
          {draft.visibility === 'clients' && (
            <ClientPicker value={draft.clientIds} onChange={(ids) => set('clientIds', ids)} error={errors.clientIds} inputRef={refs.clientIds} />
          )}
        </div>

        <MarkdownEditor
          value={draft.markdown}
          onChange={(v) => set('markdown', v)}
          error={errors.markdown}
          textareaRef={refs.markdown}
          savedHtml={saved ? { markdown: saved.markdown, html: saved.html } : null}
          onSaveShortcut={() => void onSave()}
        />

        <div className="kb-editor-bar" role="group" aria-label="Save and publish">
          <p className="kb-save-state" role="status">
            {busy === 'save' ? (
              'Saving…'
            ) : busy ? (
              busy === 'publish' ? (
                'Publishing…'
              ) : (
                'Unpublishing…'
              )
            ) : notice ? (
              <span className="kb-saved">
                <span aria-hidden="true">✓ </span>
                {notice}
              </span>
            ) : dirty ? (
              <span className="kb-unsaved">
                <span aria-hidden="true">● </span>Unsaved changes
              </span>
            ) : saved ? (
              <span className="muted">All changes saved</span>
            ) : (
              ''
            )}
          </p>
          {/* While busy the buttons are only aria-disabled (the handlers ignore clicks): a
              disabled button would drop keyboard focus to the page. */}
          <div className="kb-bar-actions">
            {saved && (
              <button type="button" className="btn btn-danger-quiet" aria-disabled={busy !== null || undefined} onClick={() => void onDelete()}>
                Delete
              </button>
            )}
            <button type="submit" className="btn" disabled={noCategories} aria-disabled={busy !== null || undefined} aria-keyshortcuts="Control+S">
              {published ? 'Save changes' : 'Save draft'}
            </button>
            {/* One button whose action follows the status, so focus stays on it after publishing. */}
            <button
              type="button"
              className={`btn${published ? '' : ' btn-primary'}`}
              disabled={!published && noCategories}
              aria-disabled={busy !== null || undefined}
              onClick={() => void setPublished(!published)}
            >
              {published ? 'Unpublish' : dirty || !saved ? 'Save and publish' : 'Publish'}
            </button>
          </div>
        </div>
      </form>
    </div>
  );
}

/** Field messages from a 400 `validation_failed` (clientIds.3 counts as clientIds); anything else above the form. */
function serverErrors(err: unknown): Errors {
  if (!(err instanceof ApiError)) return { form: errorMessage(err) };
  const found: Errors = {};
  for (const f of err.fields) {
    const key = f.field.split('.')[0];
    if (key === 'title' || key === 'categoryId' || key === 'visibility' || key === 'clientIds' || key === 'markdown') found[key] ??= f.message;
  }
  if (Object.keys(found).length === 0) found.form = err.message;
  return found;
}

function ArticleStats({ article: a }: { article: StaffKbArticle }) {
  const items: [string, number, string?][] = [
    ['Views', a.views],
    ['Helpful', a.helpful],
    ['Not helpful', a.notHelpful],
    ['Tickets avoided', a.deflections, 'Opened from the suggestions while writing a ticket, then the ticket was not sent'],
  ];
  return (
    <dl className="kb-article-stats" aria-label="Article statistics">
      {items.map(([label, n, title]) => (
        <div key={label} title={title}>
          <dt>{label}</dt>
          <dd>{n}</dd>
        </div>
      ))}
    </dl>
  );
}

function VisibilityPicker({
  value,
  onChange,
  error,
  inputRef,
}: {
  value: KbVisibility;
  onChange: (v: KbVisibility) => void;
  error: string | undefined;
  inputRef: RefObject<HTMLInputElement | null>;
}) {
  return (
    <fieldset className="plain-fieldset kb-visibility" aria-describedby={error ? 'kb-visibility-error' : undefined}>
      <legend className="field-label">Who can read it</legend>
      <div className="kb-visibility-options">
        {KB_VISIBILITIES.map((v) => (
          <label key={v} className={`kb-vis-option kb-vis-option-${v}${value === v ? ' is-on' : ''}`} htmlFor={`kb-vis-${v}`}>
            <input
              id={`kb-vis-${v}`}
              ref={value === v ? inputRef : undefined}
              type="radio"
              name="kb-visibility"
              value={v}
              checked={value === v}
              aria-describedby={`kb-vis-${v}-hint`}
              onChange={() => onChange(v)}
            />
            <span className="kb-vis-text">
              <span className="kb-vis-name">{visibilityLabel[v]}</span>
              <span className="kb-vis-hint" id={`kb-vis-${v}-hint`}>
                {visibilityHint[v]}
              </span>
            </span>
          </label>
        ))}
      </div>
      <p className="kb-vis-current-hint" aria-hidden="true">
        {visibilityLabel[value]}: {visibilityHint[value]}
      </p>
      {error && (
        <span className="error-text small" id="kb-visibility-error">
          <span aria-hidden="true">⚠ </span>
          {error}
        </span>
      )}
    </fieldset>
  );
}

function ClientPicker({
  value,
  onChange,
  error,
  inputRef,
}: {
  value: string[];
  onChange: (ids: string[]) => void;
  error: string | undefined;
  inputRef: RefObject<HTMLInputElement | null>;
}) {
  const clients = useClients();
  const [filter, setFilter] = useState('');
  const chosen = new Set(value);
  const f = filter.trim().toLowerCase();
  const shown: ClientSummary[] = (clients ?? []).filter((c) => !f || c.name.toLowerCase().includes(f));
  const unknown = value.filter((id) => clients && !clients.some((c) => c.id === id));
  const toggle = (id: string) => onChange(chosen.has(id) ? value.filter((x) => x !== id) : [...value, id]);

  return (
    <fieldset
      className="plain-fieldset kb-clients"
      aria-describedby={['kb-clients-count', error ? 'kb-clients-error' : ''].filter(Boolean).join(' ')}
      aria-invalid={error ? true : undefined}
    >
      <legend className="field-label">Clients whose contacts can read it</legend>
      <p className="kb-clients-count muted small" id="kb-clients-count">
        {plural(value.length, 'client')} chosen
        {value.length > 0 && (
          <>
            {' · '}
            <button type="button" className="link-button" onClick={() => onChange([])}>
              Clear
            </button>
          </>
        )}
      </p>
      {clients && clients.length > 8 && (
        <div className="kb-clients-filter">
          <label htmlFor="kb-clients-filter" className="visually-hidden">
            Filter clients
          </label>
          <input id="kb-clients-filter" type="search" placeholder="Filter clients" value={filter} onChange={(e) => setFilter(e.target.value)} />
        </div>
      )}
      {!clients ? (
        <p className="loading">Loading clients…</p>
      ) : (
        <ul className="kb-client-list">
          {shown.map((c, i) => (
            <li key={c.id}>
              <label className={`kb-client${chosen.has(c.id) ? ' is-on' : ''}`}>
                <input ref={i === 0 ? inputRef : undefined} type="checkbox" checked={chosen.has(c.id)} onChange={() => toggle(c.id)} />
                {c.name}
              </label>
            </li>
          ))}
          {shown.length === 0 && <li className="muted small">No client matches “{filter}”.</li>}
          {unknown.length > 0 && (
            <li className="muted small">
              {plural(unknown.length, 'client')} no longer listed{' '}
              <button type="button" className="link-button" onClick={() => onChange(value.filter((id) => !unknown.includes(id)))}>
                Remove
              </button>
            </li>
          )}
        </ul>
      )}
      {error && (
        <span className="error-text small" id="kb-clients-error">
          <span aria-hidden="true">⚠ </span>
          {error}
        </span>
      )}
    </fieldset>
  );
}

type PreviewState = { markdown: string; html: string };

/** The Markdown and its preview: side by side on wide screens, Write / Preview tabs on narrow ones. */
function MarkdownEditor({
  value,
  onChange,
  error,
  textareaRef,
  savedHtml,
  onSaveShortcut,
}: {
  value: string;
  onChange: (v: string) => void;
  error: string | undefined;
  textareaRef: RefObject<HTMLTextAreaElement | null>;
  savedHtml: PreviewState | null;
  onSaveShortcut: () => void;
}) {
  const narrow = useMediaQuery('(max-width: 900px)');
  const [tab, setTab] = useState<'write' | 'preview'>('write');
  const previewVisible = !narrow || tab === 'preview';
  const [preview, setPreview] = useState<PreviewState | null>(savedHtml);
  const [previewError, setPreviewError] = useState('');
  const settled = useDebounced(value, 300);
  const seq = useRef(0);
  const uid = useId();
  const tabs = useRef<Record<'write' | 'preview', HTMLButtonElement | null>>({ write: null, preview: null });

  useEffect(() => {
    if (!previewVisible) return;
    if (preview?.markdown === settled) return;
    if (!settled.trim()) {
      seq.current++;
      setPreview({ markdown: settled, html: '' });
      setPreviewError('');
      return;
    }
    if (settled.length > KB_MARKDOWN_MAX) return;
    const id = ++seq.current;
    staffApi<{ html: string }>('/kb/preview', { method: 'POST', body: { markdown: settled } }).then(
      (r) => {
        if (id !== seq.current) return;
        setPreview({ markdown: settled, html: r.html });
        setPreviewError('');
      },
      (err: unknown) => {
        if (id === seq.current) setPreviewError(errorMessage(err));
      },
    );
  }, [settled, previewVisible]);

  const stale = preview?.markdown !== value;
  const over = value.length > KB_MARKDOWN_MAX;
  const near = value.length > KB_MARKDOWN_MAX * 0.8;

  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    if (!['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) return;
    e.preventDefault();
    const next = e.key === 'Home' ? 'write' : e.key === 'End' ? 'preview' : tab === 'write' ? 'preview' : 'write';
    setTab(next);
    tabs.current[next]?.focus();
  };

  const writeId = `${uid}-write`;
  const previewId = `${uid}-preview`;

  const writePane = (
    <div
      className="kb-pane kb-write"
      id={writeId}
      {...(narrow ? { role: 'tabpanel', 'aria-labelledby': `${writeId}-tab` } : {})}
      hidden={narrow && tab !== 'write'}
    >
      <div className="kb-pane-head">
        <label htmlFor="kb-markdown" className="kb-pane-title">
          Article text <span className="muted kb-pane-sub">(Markdown)</span>
        </label>
        <ImageButton textareaRef={textareaRef} value={value} onChange={onChange} />
      </div>
      <textarea
        id="kb-markdown"
        ref={textareaRef}
        className="kb-markdown"
        value={value}
        spellCheck
        aria-invalid={error || over ? true : undefined}
        aria-describedby={['kb-markdown-hint', error ? 'kb-markdown-error' : '', near ? 'kb-markdown-count' : ''].filter(Boolean).join(' ')}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 's' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            onSaveShortcut();
          }
        }}
        placeholder={'## The question, in the customer’s words\n\nThe answer, step by step:\n\n1. Open …\n2. Click …'}
      />
      <p className="kb-markdown-hint muted small" id="kb-markdown-hint">
        <code>## Heading</code> <code>**bold**</code> <code>_italic_</code> <code>- list</code> <code>1. steps</code>{' '}
        <code>[link](https://…)</code> <code>`code`</code>
      </p>
      {near && (
        <p className={`small ${over ? 'error-text' : 'muted'}`} id="kb-markdown-count">
          {value.length.toLocaleString()} of {KB_MARKDOWN_MAX.toLocaleString()} characters
        </p>
      )}
      {error && (
        <p className="error-text small" id="kb-markdown-error">
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      )}
    </div>
  );

  const previewPane = (
    <div
      className="kb-pane kb-preview-pane"
      id={previewId}
      {...(narrow ? { role: 'tabpanel', 'aria-labelledby': `${previewId}-tab` } : { role: 'region', 'aria-labelledby': `${previewId}-title` })}
      hidden={narrow && tab !== 'preview'}
      aria-busy={stale && !!value.trim()}
    >
      <div className="kb-pane-head">
        <span className="kb-pane-title" id={`${previewId}-title`}>
          Preview
        </span>
        <span className="muted small kb-preview-state" aria-hidden="true">
          {stale && value.trim() ? 'Updating…' : 'As contacts will see it'}
        </span>
      </div>
      {previewError && (
        <p className="prop-error" role="alert">
          The preview could not be updated: {previewError}
        </p>
      )}
      {preview && preview.html ? (
        // Rendered and sanitised by the server (contracts/kb.ts: safe to insert).
        <div className={`kb-preview kb-article${stale ? ' is-stale' : ''}`} dangerouslySetInnerHTML={{ __html: preview.html }} />
      ) : (
        <p className="kb-preview-empty muted">{value.trim() ? 'Rendering…' : 'Nothing to preview yet. Write the article on the left.'}</p>
      )}
    </div>
  );

  return (
    <div className={`card kb-markdown-editor${narrow ? ' is-narrow' : ''}`}>
      {narrow && (
        <div role="tablist" aria-label="Article text" className="composer-tabs kb-md-tabs">
          {(['write', 'preview'] as const).map((t) => (
            <button
              key={t}
              ref={(el) => {
                tabs.current[t] = el;
              }}
              type="button"
              role="tab"
              id={`${t === 'write' ? writeId : previewId}-tab`}
              aria-selected={tab === t}
              aria-controls={t === 'write' ? writeId : previewId}
              tabIndex={tab === t ? 0 : -1}
              className="composer-tab"
              onClick={() => setTab(t)}
              onKeyDown={onTabKey}
            >
              {t === 'write' ? 'Write' : 'Preview'}
            </button>
          ))}
        </div>
      )}
      <div className="kb-split">
        {writePane}
        {previewPane}
      </div>
    </div>
  );
}

/**
 * "Insert image": uploads a PNG, JPEG, GIF or WebP (as any attachment) and writes
 * `![name](kb-file:{id})` at the cursor; saving the article attaches it.
 */
function ImageButton({ textareaRef, value, onChange }: { textareaRef: RefObject<HTMLTextAreaElement | null>; value: string; onChange: (v: string) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<{ busy: boolean; error: string }>({ busy: false, error: '' });
  const pick = async (file: File) => {
    setState({ busy: true, error: '' });
    try {
      const item = await uploadFile('/staff/api/uploads', file, { maxFileBytes: 10 * 1024 * 1024, onProgress: () => {} }).promise;
      const alt = file.name.replace(/\.[^.]+$/, '').replace(/[[\]]/g, '');
      const snippet = `![${alt}](kb-file:${item.id})`;
      const ta = textareaRef.current;
      const at = ta ? ta.selectionStart : value.length;
      const before = value.slice(0, at);
      const pad = before && !before.endsWith('\n\n') ? (before.endsWith('\n') ? '\n' : '\n\n') : '';
      onChange(`${before}${pad}${snippet}\n\n${value.slice(at)}`);
      setState({ busy: false, error: '' });
      requestAnimationFrame(() => {
        const pos = (before + pad + snippet).length + 2;
        ta?.focus();
        ta?.setSelectionRange(pos, pos);
      });
    } catch (err) {
      setState({ busy: false, error: errorMessage(err) });
    }
  };
  return (
    <span className="kb-image-insert">
      <input
        ref={input}
        type="file"
        accept="image/png,image/jpeg,image/gif,image/webp"
        hidden
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void pick(file);
        }}
      />
      <button type="button" className="btn btn-small" aria-disabled={state.busy || undefined} onClick={() => !state.busy && input.current?.click()}>
        {state.busy ? 'Uploading image…' : 'Insert image'}
      </button>
      {state.error && (
        <span className="error-text small" role="alert">
          {state.error}
        </span>
      )}
    </span>
  );
}
