import { useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import type { ClientSummary } from '../../../contracts/directory.ts';
import { ErrorAlert, Field, Loading, PageHeading } from '../components.tsx';
import { invalidateClients } from '../directory.ts';
import { useLoad, usePageTitle } from '../hooks.ts';
import { ApiError, errorMessage, staffApi } from '../http.ts';
import { useSession } from '../session.tsx';

export function ClientsPage() {
  usePageTitle('Clients');
  const { staff } = useSession();
  const list = useLoad<{ items: ClientSummary[] }>('/clients');

  return (
    <div className="page">
      <div className="page-head">
        <PageHeading>Clients</PageHeading>
      </div>
      {staff.role === 'admin' && <AddClient />}
      {!list.data ? (
        list.error ? (
          <ErrorAlert error={list.error} />
        ) : (
          <Loading what="clients" />
        )
      ) : list.data.items.length === 0 ? (
        <p className="empty card">No clients yet.</p>
      ) : (
        <div className="table-wrap card">
          <table className="data-table">
            <caption className="visually-hidden">Clients</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col" className="num">
                  Contacts
                </th>
                <th scope="col" className="num">
                  Open tickets
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/clients/${c.id}`} className="strong-link">
                      {c.name}
                    </Link>
                  </td>
                  <td className="num">{c.contacts}</td>
                  <td className="num">
                    {c.openTickets > 0 ? (
                      <Link to={`/?client=${c.id}`} aria-label={`${c.openTickets} open tickets for ${c.name}`}>
                        {c.openTickets}
                      </Link>
                    ) : (
                      <span className="muted">0</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {staff.role !== 'admin' && <p className="muted small">Only admins can add clients.</p>}
    </div>
  );
}

function AddClient() {
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [error, setError] = useState<{ field?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) {
      setError({ field: 'Enter the client’s name' });
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError({});
    try {
      const { id } = await staffApi<{ id: string }>('/clients', { method: 'POST', body: { name: name.trim() } });
      invalidateClients();
      navigate(`/clients/${id}`, { state: { created: true } });
    } catch (err) {
      setBusy(false);
      const field = err instanceof ApiError ? err.field('name') : undefined;
      setError(field ? { field } : { form: errorMessage(err) });
      input.current?.focus();
    }
  }

  return (
    <form className="card inline-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="add-client-heading">
      <h2 id="add-client-heading" className="section-title">
        Add a client
      </h2>
      <ErrorAlert error={error.form} />
      <div className="inline-form-row">
        <Field id="client-name" label="Client name" error={error.field}>
          {(aria) => (
            <input {...aria} ref={input} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" maxLength={120} />
          )}
        </Field>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          Add client
        </button>
      </div>
    </form>
  );
}
