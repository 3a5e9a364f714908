/**
 * The chat's message box: Enter sends, Shift+Enter starts a new line; files upload as they
 * are added (picker, drop, paste) and go with the next message. A message sent while files
 * are still uploading waits for them. Typing is reported (the caller throttles it).
 */
import { useEffect, useImperativeHandle, useRef, useState, type KeyboardEvent, type Ref } from 'react';
import type { Attachment } from '../../../../contracts/attachments.ts';
import { CHAT_MESSAGE_MAX_CHARS } from '../../../../contracts/constants.ts';
import { DraftFiles, DropOverlay, FilePicker, limitsText } from '../../../ui/Attachments.tsx';
import { useAttachmentDraft } from '../../../ui/useAttachmentDraft.ts';
import { useFileDrop } from '../../../ui/useFileDrop.ts';
import { errorMessage, signedOut } from '../../http.ts';
import { useSession } from '../../session.tsx';

export type ComposerHandle = { focus: () => void };

export function ChatComposer({
  ref,
  contactName,
  onSend,
  onTyping,
}: {
  ref?: Ref<ComposerHandle>;
  contactName: string;
  onSend: (body: string, attachmentIds: string[], attachments: Attachment[]) => void;
  onTyping: () => void;
}) {
  const { workspace } = useSession();
  const draft = useAttachmentDraft({ url: '/staff/api/uploads', limits: workspace.attachments, onUnauthenticated: signedOut });
  const { dragging, dropProps } = useFileDrop(draft.add);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState('');
  const [queued, setQueued] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useImperativeHandle(ref, () => ({ focus: () => textarea.current?.focus() }), []);

  const grow = () => {
    const el = textarea.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight + 2, 180)}px`;
  };

  async function send() {
    const body = text.trim();
    if (!body && draft.files.length === 0) {
      setError('Write a message first.');
      textarea.current?.focus();
      return;
    }
    if (body.length > CHAT_MESSAGE_MAX_CHARS) {
      setError(`Keep a message under ${CHAT_MESSAGE_MAX_CHARS.toLocaleString()} characters (this one has ${body.length.toLocaleString()}).`);
      return;
    }
    if (draft.uploading) {
      // Sent as soon as the files are up (see the effect below).
      setQueued(true);
      return;
    }
    setQueued(false);
    const attachments = draft.files.map((f) => f.attachment).filter((a): a is Attachment => a !== null);
    try {
      await draft.submit(async (attachmentIds) => onSend(body, attachmentIds, attachments));
      if (textarea.current) textarea.current.value = '';
      setText('');
      setError(null);
      grow();
    } catch (err) {
      setError(errorMessage(err));
    }
    textarea.current?.focus();
  }

  useEffect(() => {
    if (queued && !draft.uploading) void send();
    // `send` reads this render's text and files, which is what should go.
  }, [queued, draft.uploading]);

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      // An Enter in an empty box sends nothing and says nothing.
      if (text.trim() || draft.files.length > 0) void send();
    }
  };

  return (
    <form
      className={`chat-composer drop-target${dragging ? ' is-dragover' : ''}`}
      aria-label={`Reply to ${contactName}`}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
      {...dropProps}
    >
      <DropOverlay active={dragging} />
      <label htmlFor="chat-message" className="visually-hidden">
        Message
      </label>
      <textarea
        id="chat-message"
        ref={textarea}
        rows={2}
        placeholder={`Write to ${contactName}…`}
        aria-describedby={['chat-message-hint', error ? 'chat-message-error' : ''].filter(Boolean).join(' ')}
        aria-invalid={error ? true : undefined}
        onChange={(e) => {
          setText(e.target.value);
          if (error) setError(null);
          if (e.target.value.trim()) onTyping();
          grow();
        }}
        onKeyDown={onKeyDown}
        onPaste={draft.onPaste}
      />
      {error && (
        <p className="composer-error" id="chat-message-error" role="alert">
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      )}
      <DraftFiles draft={draft} />
      <p className="visually-hidden" id="chat-files-hint">
        {limitsText(draft)}
      </p>
      <div className="chat-composer-actions">
        <FilePicker id="chat-files" draft={draft} describedBy="chat-files-hint" label="Attach" />
        <span className="chat-composer-hint" id="chat-message-hint">
          {queued ? 'Sending once the files have uploaded…' : 'Enter to send · Shift + Enter for a new line'}
        </span>
        <button type="submit" className="btn btn-primary chat-send">
          Send
        </button>
      </div>
    </form>
  );
}
