/**
 * The files of one draft (a new ticket, a reply, a note): each uploads on its own as soon as
 * it is added, can be removed or retried, and `submit` sends the message with the ids of the
 * finished ones — waiting for running uploads, and refusing while one has failed, so a
 * message never goes out silently missing a file. Also owns the draft's Idempotency-Key.
 */
import { useCallback, useEffect, useRef, useState, type ClipboardEvent } from 'react';
import { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_FILES, type Attachment, type AttachmentLimits } from '../../contracts/attachments.ts';
import { api, ApiError } from './api.ts';
import { isRetryable, newIdempotencyKey, previewUrl, screenshotName, tooLargeMessage, uploadFile } from './uploads.ts';

export type DraftFile = {
  key: string;
  file: File;
  status: 'uploading' | 'done' | 'failed';
  /** 0–100; 100 only once the server has stored the file. */
  percent: number;
  attachment: Attachment | null;
  error: string | null;
  retryable: boolean;
  /** A local blob: URL thumbnail for images, revoked when the file leaves the draft. */
  preview: string | null;
};

export type DraftOptions = {
  /** `…/api/uploads`: POST a file, DELETE `/{id}` a pending one. */
  url: string;
  limits: AttachmentLimits | undefined;
  /** Called when an upload is answered 401 (the session ended). */
  onUnauthenticated?: () => void;
};

export type AttachmentDraft = ReturnType<typeof useAttachmentDraft>;

let nextKey = 0;

