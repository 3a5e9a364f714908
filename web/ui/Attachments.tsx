/**
 * Attachment UI shared by the portal and the staff app: the file picker, the list of a
 * draft's files (progress, retry, remove), the drop overlay, and the files of a sent message.
 * File names are user input: they are only ever rendered as text.
 */
import { useRef } from 'react';
import { formatBytes, type Attachment } from '../../contracts/attachments.ts';
import { fileBadge, fileKind, splitName } from './uploads.ts';
import type { AttachmentDraft, DraftFile } from './useAttachmentDraft.ts';

/**
 * A name that shortens long names before the extension ("very-long-na….pdf"). Assistive
 * technology reads the whole name in one piece; the split copy is only for the eye.
 */
function FileName({ name }: { name: string }) {
  const [base, ext] = splitName(name);
  return (
    <span className="file-name" title={name}>
      <span className="visually-hidden">{name}</span>
      <span className="file-name-shown" aria-hidden="true">
        <span className="file-name-base">{base}</span>
        {ext && <span className="file-name-ext">{ext}</span>}
      </span>
    </span>
  );
}

function FileBadge({ contentType, name }: { contentType: string; name: string }) {
  return (
    <span className="file-badge" aria-hidden="true">
      {fileBadge(contentType, name)}
    </span>
  );
}

/** The files of a sent message: images as thumbnails, everything else as download chips. */
export function AttachmentList({ attachments, internal = false }: { attachments: Attachment[] | undefined; internal?: boolean }) {
  if (!attachments?.length) return null;
  const images = attachments.filter((a) => a.image && a.previewUrl);
  const others = attachments.filter((a) => !(a.image && a.previewUrl));
  const label = `${attachments.length} ${attachments.length === 1 ? 'attachment' : 'attachments'}${internal ? ', internal' : ''}`;
  return (
    <div className={internal ? 'attachments is-internal' : 'attachments'} role="group" aria-label={label}>
      {images.length > 0 && (
        <ul className="attachment-images">
          {images.map((a) => (
            <li key={a.id} className="attachment-image">
              <a className="thumb-link" href={a.previewUrl!} target="_blank" rel="noopener noreferrer">
                <img src={a.previewUrl!} loading="lazy" alt={a.name} />
                <span className="visually-hidden"> (opens in a new tab)</span>
              </a>
              <a className="thumb-caption" href={a.url} download={a.name}>
                <span className="visually-hidden">Download </span>
                <FileName name={a.name} />
                <span className="file-meta">
                  {formatBytes(a.size)}
                  {internal && <InternalTag />}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
      {others.length > 0 && (
        <ul className="attachment-files">
          {others.map((a) => (
            <li key={a.id}>
              <a className="attachment-chip" href={a.url} download={a.name}>
                <FileBadge contentType={a.contentType} name={a.name} />
                <span className="chip-text">
                  <span className="visually-hidden">Download </span>
                  <FileName name={a.name} />
                  <span className="file-meta">
                    {fileKind(a.contentType, a.name)} · {formatBytes(a.size)}
                    {internal && <InternalTag />}
                  </span>
                </span>
                <span className="chip-download" aria-hidden="true">
                  ↓
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function InternalTag() {
  return <span className="internal-tag"> · Internal</span>;
}

/** "Attach files": a real, labelled `<input type=file multiple>` styled as a button. */
export function FilePicker({
  id,
  draft,
  disabled = false,
  label = 'Attach files',
  describedBy,
}: {
  id: string;
  draft: AttachmentDraft;
  disabled?: boolean;
  label?: string;
  describedBy?: string;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <span className="file-picker">
      <input
        ref={input}
        id={id}
        type="file"
        multiple
        className="visually-hidden"
        disabled={disabled}
        aria-describedby={describedBy}
        onChange={(e) => {
          draft.add(Array.from(e.target.files ?? []));
          e.target.value = ''; // picking the same file again still counts
        }}
      />
      <label htmlFor={id} className={disabled ? 'btn btn-attach is-disabled' : 'btn btn-attach'}>
        <span className="attach-icon" aria-hidden="true">
          +
        </span>
        {label}
      </label>
    </span>
  );
}

/** What may be attached, for the hint beside the picker. */
export function limitsText(draft: AttachmentDraft): string {
  const { maxFiles, maxFileBytes } = draft.limits;
  return `Drag and drop, paste a screenshot, or pick files. Up to ${maxFiles} ${maxFiles === 1 ? 'file' : 'files'}, ${formatBytes(maxFileBytes)} each.`;
}

/** The draft's files with their progress, errors and buttons; refused files; announcements. */
export function DraftFiles({ draft, disabled = false, internal = false }: { draft: AttachmentDraft; disabled?: boolean; internal?: boolean }) {
  return (
    <>
      {draft.problems.length > 0 && (
        <div className="file-problems" role="alert">
          {draft.problems.map((p, i) => (
            <p key={i}>{p}</p>
          ))}
        </div>
      )}
      {draft.files.length > 0 && (
        <ul className={internal ? 'draft-files is-internal' : 'draft-files'} aria-label="Files to send">
          {draft.files.map((f) => (
            <DraftFileRow key={f.key} f={f} draft={draft} disabled={disabled} internal={internal} />
          ))}
        </ul>
      )}
      <p className="visually-hidden" role="status" aria-live="polite">
        {draft.announcement}
      </p>
    </>
  );
}

function statusText(f: DraftFile): string {
  if (f.status === 'done') return 'Uploaded';
  if (f.status === 'failed') return 'Not uploaded';
  return f.percent >= 99 ? 'Processing…' : `Uploading… ${f.percent}%`;
}

function DraftFileRow({ f, draft, disabled, internal }: { f: DraftFile; draft: AttachmentDraft; disabled: boolean; internal: boolean }) {
  const name = f.attachment?.name ?? f.file.name;
  const type = f.attachment?.contentType ?? f.file.type;
  const errorId = `${f.key}-error`;
  return (
    <li className={`draft-file is-${f.status}`}>
      <span className="file-thumb">
        {f.preview ? <img src={f.preview} alt="" /> : <FileBadge contentType={type} name={name} />}
      </span>
      <span className="draft-file-main">
        <FileName name={name} />
        <span className="file-meta">
          {fileKind(type, name)} · {formatBytes(f.file.size)} · <span className="file-status">{statusText(f)}</span>
          {internal && <InternalTag />}
        </span>
        {f.status !== 'failed' && (
          <progress max={100} value={f.percent} aria-label={`Upload of ${name}`} aria-describedby={f.error ? errorId : undefined} />
        )}
        {f.error && (
          <span className="file-error" id={errorId}>
            <span aria-hidden="true">⚠ </span>
            {f.error}
          </span>
        )}
      </span>
      <span className="draft-file-actions">
        {f.status === 'failed' && f.retryable && (
          <button type="button" className="btn btn-small btn-retry" disabled={disabled} onClick={() => draft.retry(f.key)}>
            Retry<span className="visually-hidden"> {name}</span>
          </button>
        )}
        <button type="button" className="file-remove" disabled={disabled} aria-label={`Remove ${name}`} title="Remove" onClick={() => draft.remove(f.key)}>
          <span aria-hidden="true">×</span>
        </button>
      </span>
    </li>
  );
}

/** Shown over a form while files are dragged over it. */
export function DropOverlay({ active }: { active: boolean }) {
  if (!active) return null;
  return (
    <div className="drop-overlay" aria-hidden="true">
      <span className="drop-overlay-text">Drop files to attach</span>
    </div>
  );
}
