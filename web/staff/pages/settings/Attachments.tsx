/** Settings → Attachments: how many files one upload (and one message) may carry, and how large each. */
import type { RefObject } from 'react';
import { MAX_FILE_MB_LIMIT, MAX_FILES_LIMIT } from '../../../../contracts/attachments.ts';
import { NumberField } from '../../components.tsx';

export type AttachmentSettings = { maxFiles: number; maxFileMb: number };
/** The two numbers as typed. */
export type AttachmentsDraft = { maxFiles: string; maxFileMb: string };
export type AttachmentsErrors = Partial<Record<keyof AttachmentsDraft, string>>;
export type AttachmentsRefs = Record<keyof AttachmentsDraft, RefObject<HTMLInputElement | null>>;

/** A whole number within [min, max], or undefined. */
export function wholeNumber(text: string, min: number, max: number): number | undefined {
  if (!/^\s*\d+\s*$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

export const toAttachmentsDraft = (a: AttachmentSettings): AttachmentsDraft => ({
  maxFiles: String(a.maxFiles),
  maxFileMb: String(a.maxFileMb),
});
export const fromAttachmentsDraft = (d: AttachmentsDraft): AttachmentSettings => ({
  maxFiles: Number(d.maxFiles),
  maxFileMb: Number(d.maxFileMb),
});
export const sameAttachments = (d: AttachmentsDraft, a: AttachmentSettings) =>
  Number(d.maxFiles) === a.maxFiles && Number(d.maxFileMb) === a.maxFileMb;

export function attachmentsProblems(d: AttachmentsDraft): AttachmentsErrors {
  const found: AttachmentsErrors = {};
  if (wholeNumber(d.maxFiles, 1, MAX_FILES_LIMIT) === undefined) found.maxFiles = `Enter a whole number of files from 1 to ${MAX_FILES_LIMIT}`;
  if (wholeNumber(d.maxFileMb, 1, MAX_FILE_MB_LIMIT) === undefined) found.maxFileMb = `Enter a whole number of MB from 1 to ${MAX_FILE_MB_LIMIT}`;
  return found;
}

const FIELDS = [
  { key: 'maxFiles', id: 'attachments-max-files', label: 'Files per upload', hint: `1 to ${MAX_FILES_LIMIT} files per ticket, reply or note.`, max: MAX_FILES_LIMIT },
  { key: 'maxFileMb', id: 'attachments-max-mb', label: 'Max file size (MB)', hint: `1 to ${MAX_FILE_MB_LIMIT} MB per file.`, max: MAX_FILE_MB_LIMIT },
] as const;

export function AttachmentsSection({
  value,
  onChange,
  errors,
  refs,
}: {
  value: AttachmentsDraft;
  onChange: (v: AttachmentsDraft) => void;
  errors: AttachmentsErrors;
  refs: AttachmentsRefs;
}) {
  return (
    <section className="card form-card section" aria-labelledby="attachments-heading">
      <h2 id="attachments-heading" className="section-title">
        Attachments
      </h2>
      <p className="muted small">Files that customers and staff attach to tickets, replies and internal notes.</p>
      <div className="form-grid">
        {FIELDS.map(({ key, id, label, hint, max }) => (
          <NumberField
            key={key}
            id={id}
            label={label}
            hint={hint}
            max={max}
            error={errors[key]}
            inputRef={refs[key]}
            value={value[key]}
            onChange={(v) => onChange({ ...value, [key]: v })}
          />
        ))}
      </div>
    </section>
  );
}