export function useAttachmentDraft({ url, limits: given, onUnauthenticated }: DraftOptions) {
  const limits: AttachmentLimits = given ?? { maxFiles: DEFAULT_MAX_FILES, maxFileBytes: DEFAULT_MAX_FILE_BYTES };
  const [files, setFiles] = useState<DraftFile[]>([]);
  const [problems, setProblems] = useState<string[]>([]);
  const [announcement, setAnnouncement] = useState('');
  // The source of truth, changed only from event handlers and upload callbacks.
  const current = useRef<DraftFile[]>([]);
  const aborts = useRef(new Map<string, () => void>());
  const waiting = useRef<((files: DraftFile[]) => void)[]>([]);
  const idempotencyKey = useRef(newIdempotencyKey());
  const latest = useRef({ url, limits, onUnauthenticated });
  latest.current = { url, limits, onUnauthenticated };

  const commit = useCallback((next: DraftFile[]) => {
    const kept = new Set(next.map((f) => f.preview));
    for (const f of current.current) if (f.preview && !kept.has(f.preview)) URL.revokeObjectURL(f.preview);
    current.current = next;
    setFiles(next);
    if (!next.some((f) => f.status === 'uploading')) waiting.current.splice(0).forEach((resolve) => resolve(next));
  }, []);
  const patch = useCallback(
    (key: string, change: Partial<DraftFile>) => commit(current.current.map((f) => (f.key === key ? { ...f, ...change } : f))),
    [commit],
  );

  const start = useCallback(
    (key: string, file: File) => {
      const { url, limits } = latest.current;
      const handle = uploadFile(url, file, {
        maxFileBytes: limits.maxFileBytes,
        onProgress: (sent, total) => patch(key, { percent: Math.min(99, Math.floor((sent / Math.max(total, 1)) * 100)) }),
      });
      aborts.current.set(key, handle.abort);
      handle.promise.then(
        (attachment) => {
          aborts.current.delete(key);
          patch(key, { status: 'done', percent: 100, attachment, error: null });
          setAnnouncement(`${file.name} uploaded.`);
        },
        (err: unknown) => {
          aborts.current.delete(key);
          if (err instanceof DOMException && err.name === 'AbortError') return;
          if (err instanceof ApiError && err.status === 401) latest.current.onUnauthenticated?.();
          const message = err instanceof ApiError ? err.message : 'Upload failed. Try again.';
          patch(key, { status: 'failed', error: message, retryable: isRetryable(err) });
          setAnnouncement(`${file.name} did not upload: ${message}`);
        },
      );
    },
    [patch],
  );

  /** Checks the limits, then starts uploading every file that passes. */
  const add = useCallback(
    (incoming: File[]) => {
      const { limits } = latest.current;
      const found: string[] = [];
      const room = limits.maxFiles - current.current.length;
      if (incoming.length > room) found.push(`You can attach at most ${limits.maxFiles} ${limits.maxFiles === 1 ? 'file' : 'files'}.`);
      const accepted: DraftFile[] = [];
      for (const file of incoming.slice(0, Math.max(room, 0))) {
        if (file.size > limits.maxFileBytes) found.push(tooLargeMessage(file.name, limits.maxFileBytes));
        else if (file.size === 0) found.push(`“${file.name}” is empty.`);
        else
          accepted.push({ key: `f${++nextKey}`, file, status: 'uploading', percent: 0, attachment: null, error: null, retryable: true, preview: previewUrl(file) });
      }
      setProblems(found);
      if (!accepted.length) return;
      commit([...current.current, ...accepted]);
      setAnnouncement(accepted.length === 1 ? `Uploading ${accepted[0]!.file.name}.` : `Uploading ${accepted.length} files.`);
      for (const f of accepted) {
        start(f.key, f.file);
      }
    },
    [commit, patch, start],
  );

  const remove = useCallback(
    (key: string) => {
      const f = current.current.find((x) => x.key === key);
      if (!f) return;
      aborts.current.get(key)?.();
      aborts.current.delete(key);
      if (f.attachment) {
        // Best effort: an unclaimed upload is removed by the server after a day anyway.
        api(`${latest.current.url}/${encodeURIComponent(f.attachment.id)}`, { method: 'DELETE' }).catch(() => undefined);
      }
      commit(current.current.filter((x) => x.key !== key));
      setProblems([]);
      setAnnouncement(`${f.file.name} removed.`);
    },
    [commit],
  );

  const retry = useCallback(
    (key: string) => {
      const f = current.current.find((x) => x.key === key);
      if (!f || f.status !== 'failed' || !f.retryable) return;
      patch(key, { status: 'uploading', percent: 0, error: null });
      setAnnouncement(`Uploading ${f.file.name} again.`);
      start(key, f.file);
    },
    [patch, start],
  );

  /** A pasted image (a screenshot) becomes an attachment; pasted text stays text. */
  const onPaste = useCallback(
    (e: ClipboardEvent<HTMLElement>) => {
      const data = e.clipboardData;
      if (!data || data.types.includes('text/plain')) return;
      const images = Array.from(data.files).filter((f) => f.type.startsWith('image/'));
      if (!images.length) return;
      e.preventDefault();
      add(images.map((f) => new File([f], screenshotName(f.type), { type: f.type, lastModified: Date.now() })));
    },
    [add],
  );

  /**
   * Sends the message: waits for running uploads, then calls `run` with the finished ids and
   * the Idempotency-Key header. The key is kept after a failure whose outcome is unknown (no
   * answer, a 5xx) so a retry cannot create the message twice; any definite answer ends it.
   */
  const submit = useCallback(async <T>(run: (attachmentIds: string[], headers: Record<string, string>) => Promise<T>) => {
    const settled = current.current.some((f) => f.status === 'uploading')
      ? await new Promise<DraftFile[]>((resolve) => waiting.current.push(resolve))
      : current.current;
    const failed = settled.filter((f) => f.status === 'failed');
    if (failed.length) {
      throw new ApiError(
        0,
        'upload_incomplete',
        failed.length === 1
          ? `“${failed[0]!.file.name}” did not upload. Retry or remove it before sending.`
          : `${failed.length} files did not upload. Retry or remove them before sending.`,
      );
    }
    const sent = settled.filter((f) => f.attachment);
    try {
      const result = await run(
        sent.map((f) => f.attachment!.id),
        { 'idempotency-key': idempotencyKey.current },
      );
      idempotencyKey.current = newIdempotencyKey();
      const keys = new Set(sent.map((f) => f.key));
      commit(current.current.filter((f) => !keys.has(f.key)));
      setProblems([]);
      return result;
    } catch (err) {
      if (err instanceof ApiError && err.status > 0 && err.status < 500) idempotencyKey.current = newIdempotencyKey();
      if (err instanceof ApiError && err.is('idempotency_key_reused')) {
        // An earlier try went through after all, and the draft has changed since.
        throw new ApiError(err.status, err.code, 'An earlier attempt to send this went through. Reload the page to see it before sending again.');
      }
      throw err;
    }
  }, [commit]);

  // Leaving the page stops running uploads (finished, unsent ones expire on the server).
  useEffect(() => {
    const running = aborts.current;
    return () => {
      running.forEach((abort) => abort());
      running.clear();
      for (const f of current.current) if (f.preview) URL.revokeObjectURL(f.preview);
    };
  }, []);

  return {
    files,
    limits,
    /** Files refused before upload: too many, too large, empty. */
    problems,
    dismissProblems: useCallback(() => setProblems([]), []),
    /** The latest upload event, for a polite live region. */
    announcement,
    uploading: files.some((f) => f.status === 'uploading'),
    add,
    remove,
    retry,
    onPaste,
    submit,
  };
}
