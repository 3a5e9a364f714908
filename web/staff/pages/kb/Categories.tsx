/** Knowledge base → Categories: add, rename, describe, reorder, delete empty ones. */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { KbCategory } from '../../../../contracts/kb.ts';
import { ErrorAlert, Field, Loading, PageHeading, isForbidden } from '../../components.tsx';
import { useLoad, usePageTitle } from '../../hooks.ts';
import { ApiError, errorMessage, staffApi } from '../../http.ts';
import { KbTabs, plural } from './shared.tsx';

type Errors = { name?: string; description?: string; form?: string };

function fieldErrors(err: unknown): Errors {
  if (!(err instanceof ApiError)) return { form: errorMessage(err) };
  const name = err.field('name');
  const description = err.field('description');
  const position = err.field('position');
  if (!name && !description) return { form: position ?? err.message };
  return { ...(name ? { name } : {}), ...(description ? { description } : {}) };
}

const byPosition = (a: KbCategory, b: KbCategory) => a.position - b.position || a.name.localeCompare(b.name);

export function KbCategoriesPage() {
  usePageTitle('Knowledge base – Categories');
  const list = useLoad<{ items: KbCategory[] }>('/kb/categories');
  const items = list.data ? [...list.data.items].sort(byPosition) : undefined;
  const [announcement, setAnnouncement] = useState('');
  const [moveError, setMoveError] = useState<unknown>(null);
  const [moving, setMoving] = useState(false);

  /** Moves one place up or down: every category whose place changes gets its new position (0, 1, 2 …). */
  async function move(index: number, delta: -1 | 1) {
    if (!items) return;
    const target = index + delta;
    if (target < 0 || target >= items.length) return;
    const order = [...items];
    const [moved] = order.splice(index, 1);
    order.splice(target, 0, moved!);
    setMoving(true);
    setMoveError(null);
    try {
      for (const [i, c] of order.entries()) {
        if (c.position === i) continue;
        await staffApi(`/kb/categories/${c.id}`, { method: 'PATCH', body: { name: c.name, description: c.description, position: i } });
      }
      setAnnouncement(`${moved!.name} moved to position ${target + 1} of ${order.length}`);
    } catch (err) {
      setMoveError(err);
    } finally {
      setMoving(false);
      list.reload();
      // Keep the keyboard on the same button of the moved row, or its other one at an end.
      window.setTimeout(() => {
        const row = document.querySelector<HTMLElement>(`[data-category="${moved!.id}"]`);
        const want = row?.querySelector<HTMLButtonElement>(`[data-move="${delta}"]:not([disabled])`) ?? row?.querySelector<HTMLButtonElement>('[data-move]:not([disabled])');
        want?.focus();
      }, 150);
    }
  }

  return (
    <div className="page page-wide kb-page kb-categories-page">
      <div className="page-head">
        <PageHeading>Knowledge base</PageHeading>
      </div>
      <KbTabs />
      <p className="muted page-intro kb-intro">
        Categories group articles on the portal’s knowledge base home, in this order. A category can be deleted once it holds no
        articles.
      </p>
      <AddCategory
        onAdded={(c) => {
          setAnnouncement(`Category ${c.name} added`);
          list.reload();
        }}
      />
      <ErrorAlert error={moveError ? errorMessage(moveError) : null} />
      {!items ? (
        list.error ? (
          <div>
            <ErrorAlert error={isForbidden(list.error) ? 'You may not manage knowledge base categories.' : list.error} />
            <button type="button" className="btn" onClick={list.reload}>
              Try again
            </button>
          </div>
        ) : (
          <Loading what="categories" />
        )
      ) : items.length === 0 ? (
        <div className="empty card">
          <p>No categories yet. Add one above: every article belongs to a category.</p>
        </div>
      ) : (
        <ol className={`kb-categories${list.loading || moving ? ' is-loading' : ''}`} aria-label="Categories in portal order" aria-busy={moving}>
          {items.map((c, i) => (
            <CategoryRow
              key={c.id}
              category={c}
              index={i}
              count={items.length}
              busy={moving}
              onMove={(d) => void move(i, d)}
              onChanged={(text) => {
                setAnnouncement(text);
                list.reload();
              }}
            />
          ))}
        </ol>
      )}
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
    </div>
  );
}

