import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { WorkspaceSettings } from '../../../contracts/directory.ts';
import { ErrorAlert, Field, Loading, PageHeading, isForbidden } from '../components.tsx';
import { useLoad, usePageTitle } from '../hooks.ts';
import { ApiError, errorMessage, staffApi } from '../http.ts';
import { useSession } from '../session.tsx';

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
  const { renameWorkspace, workspace } = useSession();
  const [name, setName] = useState(initial.name);
  const [creation, setCreation] = useState(initial.portal.ticketCreation);
  const [closing, setClosing] = useState(initial.portal.ticketClosing);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [errors, setErrors] = useState<{ name?: string; form?: string }>({});
  const nameRef = useRef<HTMLInputElement>(null);
  const dirty =
    name.trim() !== initial.name || creation !== initial.portal.ticketCreation || closing !== initial.portal.ticketClosing;

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
    setBusy(true);
    setErrors({});
    try {
      const next = await staffApi<WorkspaceSettings>('/settings', {
        method: 'PATCH',
        body: { name: name.trim(), portal: { ticketCreation: creation, ticketClosing: closing } },
      });
      onSaved(next);
      setName(next.name);
      renameWorkspace(next.name);
      setSaved(true);
    } catch (err) {
      const field = err instanceof ApiError ? err.field('name') : undefined;
      setErrors(field ? { name: field } : { form: errorMessage(err) });
      if (field) nameRef.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="settings-form">
      <div role="status" className="status-slot">
        {saved && <div className="alert alert-success">Settings saved.</div>}
      </div>
      {errors.form && (
        <div className="alert alert-error" role="alert">
          {errors.form}
        </div>
      )}
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
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          Save
        </button>
        {dirty && !busy && <span className="muted small">You have unsaved changes.</span>}
      </div>
    </form>
  );
}

function Toggle({
  id,
  checked,
  onChange,
  label,
  hint,
}: {
  id: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  label: string;
  hint: string;
}) {
  return (
    <div className="toggle-row">
      <input
        id={id}
        type="checkbox"
        role="switch"
        className="switch"
        checked={checked}
        aria-describedby={`${id}-hint`}
        onChange={(e) => onChange(e.target.checked)}
      />
      <div className="toggle-text">
        <label htmlFor={id}>{label}</label>
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      </div>
      <span className="toggle-state" aria-hidden="true">
        {checked ? 'On' : 'Off'}
      </span>
    </div>
  );
}
