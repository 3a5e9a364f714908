/** The portal's attachment field, used by the new-ticket and reply forms. */
import { useCallback } from 'react';
import { DraftFiles, FilePicker, limitsText } from '../../ui/Attachments.tsx';
import { useAttachmentDraft, type AttachmentDraft } from '../../ui/useAttachmentDraft.ts';
import { useSession } from '../session.tsx';

/** A draft's files, uploaded to this portal within the workspace's limits. */
export function usePortalDraft(): AttachmentDraft {
  const { base, workspace, reload } = useSession();
  // A 401 means the session ended: reading the bootstrap again shows the sign-in page.
  const onUnauthenticated = useCallback(() => void reload().catch(() => undefined), [reload]);
  return useAttachmentDraft({ url: `${base}/api/uploads`, limits: workspace.settings.attachments, onUnauthenticated });
}

export function AttachmentsField({
  id,
  draft,
  disabled,
  label,
}: {
  id: string;
  draft: AttachmentDraft;
  disabled: boolean;
  /** A visible name for the group ("Attachments"); without it the button speaks for itself. */
  label?: string;
}) {
  return (
    <div className="field field-attachments" role={label ? 'group' : undefined} aria-labelledby={label ? `${id}-group` : undefined}>
      {label && (
        <span className="field-label" id={`${id}-group`}>
          {label} <span className="optional">(optional)</span>
        </span>
      )}
      <div className="attach-row">
        <FilePicker id={id} draft={draft} disabled={disabled} describedBy={`${id}-hint`} />
        <p className="hint" id={`${id}-hint`}>
          {limitsText(draft)}
        </p>
      </div>
      <DraftFiles draft={draft} disabled={disabled} />
    </div>
  );
}