/**
 * A category's name and description being written, and their submission: the name is
 * required; the server's field errors show under their fields.
 */
function useCategoryDraft(initial: { name: string; description: string }, save: (body: { name: string; description: string }) => Promise<void>) {
  const [name, setName] = useState(initial.name);
  const [description, setDescription] = useState(initial.description);
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) {
      setErrors({ name: 'Enter the category’s name' });
      nameRef.current?.focus();
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      await save({ name: name.trim(), description: description.trim() });
    } catch (err) {
      const found = fieldErrors(err);
      setErrors(found);
      if (found.name) nameRef.current?.focus();
    } finally {
      setBusy(false);
    }
  }
  return { name, setName, description, setDescription, errors, busy, nameRef, submit };
}

function AddCategory({ onAdded }: { onAdded: (c: KbCategory) => void }) {
  const draft = useCategoryDraft({ name: '', description: '' }, async (body) => {
    // No position: the server puts a new category last.
    const c = await staffApi<KbCategory>('/kb/categories', { method: 'POST', body });
    draft.setName('');
    draft.setDescription('');
    onAdded(c);
    draft.nameRef.current?.focus();
  });
  const { name, setName, description, setDescription, errors, busy, nameRef, submit } = draft;

  return (
    <form className="card inline-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="add-category-heading">
      <h2 id="add-category-heading" className="section-title">
        Add a category
      </h2>
      <ErrorAlert error={errors.form} />
      <div className="inline-form-row">
        <Field id="category-name" label="Name" error={errors.name}>
          {(aria) => <input {...aria} ref={nameRef} value={name} maxLength={80} autoComplete="off" onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field id="category-description" label="Description (optional)" error={errors.description}>
          {(aria) => (
            <input {...aria} value={description} maxLength={300} autoComplete="off" onChange={(e) => setDescription(e.target.value)} />
          )}
        </Field>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          Add category
        </button>
      </div>
    </form>
  );
}

function CategoryRow({
  category: c,
  index,
  count,
  busy,
  onMove,
  onChanged,
}: {
  category: KbCategory;
  index: number;
  count: number;
  busy: boolean;
  onMove: (delta: -1 | 1) => void;
  onChanged: (announcement: string) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [deleteError, setDeleteError] = useState('');
  const [deleting, setDeleting] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const deleteButton = useRef<HTMLButtonElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const headingId = `category-${c.id}-name`;

  // The confirmation comes before the Delete button in reading order: it takes the focus.
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);
  const cancelDelete = () => {
    setConfirming(false);
    window.setTimeout(() => deleteButton.current?.focus(), 0);
  };

  async function remove() {
    setDeleting(true);
    setDeleteError('');
    try {
      await staffApi(`/kb/categories/${c.id}`, { method: 'DELETE' });
      onChanged(`Category ${c.name} deleted`);
      // Its row goes away with the focus: continue from the top of the page.
      document.getElementById('page-heading')?.focus();
    } catch (err) {
      setDeleteError(errorMessage(err));
      setConfirming(false);
      window.setTimeout(() => deleteButton.current?.focus(), 0);
    } finally {
      setDeleting(false);
    }
  }

  return (
    <li className="card kb-category" data-category={c.id} aria-labelledby={headingId}>
      <div className="kb-category-order">
        <span className="kb-category-pos" aria-hidden="true">
          {index + 1}
        </span>
        <button
          type="button"
          className="icon-button"
          data-move="-1"
          disabled={busy || index === 0}
          aria-label={`Move ${c.name} up`}
          onClick={() => onMove(-1)}
        >
          <span aria-hidden="true">↑</span>
        </button>
        <button
          type="button"
          className="icon-button"
          data-move="1"
          disabled={busy || index === count - 1}
          aria-label={`Move ${c.name} down`}
          onClick={() => onMove(1)}
        >
          <span aria-hidden="true">↓</span>
        </button>
      </div>
      {editing ? (
        <EditCategory
          category={c}
          onDone={(saved) => {
            setEditing(false);
            if (saved) onChanged(`Category ${saved} saved`);
            window.setTimeout(() => editButton.current?.focus(), 0);
          }}
        />
      ) : (
        <div className="kb-category-body">
          <h3 className="kb-category-name" id={headingId}>
            {c.name}
          </h3>
          {c.description ? <p className="kb-category-desc">{c.description}</p> : <p className="kb-category-desc muted">No description</p>}
          <p className="kb-category-count muted small">{plural(c.articleCount, 'article')}</p>
          {deleteError && (
            <p className="prop-error" role="alert">
              <span aria-hidden="true">⚠ </span>
              {deleteError}
            </p>
          )}
          {confirming && (
            <div
              className="plink-confirm kb-confirm"
              role="group"
              aria-label={`Delete ${c.name}`}
              aria-describedby={`${headingId}-confirm`}
              onKeyDown={(e) => {
                if (e.key === 'Escape') cancelDelete();
              }}
            >
              <p id={`${headingId}-confirm`}>
                Delete “{c.name}”?
                {c.articleCount > 0 ? ` It still holds ${plural(c.articleCount, 'article')}: move them to another category first.` : ' This can’t be undone.'}
              </p>
              <div className="plink-confirm-actions">
                <button
                  ref={confirmButton}
                  type="button"
                  className="btn btn-small btn-danger-solid"
                  aria-disabled={deleting || undefined}
                  onClick={() => !deleting && void remove()}
                >
                  Delete category
                </button>
                <button type="button" className="btn btn-small" onClick={cancelDelete}>
                  Cancel
                </button>
              </div>
            </div>
          )}
        </div>
      )}
      {!editing && (
        <div className="kb-category-actions">
          <button ref={editButton} type="button" className="btn btn-small" onClick={() => setEditing(true)}>
            Edit<span className="visually-hidden"> {c.name}</span>
          </button>
          <button
            ref={deleteButton}
            type="button"
            className="btn btn-small btn-danger"
            aria-expanded={confirming}
            onClick={() => {
              setDeleteError('');
              setConfirming(true);
            }}
          >
            Delete<span className="visually-hidden"> {c.name}</span>
          </button>
        </div>
      )}
    </li>
  );
}

function EditCategory({ category: c, onDone }: { category: KbCategory; onDone: (savedName: string | null) => void }) {
  const { name, setName, description, setDescription, errors, busy, nameRef, submit } = useCategoryDraft(c, async (body) => {
    await staffApi<KbCategory>(`/kb/categories/${c.id}`, { method: 'PATCH', body: { ...body, position: c.position } });
    onDone(body.name);
  });

  return (
    <form
      className="kb-category-body kb-category-edit"
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onDone(null);
      }}
      noValidate
      aria-label={`Edit ${c.name}`}
    >
      <ErrorAlert error={errors.form} />
      <Field id={`edit-${c.id}-name`} label="Name" error={errors.name}>
        {(aria) => <input {...aria} ref={nameRef} autoFocus value={name} maxLength={80} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field id={`edit-${c.id}-description`} label="Description" error={errors.description} hint="Shown under the category’s name in the portal.">
        {(aria) => <textarea {...aria} rows={2} value={description} maxLength={300} onChange={(e) => setDescription(e.target.value)} />}
      </Field>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary btn-small" disabled={busy}>
          Save
        </button>
        <button type="button" className="btn btn-small" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
