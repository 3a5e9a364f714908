import { useEffect, useRef, useState, type FormEvent, type RefObject } from 'react';
import { Link } from 'react-router';
import type { SignInSettings } from '../../../contracts/auth.ts';
import type { WorkspaceSettings as WorkspaceSettingsBase } from '../../../contracts/directory.ts';
import { useClients } from '../directory.ts';
import { ErrorAlert, Field, Loading, NumberField, PageHeading, Toggle, isForbidden } from '../components.tsx';
import { useLoad, usePageTitle } from '../hooks.ts';
import { ApiError, errorMessage, staffApi } from '../http.ts';
import { useSession } from '../session.tsx';
import {
  AttachmentsSection,
  attachmentsProblems,
  fromAttachmentsDraft,
  sameAttachments,
  toAttachmentsDraft,
  wholeNumber,
  type AttachmentSettings,
  type AttachmentsDraft,
  type AttachmentsErrors,
} from './settings/Attachments.tsx';
import {
  CHAT_ERROR_ORDER,
  ChatSection,
  chatFieldErrors,
  chatProblems,
  fromChatDraft,
  sameChat,
  toChatDraft,
  type ChatDraft,
  type ChatErrors,
} from './settings/Chat.tsx';
import type { ChatSettings } from '../../../contracts/chat.ts';
import { KbSection, type KbSettings } from './settings/Kb.tsx';
import { SettingsTabs } from './settings/SettingsTabs.tsx';

/** GET /settings also answers how customers sign in (contracts/auth.ts); any part may be missing from an older server. */
type WorkspaceSettings = Omit<WorkspaceSettingsBase, 'attachments' | 'chat'> & {
  signIn?: SignInSettings;
  attachments?: AttachmentSettings;
  chat?: ChatSettings;
  /** The knowledge base's search language (contracts/kb.ts). */
  kb?: KbSettings;
};

/** The sign-in part of the form; the two validity periods as typed. */
type SignInDraft = Omit<SignInSettings, 'magicLinkTtlHours' | 'accessLinkTtlDays'> & {
  magicLinkTtlHours: string;
  accessLinkTtlDays: string;
};
type SignInErrors = Partial<Record<'registrationClientId' | 'magicLinkTtlHours' | 'accessLinkTtlDays' | 'registration', string>>;

const toDraft = (s: SignInSettings): SignInDraft => ({
  ...s,
  magicLinkTtlHours: String(s.magicLinkTtlHours),
  accessLinkTtlDays: String(s.accessLinkTtlDays),
});

function fromDraft(d: SignInDraft): SignInSettings {
  return {
    ...d,
    magicLinkTtlHours: Number(d.magicLinkTtlHours),
    accessLinkTtlDays: Number(d.accessLinkTtlDays),
  };
}

function sameSignIn(a: SignInDraft, b: SignInSettings): boolean {
  const x = fromDraft(a);
  return (Object.keys(b) as (keyof SignInSettings)[]).every((k) => x[k] === b[k]);
}

export function SettingsPage() {
  usePageTitle('Settings');
  const { staff } = useSession();
  const isAdmin = staff.role === 'admin';
  const settings = useLoad<WorkspaceSettings>(isAdmin ? '/settings' : null);

  return (
    <div className="page">
      <div className="page-head">
        <PageHeading>Settings</PageHeading>
      </div>
      {isAdmin && <SettingsTabs />}
      {!isAdmin || isForbidden(settings.error) ? (
        <div className="alert alert-info">Only admins can change workspace settings. Ask an admin of your workspace.</div>
      ) : !settings.data ? (
        settings.error ? (
          <ErrorAlert error={settings.error} />
        ) : (
          <Loading what="settings" />
        )
      ) : (
        <SettingsForm initial={settings.data} onSaved={settings.setData} />
      )}
    </div>
  );
}

