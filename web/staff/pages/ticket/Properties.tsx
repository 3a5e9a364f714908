import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { ClientDetail } from '../../../../contracts/directory.ts';
import type { StaffTicket, TicketPriority, TicketStatus } from '../../../../contracts/tickets.ts';
import { fullTime, priorityLabel, staffStatusLabel } from '../../../ui/format.ts';
import { TimeAgo } from '../../components.tsx';
import { useStaffMembers } from '../../directory.ts';
import { ALL_PRIORITIES } from '../../filters.ts';
import { useLoad } from '../../hooks.ts';
import { ApiError, errorMessage } from '../../http.ts';
import { useSession } from '../../session.tsx';
import type { TicketMutation } from '../Ticket.tsx';
import { PortalLinks } from './PortalLinks.tsx';

type Field = 'status' | 'priority' | 'assignee' | 'cc';

export function TicketProperties({
  ticket,
  mutate,
  announce,
}: {
  ticket: StaffTicket;
  mutate: TicketMutation;
  announce: (text: string) => void;
}) {
  const { staff } = useSession();
  const members = useStaffMembers();
  const [saving, setSaving] = useState<Partial<Record<Field, string>>>({});
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [detailsOpen, setDetailsOpen] = useState(false);
  const closed = ticket.status === 'closed';

  async function change(field: Field, value: string, body: Record<string, unknown>, done: string, path = '', method = 'PATCH') {
    setSaving((s) => ({ ...s, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
    try {
      await mutate(path, method, body);
      announce(done);
    } catch (err) {
      setErrors((e) => ({ ...e, [field]: describe(err) }));
    } finally {
      setSaving((s) => ({ ...s, [field]: undefined }));
    }
  }

  const statusOptions: TicketStatus[] = [ticket.status, ...ticket.allowedStatuses.filter((s) => s !== ticket.status)];
  const assigneeValue = saving.assignee ?? ticket.assignee?.id ?? '';

  return (
    <aside className="ticket-side card" aria-labelledby="properties-heading">
      <h2 id="properties-heading" className="section-title">
        Properties
      </h2>
      {closed && (
        <p className="side-note" id="closed-note">
          Closed tickets can’t be changed.
        </p>
      )}
      <div className="props-grid">
        <Prop id="prop-status" label="Status" error={errors.status} busy={saving.status !== undefined}>
          {(aria) => (
            <select
              {...aria}
              value={saving.status ?? ticket.status}
              disabled={closed}
              onChange={(e) => {
                const status = e.target.value as TicketStatus;
                void change('status', status, { status }, `Status set to ${staffStatusLabel[status]}`);
              }}
            >
              {statusOptions.map((s) => (
                <option key={s} value={s}>
                  {staffStatusLabel[s]}
                </option>
              ))}
            </select>
          )}
        </Prop>
        <Prop id="prop-priority" label="Priority" error={errors.priority} busy={saving.priority !== undefined}>
          {(aria) => (
            <select
              {...aria}
              value={saving.priority ?? ticket.priority}
              disabled={closed}
              onChange={(e) => {
                const priority = e.target.value as TicketPriority;
                void change('priority', priority, { priority }, `Priority set to ${priorityLabel[priority]}`);
              }}
            >
              {ALL_PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {priorityLabel[p]}
                </option>
              ))}
            </select>
          )}
        </Prop>
        <Prop id="prop-assignee" label="Assignee" error={errors.assignee} busy={saving.assignee !== undefined}>
          {(aria) => (
            <>
              <select
                {...aria}
                value={assigneeValue}
                disabled={closed}
                onChange={(e) => {
                  const id = e.target.value;
                  const name = members?.find((m) => m.id === id)?.name;
                  void change('assignee', id, { assigneeId: id || null }, id ? `Assigned to ${name ?? 'staff member'}` : 'Unassigned');
                }}
              >
                <option value="">Unassigned</option>
                {members?.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name}
                    {m.id === staff.id ? ' (you)' : ''}
                  </option>
                ))}
                {ticket.assignee && !members?.some((m) => m.id === ticket.assignee?.id) && (
                  <option value={ticket.assignee.id}>{ticket.assignee.name}</option>
                )}
              </select>
              {!closed && ticket.assignee?.id !== staff.id && (
                <button
                  type="button"
                  className="link-button assign-me"
                  disabled={saving.assignee !== undefined}
                  onClick={() => void change('assignee', staff.id, { assigneeId: staff.id }, 'Assigned to you')}
                >
                  Assign to me
                </button>
              )}
            </>
          )}
        </Prop>
      </div>

      <button
        type="button"
        className="btn btn-small details-toggle phone-only"
        aria-expanded={detailsOpen}
        aria-controls="ticket-details"
        onClick={() => setDetailsOpen((o) => !o)}
      >
        {detailsOpen ? 'Hide details' : `Requester, CC${ticket.cc.length ? ` (${ticket.cc.length})` : ''}, portal links and dates`}
      </button>
      <div id="ticket-details" className={`side-details${detailsOpen ? ' open' : ''}`}>
        <dl className="props-list">
          <div>
            <dt>Requester</dt>
            <dd>
              <span className="prop-strong">{ticket.requester.name}</span>
              <a href={`mailto:${ticket.requester.email}`} className="prop-email">
                {ticket.requester.email}
              </a>
            </dd>
          </div>
          <div>
            <dt>Client</dt>
            <dd>
              <Link to={`/clients/${ticket.client.id}`}>{ticket.client.name}</Link>
            </dd>
          </div>
        </dl>

        <CcEditor
          ticket={ticket}
          closed={closed}
          error={errors.cc}
          busy={saving.cc !== undefined}
          save={(ids, done) => change('cc', 'saving', { contactIds: ids }, done, '/cc', 'PUT')}
        />

        <PortalLinks ticket={ticket} />

        <dl className="props-list props-times">
          <div>
            <dt>Created</dt>
            <dd>{fullTime(ticket.createdAt)}</dd>
          </div>
          <div>
            <dt>Updated</dt>
            <dd>
              <TimeAgo iso={ticket.updatedAt} />
            </dd>
          </div>
          {ticket.solvedAt && (
            <div>
              <dt>Solved</dt>
              <dd>{fullTime(ticket.solvedAt)}</dd>
            </div>
          )}
          {ticket.closedAt && (
            <div>
              <dt>Closed</dt>
              <dd>{fullTime(ticket.closedAt)}</dd>
            </div>
          )}
          <div>
            <dt>Source</dt>
            <dd className="capitalize">{ticket.source}</dd>
          </div>
        </dl>
      </div>
    </aside>
  );
}

