import { useRef, useState, type FormEvent } from 'react';
import { MIN_PASSWORD_LENGTH } from '../../../contracts/constants.ts';
import { Link, useLocation, useParams } from 'react-router';
import type { ClientDetail as ClientDetailBase } from '../../../contracts/directory.ts';
import { ErrorAlert, Field, Loading, PageHeading, isNotFound } from '../components.tsx';
import { invalidateClients } from '../directory.ts';
import { useLoad, usePageTitle } from '../hooks.ts';
import { ApiError, errorMessage, staffApi } from '../http.ts';
import { useSession } from '../session.tsx';

/** Since sign-in methods, a client also has the email domains its people may register with. */
type ClientDetail = ClientDetailBase & { emailDomains?: string[] };

const CONTACT_STATUS: Record<string, { label: string; badge: string }> = {
  active: { label: 'Active', badge: 'badge-active' },
  disabled: { label: 'Disabled', badge: 'badge-disabled' },
  invited: { label: 'Invited', badge: 'badge-invited' },
};

export function ClientDetailPage() {
  const { id = '' } = useParams();
  const created = (useLocation().state as { created?: boolean } | null)?.created === true;
  const client = useLoad<ClientDetail>(/^[0-9a-f-]{36}$/i.test(id) ? `/clients/${id}` : null);
  const missing = isNotFound(client.error) || !/^[0-9a-f-]{36}$/i.test(id);
  const c = client.data;
  usePageTitle(c ? c.name : missing ? 'Client not found' : 'Client');
  const [added, setAdded] = useState<string | null>(null);
  const [showAdd, setShowAdd] = useState(false);
  const { staff } = useSession();

  if (!c) {
    return (
      <div className="page">
        <Link to="/clients" className="back-link">
          <span aria-hidden="true">← </span>All clients
        </Link>
        <PageHeading>{missing ? 'Client not found' : 'Client'}</PageHeading>
        {missing ? <p>There is no such client in your workspace.</p> : client.error ? <ErrorAlert error={client.error} /> : <Loading what="client" />}
      </div>
    );
  }

  return (
    <div className="page">
      <Link to="/clients" className="back-link">
        <span aria-hidden="true">← </span>All clients
      </Link>
      <div className="page-head">
        <PageHeading>{c.name}</PageHeading>
        <div className="client-head-actions">
          <Link to={`/?client=${c.id}&status=all`} className="btn btn-small">
            View tickets
          </Link>
          {staff.role === 'admin' && (
            <>
              <Link to={`/settings/branding?client=${c.id}`} className="btn btn-small">
                Branding
              </Link>
              <Link to={`/settings/domains?client=${c.id}`} className="btn btn-small">
                Custom domain
              </Link>
            </>
          )}
        </div>
      </div>
      {created && !added && (
        <div className="alert alert-success" role="status">
          Client created. Invite the people who may use the customer portal below.
        </div>
      )}
      <section aria-labelledby="contacts-heading" className="section">
        <h2 id="contacts-heading" className="section-title">
          Contacts <span className="count">({c.contacts.length})</span>
        </h2>
        {c.contacts.length === 0 ? (
          <p className="empty card">No contacts yet. Invite the first one below.</p>
        ) : (
          <div className="table-wrap card">
            <table className="data-table contacts-table">
              <caption className="visually-hidden">Contacts of {c.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col" className="col-email">
                    Email
                  </th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {c.contacts.map((p) => (
                  <tr key={p.id} className={p.status === 'disabled' ? 'row-disabled' : undefined}>
                    <td>
                      <span className="strong">{p.name}</span>
                      <span className="inline-email">{p.email}</span>
                    </td>
                    <td className="break col-email">{p.email}</td>
                    <td>{p.role === 'manager' ? 'Manager' : 'Member'}</td>
                    <td>
                      <span className={`badge ${CONTACT_STATUS[p.status]?.badge ?? 'badge-disabled'}`}>
                        {CONTACT_STATUS[p.status]?.label ?? p.status}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <InviteContact
        clientId={c.id}
        onInvited={() => {
          invalidateClients();
          client.reload();
        }}
      />
      <div className="secondary-option">
        <button
          type="button"
          className="link-button"
          aria-expanded={showAdd}
          aria-controls="add-contact-section"
          onClick={() => setShowAdd((o) => !o)}
        >
          <span aria-hidden="true">{showAdd ? '▾ ' : '▸ '}</span>
          Or add a contact with an initial password
        </button>
      </div>
      {showAdd && (
        <AddContact
          clientId={c.id}
          added={added}
          onAdded={(name) => {
            setAdded(name);
            invalidateClients();
            client.reload();
          }}
        />
      )}
      <EmailDomains client={c} editable={staff.role === 'admin'} onSaved={client.setData} />
    </div>
  );
}

type ContactKey = 'name' | 'email' | 'role' | 'password';
type ContactBase = { name: string; email: string; role: 'member' | 'manager' };
type ContactErrors = Partial<Record<ContactKey | 'form', string>>;

/** Form state shared by the invite and add-contact forms: values, per-field errors, refs to focus the first error. */
function useContactForm<F extends ContactBase>(empty: F) {
  const [form, setForm] = useState<F>(empty);
  const [errors, setErrors] = useState<ContactErrors>({});
  const [busy, setBusy] = useState(false);
  const refs = {
    name: useRef<HTMLInputElement>(null),
    email: useRef<HTMLInputElement>(null),
    role: useRef<HTMLSelectElement>(null),
    password: useRef<HTMLInputElement>(null),
  };
  const set = <K extends keyof F & ContactKey>(k: K, v: F[K]) => {
    setForm((f) => ({ ...f, [k]: v }));
    if (errors[k]) setErrors((e) => ({ ...e, [k]: undefined }));
  };
  const focusFirst = (e: ContactErrors) => {
    const first = (['name', 'email', 'role', 'password'] as const).find((k) => e[k]);
    if (first) refs[first].current?.focus();
  };
  return { form, setForm, errors, setErrors, busy, setBusy, refs, set, focusFirst };
}

/** Client-side checks on the name and email every contact needs. */
function validateContact(form: ContactBase): ContactErrors {
  const local: ContactErrors = {};
  if (!form.name.trim()) local.name = 'Enter the contact’s name';
  if (!form.email.trim()) local.email = 'Enter an email address';
  else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.email.trim())) local.email = 'Enter a valid email address';
  return local;
}

/** Maps a failed request onto the form's fields, or onto the form as a whole. */
function contactErrorsFrom(err: unknown, fields: readonly ContactKey[]): ContactErrors {
  if (err instanceof ApiError && err.code === 'email_taken') return { email: err.message };
  if (err instanceof ApiError && err.fields.length) {
    const next: ContactErrors = {};
    for (const k of fields) next[k] = err.field(k);
    if (!Object.values(next).some(Boolean)) next.form = err.message;
    return next;
  }
  return { form: errorMessage(err) };
}

/** The name, email and role fields shared by the invite and add-contact forms. */
function ContactFields<F extends ContactBase>({
  idPrefix,
  form,
  errors,
  refs,
  set,
}: {
  idPrefix: string;
  form: F;
  errors: ContactErrors;
  refs: ReturnType<typeof useContactForm>['refs'];
  set: <K extends keyof F & ContactKey>(k: K, v: F[K]) => void;
}) {
  return (
    <>
      <Field id={`${idPrefix}-name`} label="Name" error={errors.name}>
        {(aria) => (
          <input {...aria} ref={refs.name} value={form.name} onChange={(e) => set('name', e.target.value)} autoComplete="off" maxLength={120} />
        )}
      </Field>
      <Field id={`${idPrefix}-email`} label="Email" error={errors.email}>
        {(aria) => (
          <input
            {...aria}
            ref={refs.email}
            type="email"
            value={form.email}
            onChange={(e) => set('email', e.target.value)}
            autoComplete="off"
            maxLength={254}
          />
        )}
      </Field>
      <Field id={`${idPrefix}-role`} label="Role" error={errors.role} hint="Managers see all of this client’s tickets; members see their own and those they’re copied on.">
        {(aria) => (
          <select {...aria} ref={refs.role} value={form.role} onChange={(e) => set('role', e.target.value as F['role'])}>
            <option value="member">Member</option>
            <option value="manager">Manager</option>
          </select>
        )}
      </Field>
    </>
  );
}

function InviteContact({ clientId, onInvited }: { clientId: string; onInvited: () => void }) {
  const empty: ContactBase = { name: '', email: '', role: 'member' };
  const { form, setForm, errors, setErrors, busy, setBusy, refs, set, focusFirst } = useContactForm(empty);
  const [sent, setSent] = useState<string | null>(null);

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    const local = validateContact(form);
    if (Object.keys(local).length) {
      setErrors(local);
      focusFirst(local);
      return;
    }
    setBusy(true);
    setErrors({});
    setSent(null);
    try {
      const email = form.email.trim();
      await staffApi<{ ok: true; contactId: string }>(`/clients/${clientId}/invitations`, {
        method: 'POST',
        body: { name: form.name.trim(), email, role: form.role },
      });
      setForm(empty);
      setSent(email);
      onInvited();
    } catch (err) {
      const next = contactErrorsFrom(err, ['name', 'email', 'role']);
      setErrors(next);
      focusFirst(next);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card form-card section" aria-labelledby="invite-heading">
      <h2 id="invite-heading" className="section-title">
        Invite contact
      </h2>
      <p className="muted small">
        We email them a link to choose their own password and sign in to the customer portal. The link works once. Inviting someone
        again sends a new link and cancels the old one.
      </p>
      <div role="status" className="status-slot">
        {sent && <div className="alert alert-success">Invitation sent to {sent}</div>}
      </div>
      <ErrorAlert error={errors.form} />
      <form onSubmit={(e) => void submit(e)} noValidate className="form-grid">
        <ContactFields idPrefix="invite" form={form} errors={errors} refs={refs} set={set} />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Sending…' : 'Send invitation'}
          </button>
        </div>
      </form>
    </section>
  );
}

/** "acme.com, acme.co.uk" or one per line → ["acme.com", "acme.co.uk"]. */
function parseDomains(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((d) => d.trim().replace(/^@/, '').toLowerCase())
    .filter(Boolean);
}

function EmailDomains({ client, editable, onSaved }: { client: ClientDetail; editable: boolean; onSaved: (c: ClientDetail) => void }) {
  const current = client.emailDomains ?? [];
  const [text, setText] = useState(current.join(', '));
  const [error, setError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | undefined>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const dirty = parseDomains(text).join(',') !== current.join(',');
  const explain = 'People with these email domains can create their own account when registration is limited to known domains.';

  async function submit(e: FormEvent) {
    e.preventDefault();
    const domains = [...new Set(parseDomains(text))];
    setBusy(true);
    setError(undefined);
    setFormError(undefined);
    setSaved(false);
    try {
      const next = await staffApi<ClientDetail>(`/clients/${client.id}`, { method: 'PATCH', body: { emailDomains: domains } });
      onSaved(next);
      setText((next.emailDomains ?? domains).join(', '));
      setSaved(true);
    } catch (err) {
      if (err instanceof ApiError && err.fields.length) {
        const messages = err.fields
          .filter((f) => f.field === 'emailDomains' || f.field.startsWith('emailDomains.'))
          .map((f) => {
            const n = Number(f.field.split('.')[1]);
            const domain = Number.isInteger(n) ? domains[n] : undefined;
            return domain ? `“${domain}”: ${f.message}` : f.message;
          });
        if (messages.length) {
          setError(messages.join('; '));
          input.current?.focus();
        } else setFormError(err.message);
      } else setFormError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  if (!editable) {
    return (
      <section className="card form-card section" aria-labelledby="domains-heading">
        <h2 id="domains-heading" className="section-title">
          Email domains
        </h2>
        <p className="muted small">{explain}</p>
        {current.length ? (
          <ul className="domain-list">
            {current.map((d) => (
              <li key={d} className="mono">
                {d}
              </li>
            ))}
          </ul>
        ) : (
          <p>None. Only admins can add email domains.</p>
        )}
      </section>
    );
  }

  return (
    <section className="card form-card section" aria-labelledby="domains-heading">
      <h2 id="domains-heading" className="section-title">
        Email domains
      </h2>
      <div role="status" className="status-slot">
        {saved && !dirty && <div className="alert alert-success">Email domains saved.</div>}
      </div>
      <ErrorAlert error={formError} />
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field id="client-domains" label="Domains" error={error} hint={`${explain} Separate several with commas or spaces, for example “acme.com, acme.co.uk”.`}>
          {(aria) => (
            <input
              {...aria}
              ref={input}
              value={text}
              onChange={(e) => {
                setText(e.target.value);
                setError(undefined);
              }}
              autoComplete="off"
              spellCheck={false}
              autoCapitalize="off"
              placeholder="acme.com, acme.co.uk"
            />
          )}
        </Field>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Save domains
          </button>
          {dirty && !busy && <span className="muted small">You have unsaved changes.</span>}
        </div>
      </form>
    </section>
  );
}

type Form = ContactBase & { password: string };

function AddContact({ clientId, added, onAdded }: { clientId: string; added: string | null; onAdded: (name: string) => void }) {
  const { workspace } = useSession();
  const empty: Form = { name: '', email: '', role: 'member', password: '' };
  const { form, setForm, errors, setErrors, busy, setBusy, refs, set, focusFirst } = useContactForm(empty);

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    const local = validateContact(form);
    if (!form.password) local.password = 'Set an initial password';
    else if (form.password.length < MIN_PASSWORD_LENGTH) local.password = `Too short: use at least ${MIN_PASSWORD_LENGTH} characters`;
    if (Object.keys(local).length) {
      setErrors(local);
      focusFirst(local);
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      await staffApi(`/clients/${clientId}/contacts`, {
        method: 'POST',
        body: { name: form.name.trim(), email: form.email.trim(), role: form.role, password: form.password },
      });
      setForm(empty);
      onAdded(form.name.trim());
    } catch (err) {
      const next = contactErrorsFrom(err, ['name', 'email', 'role', 'password']);
      setErrors(next);
      focusFirst(next);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card form-card section" aria-labelledby="add-contact-heading" id="add-contact-section">
      <h2 id="add-contact-heading" className="section-title">
        Add contact with a password
      </h2>
      <p className="muted small">
        Contacts sign in to the customer portal at <span className="break">{workspace.portalUrl}</span> with their email and the
        initial password you set here. Share it with them in a secure way.
      </p>
      {added && (
        <div className="alert alert-success" role="status">
          {added} was added.
        </div>
      )}
      <ErrorAlert error={errors.form} />
      <form onSubmit={(e) => void submit(e)} noValidate className="form-grid">
        <ContactFields idPrefix="contact" form={form} errors={errors} refs={refs} set={set} />
        <Field id="contact-password" label="Initial password" error={errors.password} hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}>
          {(aria) => (
            <input
              {...aria}
              ref={refs.password}
              type="text"
              value={form.password}
              onChange={(e) => set('password', e.target.value)}
              autoComplete="new-password"
              spellCheck={false}
              className="mono"
            />
          )}
        </Field>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Add contact
          </button>
        </div>
      </form>
    </section>
  );
}