function SettingsForm({ initial, onSaved }: { initial: WorkspaceSettings; onSaved: (s: WorkspaceSettings) => void }) {
  const { renameWorkspace, refresh, workspace } = useSession();
  const [name, setName] = useState(initial.name);
  const [creation, setCreation] = useState(initial.portal.ticketCreation);
  const [closing, setClosing] = useState(initial.portal.ticketClosing);
  const [signIn, setSignIn] = useState<SignInDraft | undefined>(initial.signIn && toDraft(initial.signIn));
  const [attachments, setAttachments] = useState<AttachmentsDraft | undefined>(initial.attachments && toAttachmentsDraft(initial.attachments));
  const [chat, setChat] = useState<ChatDraft | undefined>(initial.chat && toChatDraft(initial.chat));
  const [kb, setKb] = useState<KbSettings | undefined>(initial.kb);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [errors, setErrors] = useState<{
    name?: string;
    form?: string;
    signIn?: SignInErrors;
    attachments?: AttachmentsErrors;
    chat?: ChatErrors;
    kb?: string;
  }>({});
  const chatRefs = {
    days: useRef<HTMLInputElement>(null),
    from: useRef<HTMLInputElement>(null),
    to: useRef<HTMLInputElement>(null),
    timezone: useRef<HTMLSelectElement>(null),
  };
  const focusChatError = (e: ChatErrors) => {
    const first = CHAT_ERROR_ORDER.find((k) => e[k]);
    if (first) chatRefs[first].current?.focus();
    return !!first || !!e.enabled || !!e.hours;
  };
  const nameRef = useRef<HTMLInputElement>(null);
  const kbRef = useRef<HTMLSelectElement>(null);
  const signInRefs = {
    registration: useRef<HTMLInputElement>(null),
    registrationClientId: useRef<HTMLSelectElement>(null),
    magicLinkTtlHours: useRef<HTMLInputElement>(null),
    accessLinkTtlDays: useRef<HTMLInputElement>(null),
  };
  const attachmentRefs = { maxFiles: useRef<HTMLInputElement>(null), maxFileMb: useRef<HTMLInputElement>(null) };
  const focusAttachmentsError = (e: AttachmentsErrors) => {
    const first = (['maxFiles', 'maxFileMb'] as const).find((k) => e[k]);
    if (first) attachmentRefs[first].current?.focus();
    return !!first;
  };
  const dirty =
    name.trim() !== initial.name ||
    creation !== initial.portal.ticketCreation ||
    closing !== initial.portal.ticketClosing ||
    (!!signIn && !!initial.signIn && !sameSignIn(signIn, initial.signIn)) ||
    (!!attachments && !!initial.attachments && !sameAttachments(attachments, initial.attachments)) ||
    (!!chat && !!initial.chat && !sameChat(chat, initial.chat)) ||
    (!!kb && !!initial.kb && kb.language !== initial.kb.language);

  const focusSignInError = (e: SignInErrors) => {
    const first = (['registration', 'registrationClientId', 'magicLinkTtlHours', 'accessLinkTtlDays'] as const).find((k) => e[k]);
    if (first) signInRefs[first].current?.focus();
    return !!first;
  };

  useEffect(() => {
    if (dirty) setSaved(false);
  }, [dirty]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) {
      setErrors({ name: 'Enter the workspace name' });
      nameRef.current?.focus();
      return;
    }
    if (signIn) {
      const local: SignInErrors = {};
      if (signIn.registration === 'open' && !signIn.registrationClientId)
        local.registrationClientId = 'Choose the client that new people join';
      if (wholeNumber(signIn.magicLinkTtlHours, 1, 720) === undefined) local.magicLinkTtlHours = 'Enter a whole number of hours from 1 to 720';
      if (wholeNumber(signIn.accessLinkTtlDays, 1, 365) === undefined) local.accessLinkTtlDays = 'Enter a whole number of days from 1 to 365';
      if (Object.keys(local).length) {
        setErrors({ signIn: local });
        focusSignInError(local);
        return;
      }
    }
    if (attachments) {
      const local = attachmentsProblems(attachments);
      if (Object.keys(local).length) {
        setErrors({ attachments: local });
        focusAttachmentsError(local);
        return;
      }
    }
    if (chat) {
      const local = chatProblems(chat);
      if (Object.keys(local).length) {
        setErrors({ chat: local });
        focusChatError(local);
        return;
      }
    }
    setBusy(true);
    setErrors({});
    try {
      const next = await staffApi<WorkspaceSettings>('/settings', {
        method: 'PATCH',
        body: {
          name: name.trim(),
          portal: { ticketCreation: creation, ticketClosing: closing },
          ...(signIn ? { signIn: fromDraft(signIn) } : {}),
          ...(attachments ? { attachments: fromAttachmentsDraft(attachments) } : {}),
          ...(chat ? { chat: fromChatDraft(chat) } : {}),
          ...(kb ? { kb } : {}),
        },
      });
      const limitsChanged = !!attachments && !!initial.attachments && !sameAttachments(attachments, initial.attachments);
      onSaved(next);
      setName(next.name);
      if (next.signIn) setSignIn(toDraft(next.signIn));
      if (next.attachments) setAttachments(toAttachmentsDraft(next.attachments));
      if (next.chat) setChat(toChatDraft(next.chat));
      if (next.kb) setKb(next.kb);
      renameWorkspace(next.name);
      // This app checks files against the limits of its session: read them again.
      if (limitsChanged) void refresh();
      setSaved(true);
    } catch (err) {
      const field = err instanceof ApiError ? err.field('name') : undefined;
      const signInErrors: SignInErrors = {};
      const attachmentErrors: AttachmentsErrors = {};
      const chatErrors: ChatErrors = err instanceof ApiError ? chatFieldErrors(err.fields) : {};
      const kbError = err instanceof ApiError ? err.fields.find((f) => f.field === 'kb' || f.field.startsWith('kb.'))?.message : undefined;
      if (err instanceof ApiError) {
        for (const f of err.fields) {
          if (f.field === 'attachments.maxFiles') attachmentErrors.maxFiles = f.message;
          if (f.field === 'attachments.maxFileMb') attachmentErrors.maxFileMb = f.message;
          const key = f.field.replace(/^signIn\./, '');
          if (f.field.startsWith('signIn.') && (key === 'registration' || key === 'registrationClientId' || key === 'magicLinkTtlHours' || key === 'accessLinkTtlDays'))
            signInErrors[key] = f.message;
        }
      }
      const hasSignIn = Object.keys(signInErrors).length > 0;
      const hasAttachments = Object.keys(attachmentErrors).length > 0;
      const hasChat = Object.keys(chatErrors).length > 0;
      setErrors({
        ...(field ? { name: field } : {}),
        ...(hasSignIn ? { signIn: signInErrors } : {}),
        ...(hasAttachments ? { attachments: attachmentErrors } : {}),
        ...(hasChat ? { chat: chatErrors } : {}),
        ...(kbError ? { kb: kbError } : {}),
        ...(!field && !hasSignIn && !hasAttachments && !hasChat && !kbError ? { form: errorMessage(err) } : {}),
      });
      if (field) nameRef.current?.focus();
      else if (hasSignIn) focusSignInError(signInErrors);
      else if (hasAttachments) focusAttachmentsError(attachmentErrors);
      else if (hasChat) focusChatError(chatErrors);
      else if (kbError) kbRef.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="settings-form">
      <div role="status" className="status-slot">
        {saved && <div className="alert alert-success">Settings saved.</div>}
      </div>
      <ErrorAlert error={errors.form} />
      <section className="card form-card section" aria-labelledby="ws-heading">
        <h2 id="ws-heading" className="section-title">
          Workspace
        </h2>
        <Field id="ws-name" label="Workspace name" error={errors.name} hint="Shown to your team and as the customer portal’s title.">
          {(aria) => <input {...aria} ref={nameRef} value={name} maxLength={120} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <div className="field">
          <span className="field-label">Customer portal address</span>
          <a href={workspace.portalUrl} target="_blank" rel="noopener" className="break">
            {workspace.portalUrl}
            <span className="visually-hidden"> (opens in a new tab)</span>
          </a>
        </div>
      </section>
      <section className="card form-card section" aria-labelledby="portal-heading">
        <fieldset className="plain-fieldset">
          <legend>
            <h2 id="portal-heading" className="section-title">
              Customer portal
            </h2>
          </legend>
          <Toggle
            id="portal-creation"
            checked={creation}
            onChange={setCreation}
            label="Customers can create tickets from the portal"
            hint="When off, customers can still follow and answer their existing tickets."
          />
          <Toggle
            id="portal-closing"
            checked={closing}
            onChange={setClosing}
            label="Customers can close their tickets"
            hint="Lets a customer close a ticket they no longer need help with. Closed tickets can’t be reopened."
          />
        </fieldset>
      </section>
      {signIn ? (
        <CustomerSignIn
          value={signIn}
          onChange={(v) => {
            setSignIn(v);
            if (errors.signIn) setErrors((e) => ({ ...e, signIn: undefined }));
          }}
          errors={errors.signIn ?? {}}
          refs={signInRefs}
        />
      ) : (
        <section className="card form-card section" aria-labelledby="signin-heading">
          <h2 id="signin-heading" className="section-title">
            Customer sign-in
          </h2>
          <p className="muted">The server did not send the sign-in settings. Reload the page to try again.</p>
        </section>
      )}
      {attachments && (
        <AttachmentsSection
          value={attachments}
          onChange={(v) => {
            setAttachments(v);
            if (errors.attachments) setErrors((e) => ({ ...e, attachments: undefined }));
          }}
          errors={errors.attachments ?? {}}
          refs={attachmentRefs}
        />
      )}
      {chat && (
        <ChatSection
          value={chat}
          onChange={(v) => {
            setChat(v);
            if (errors.chat) setErrors((e) => ({ ...e, chat: undefined }));
          }}
          errors={errors.chat ?? {}}
          refs={chatRefs}
        />
      )}
      {kb && (
        <KbSection
          value={kb}
          onChange={(v) => {
            setKb(v);
            if (errors.kb) setErrors((e) => ({ ...e, kb: undefined }));
          }}
          error={errors.kb}
          selectRef={kbRef}
        />
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          Save
        </button>
        {dirty && !busy && <span className="muted small">You have unsaved changes.</span>}
      </div>
    </form>
  );
}

function CustomerSignIn({
  value,
  onChange,
  errors,
  refs,
}: {
  value: SignInDraft;
  onChange: (v: SignInDraft) => void;
  errors: SignInErrors;
  refs: {
    registration: RefObject<HTMLInputElement | null>;
    registrationClientId: RefObject<HTMLSelectElement | null>;
    magicLinkTtlHours: RefObject<HTMLInputElement | null>;
    accessLinkTtlDays: RefObject<HTMLInputElement | null>;
  };
}) {
  const clients = useClients();
  const set = <K extends keyof SignInDraft>(k: K, v: SignInDraft[K]) => onChange({ ...value, [k]: v });
  const registrationOptions: { value: SignInDraft['registration']; label: string; hint: string }[] = [
    { value: 'off', label: 'Off', hint: 'Only people you invite or add to a client can sign in.' },
    {
      value: 'known',
      label: 'Existing contacts and known client domains',
      hint: 'Contacts you added, and people whose email domain is listed on a client (they join that client).',
    },
    { value: 'open', label: 'Anyone', hint: 'Anyone can create an account. People whose domain matches no client join the client chosen below.' },
  ];

  return (
    <section className="card form-card section" aria-labelledby="signin-heading">
      <h2 id="signin-heading" className="section-title">
        Customer sign-in
      </h2>
      <p className="muted small">How customers sign in to the portal, and who can create an account.</p>
      <fieldset className="plain-fieldset subsection">
        <legend className="subsection-title">Ways to sign in</legend>
        {SIGN_IN_METHOD_TOGGLES.map(({ key, id, label, hint }) => (
          <Toggle key={key} id={id} checked={value[key]} onChange={(v) => set(key, v)} label={label} hint={hint} />
        ))}
        {!value.password && !value.magicLink && (
          <p className="inline-warning">
            <span aria-hidden="true">⚠ </span>
            With password and magic link both off, customers can only sign in through portal access links{value.accessLink ? '' : ', and those are off too: nobody can sign in to the portal'}.
          </p>
        )}
      </fieldset>
      <fieldset className="plain-fieldset subsection" aria-describedby={errors.registration ? 'signin-registration-error' : undefined}>
        <legend className="subsection-title">Registration</legend>
        <div className="radio-list">
          {registrationOptions.map((o, i) => (
            <div key={o.value} className="radio-row">
              <input
                id={`signin-registration-${o.value}`}
                ref={i === 0 ? refs.registration : undefined}
                type="radio"
                name="signin-registration"
                value={o.value}
                checked={value.registration === o.value}
                aria-describedby={`signin-registration-${o.value}-hint`}
                onChange={() => set('registration', o.value)}
              />
              <div className="toggle-text">
                <label htmlFor={`signin-registration-${o.value}`}>{o.label}</label>
                <span className="hint" id={`signin-registration-${o.value}-hint`}>
                  {o.hint}
                </span>
              </div>
            </div>
          ))}
        </div>
        {errors.registration && (
          <p className="error-text small" id="signin-registration-error">
            <span aria-hidden="true">⚠ </span>
            {errors.registration}
          </p>
        )}
        {value.registration === 'open' && (
          <div className="nested-field">
            <Field
              id="signin-registration-client"
              label="New people whose domain matches no client join"
              error={errors.registrationClientId}
              hint="People whose email domain is listed on a client join that client instead."
            >
              {(aria) => (
                <select
                  {...aria}
                  ref={refs.registrationClientId}
                  value={value.registrationClientId ?? ''}
                  onChange={(e) => set('registrationClientId', e.target.value || null)}
                >
                  <option value="">{clients ? 'Choose a client' : 'Loading clients…'}</option>
                  {clients?.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                  {value.registrationClientId && clients && !clients.some((c) => c.id === value.registrationClientId) && (
                    <option value={value.registrationClientId}>Unknown client</option>
                  )}
                </select>
              )}
            </Field>
          </div>
        )}
      </fieldset>
      <fieldset className="plain-fieldset subsection">
        <legend className="subsection-title">Two-step verification</legend>
        {MFA_TOGGLES.map(({ key, id, label, hint }) => (
          <Toggle key={key} id={id} checked={value[key]} onChange={(v) => set(key, v)} label={label} hint={hint} />
        ))}
        {value.mfaRequiredStaff && (
          <p className="muted small">
            Set up yours first on your <Link to="/account">Account</Link> page.
          </p>
        )}
      </fieldset>
      <fieldset className="plain-fieldset subsection">
        <legend className="subsection-title">Link validity</legend>
        <div className="form-grid">
          {LINK_TTL_FIELDS.map(({ key, id, label, hint, max }) => (
            <NumberField
              key={key}
              id={id}
              label={label}
              hint={hint}
              max={max}
              error={errors[key]}
              inputRef={refs[key]}
              value={value[key]}
              onChange={(v) => set(key, v)}
            />
          ))}
        </div>
      </fieldset>
    </section>
  );
}

/** The sign-in method switches, in the order they appear. */
const SIGN_IN_METHOD_TOGGLES = [
  { key: 'password', id: 'signin-password', label: 'Password', hint: 'Customers sign in with their email address and a password they choose.' },
  { key: 'magicLink', id: 'signin-magic', label: 'Magic link', hint: 'Customers ask for a one-time sign-in link by email, no password needed.' },
  {
    key: 'accessLink',
    id: 'signin-access',
    label: 'Portal access links',
    hint: 'Staff can email the requester of a ticket a link that signs them in and opens that ticket.',
  },
] as const;

/** The two-step verification switches, in the order they appear. */
const MFA_TOGGLES = [
  {
    key: 'mfaRequiredContacts',
    id: 'signin-mfa-contacts',
    label: 'Required for contacts',
    hint: 'Customers must enter a code from an authenticator app after signing in; those without one set it up at their next sign-in.',
  },
  { key: 'mfaRequiredStaff', id: 'signin-mfa-staff', label: 'Required for staff', hint: 'Staff without two-step verification set it up at their next sign-in.' },
] as const;

/** The link-validity number fields, in the order they appear. */
const LINK_TTL_FIELDS = [
  { key: 'magicLinkTtlHours', id: 'signin-magic-ttl', label: 'Magic links are valid for (hours)', hint: '1 to 720 hours.', max: 720 },
  { key: 'accessLinkTtlDays', id: 'signin-access-ttl', label: 'Portal access links are valid for (days)', hint: '1 to 365 days.', max: 365 },
] as const;