function describe(err: unknown): string {
  if (err instanceof ApiError && err.code === 'invalid_status_transition') {
    const allowed = Array.isArray(err.details.allowed) ? (err.details.allowed as TicketStatus[]) : [];
    return allowed.length
      ? `${err.message} It can move to: ${allowed.map((s) => staffStatusLabel[s] ?? s).join(', ')}.`
      : err.message;
  }
  if (err instanceof ApiError && err.fields.length) return err.fields.map((f) => f.message).join(' ');
  return errorMessage(err);
}

type Aria = { id: string; 'aria-invalid': boolean | undefined; 'aria-describedby': string | undefined };

function Prop({
  id,
  label,
  error,
  busy,
  children,
}: {
  id: string;
  label: string;
  error: string | undefined;
  busy: boolean;
  children: (aria: Aria) => ReactNode;
}) {
  return (
    <div className="prop">
      <div className="prop-label-row">
        <label htmlFor={id}>{label}</label>
        {busy && (
          <span className="prop-saving" aria-hidden="true">
            Saving…
          </span>
        )}
      </div>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': error ? `${id}-error` : undefined })}
      {error && (
        <p className="prop-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function CcEditor({
  ticket,
  closed,
  error,
  busy,
  save,
}: {
  ticket: StaffTicket;
  closed: boolean;
  error: string | undefined;
  busy: boolean;
  save: (ids: string[], done: string) => Promise<void>;
}) {
  const client = useLoad<ClientDetail>(closed ? null : `/clients/${ticket.client.id}`);
  const [pick, setPick] = useState('');
  const ccIds = ticket.cc.map((c) => c.id);
  const candidates = (client.data?.contacts ?? []).filter(
    (c) => c.status === 'active' && c.id !== ticket.requester.id && !ccIds.includes(c.id),
  );

  return (
    <section className="cc" aria-labelledby="cc-heading">
      <h3 id="cc-heading" className="prop-heading">
        CC
      </h3>
      {ticket.cc.length === 0 ? (
        <p className="muted small">Nobody is copied on this ticket.</p>
      ) : (
        <ul className="cc-list">
          {ticket.cc.map((c) => (
            <li key={c.id} className="cc-item">
              <span className="cc-text">
                <span className="prop-strong">{c.name}</span>
                <span className="prop-email">{c.email}</span>
              </span>
              {!closed && (
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Remove ${c.name} from CC`}
                  title={`Remove ${c.name} from CC`}
                  disabled={busy}
                  onClick={() => void save(ccIds.filter((id) => id !== c.id), `${c.name} removed from CC`)}
                >
                  <span aria-hidden="true">×</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {!closed && (
        <form
          className="cc-add"
          onSubmit={(e) => {
            e.preventDefault();
            if (!pick) return;
            const name = candidates.find((c) => c.id === pick)?.name ?? 'Contact';
            void save([...ccIds, pick], `${name} added to CC`).then(() => setPick(''));
          }}
        >
          <label htmlFor="cc-pick" className="visually-hidden">
            Add a contact to CC
          </label>
          <select
            id="cc-pick"
            value={pick}
            onChange={(e) => setPick(e.target.value)}
            disabled={!client.data || candidates.length === 0}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'cc-error' : undefined}
          >
            <option value="">
              {!client.data ? 'Loading contacts…' : candidates.length ? 'Add a contact…' : 'No other contacts'}
            </option>
            {candidates.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.email})
              </option>
            ))}
          </select>
          <button type="submit" className="btn btn-small" disabled={!pick || busy}>
            Add<span className="visually-hidden"> to CC</span>
          </button>
        </form>
      )}
      {error && (
        <p className="prop-error" id="cc-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
