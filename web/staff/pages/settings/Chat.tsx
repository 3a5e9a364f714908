/** Settings → Live chat: on or off for the portal, and the hours it is offered (always, or days and times in a time zone). */
import type { RefObject } from 'react';
import type { ChatSettings } from '../../../../contracts/chat.ts';
import type { FieldIssue } from '../../../../server/platform/errors.ts';
import { Field, Toggle } from '../../components.tsx';

/** The form's copy: the hours are kept (and shown again) while "always open" is picked. */
export type ChatDraft = { enabled: boolean; scheduled: boolean; timezone: string; days: number[]; from: string; to: string };
export type ChatErrors = Partial<Record<'enabled' | 'hours' | 'days' | 'from' | 'to' | 'timezone', string>>;
export type ChatRefs = {
  days: RefObject<HTMLInputElement | null>;
  from: RefObject<HTMLInputElement | null>;
  to: RefObject<HTMLInputElement | null>;
  timezone: RefObject<HTMLSelectElement | null>;
};

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

let zones: string[] | null = null;
/** Every IANA zone the browser knows, with the ones in use added if missing (UTC, an old alias). */
function timeZones(extra: string[]): string[] {
  if (!zones) {
    try {
      zones = Intl.supportedValuesOf('timeZone');
    } catch {
      zones = [];
    }
  }
  const all = new Set(zones);
  for (const z of [...extra, 'UTC']) if (z) all.add(z);
  return [...all].sort((a, b) => a.localeCompare(b));
}

export const toChatDraft = (c: ChatSettings): ChatDraft => ({
  enabled: c.enabled,
  scheduled: c.hours !== null,
  timezone: c.hours?.timezone ?? browserTimeZone(),
  days: c.hours?.days ?? [1, 2, 3, 4, 5],
  from: c.hours?.from ?? '09:00',
  to: c.hours?.to ?? '17:00',
});

export const fromChatDraft = (d: ChatDraft): ChatSettings => ({
  enabled: d.enabled,
  hours: d.scheduled ? { timezone: d.timezone, days: [...new Set(d.days)].sort((a, b) => a - b), from: d.from, to: d.to } : null,
});

export function sameChat(d: ChatDraft, c: ChatSettings): boolean {
  const x = fromChatDraft(d);
  if (x.enabled !== c.enabled) return false;
  if (!x.hours || !c.hours) return x.hours === c.hours;
  const days = [...new Set(c.hours.days)].sort((a, b) => a - b);
  return (
    x.hours.timezone === c.hours.timezone &&
    x.hours.from === c.hours.from &&
    x.hours.to === c.hours.to &&
    x.hours.days.join(',') === days.join(',')
  );
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The same checks as the server (contracts/chat.ts), so most mistakes show without a round trip. */
export function chatProblems(d: ChatDraft): ChatErrors {
  if (!d.scheduled) return {};
  const found: ChatErrors = {};
  if (d.days.length === 0) found.days = 'Pick at least one day';
  if (!HHMM.test(d.from)) found.from = 'Enter the opening time (HH:MM, 24-hour)';
  if (!HHMM.test(d.to)) found.to = 'Enter the closing time (HH:MM, 24-hour)';
  else if (HHMM.test(d.from) && d.to <= d.from) found.to = 'Must be after the opening time';
  if (!d.timezone) found.timezone = 'Choose a time zone';
  return found;
}

/** The server's field messages (`chat.hours.to`, `chat.hours.days.0`…) by form field. */
export function chatFieldErrors(fields: FieldIssue[]): ChatErrors {
  const found: ChatErrors = {};
  for (const f of fields) {
    if (f.field !== 'chat' && !f.field.startsWith('chat.')) continue;
    const parts = f.field.split('.');
    const key = parts[1] === 'hours' ? parts[2] : parts[1];
    if (key === 'days' || key === 'from' || key === 'to' || key === 'timezone') found[key] ??= f.message;
    else if (key === 'enabled') found.enabled ??= f.message;
    else found.hours ??= f.message;
  }
  return found;
}

export const CHAT_ERROR_ORDER = ['days', 'from', 'to', 'timezone'] as const;

/** Monday first, as most schedules are read; the values are the contract's (0 = Sunday). */
const DAYS = [
  { value: 1, short: 'Mon', long: 'Monday' },
  { value: 2, short: 'Tue', long: 'Tuesday' },
  { value: 3, short: 'Wed', long: 'Wednesday' },
  { value: 4, short: 'Thu', long: 'Thursday' },
  { value: 5, short: 'Fri', long: 'Friday' },
  { value: 6, short: 'Sat', long: 'Saturday' },
  { value: 0, short: 'Sun', long: 'Sunday' },
];

export function ChatSection({
  value,
  onChange,
  errors,
  refs,
}: {
  value: ChatDraft;
  onChange: (v: ChatDraft) => void;
  errors: ChatErrors;
  refs: ChatRefs;
}) {
  const set = <K extends keyof ChatDraft>(k: K, v: ChatDraft[K]) => onChange({ ...value, [k]: v });
  const here = browserTimeZone();
  const toggleDay = (day: number) =>
    set('days', value.days.includes(day) ? value.days.filter((d) => d !== day) : [...value.days, day]);

  return (
    <section className="card form-card section" aria-labelledby="chat-heading">
      <h2 id="chat-heading" className="section-title">
        Live chat
      </h2>
      <p className="muted small">
        Signed-in customers can start a chat from the portal while a technician is available. Otherwise the portal offers the
        ticket form, and says when chat is open.
      </p>
      <Toggle
        id="chat-enabled"
        checked={value.enabled}
        onChange={(v) => set('enabled', v)}
        label="Offer live chat on the portal"
        hint="Technicians choose Online or Away in the staff app; chats reach those who are online."
      />
      {errors.enabled && (
        <p className="error-text small" role="alert">
          <span aria-hidden="true">⚠ </span>
          {errors.enabled}
        </p>
      )}
      <fieldset className={`plain-fieldset subsection${value.enabled ? '' : ' is-muted'}`}>
        <legend className="subsection-title">Chat hours</legend>
        <div className="radio-list">
          <div className="radio-row">
            <input
              id="chat-hours-always"
              type="radio"
              name="chat-hours"
              checked={!value.scheduled}
              aria-describedby="chat-hours-always-hint"
              onChange={() => set('scheduled', false)}
            />
            <div className="toggle-text">
              <label htmlFor="chat-hours-always">Always</label>
              <span className="hint" id="chat-hours-always-hint">
                Whenever at least one technician is online.
              </span>
            </div>
          </div>
          <div className="radio-row">
            <input
              id="chat-hours-set"
              type="radio"
              name="chat-hours"
              checked={value.scheduled}
              aria-describedby="chat-hours-set-hint"
              onChange={() => set('scheduled', true)}
            />
            <div className="toggle-text">
              <label htmlFor="chat-hours-set">On set days and hours</label>
              <span className="hint" id="chat-hours-set-hint">
                Outside them the portal shows the hours instead of the chat.
              </span>
            </div>
          </div>
        </div>
        {errors.hours && (
          <p className="error-text small" role="alert">
            <span aria-hidden="true">⚠ </span>
            {errors.hours}
          </p>
        )}
        {value.scheduled && (
          <div className="nested-field chat-hours">
            <fieldset
              className="plain-fieldset day-picker"
              aria-describedby={errors.days ? 'chat-days-error' : undefined}
              aria-invalid={errors.days ? true : undefined}
            >
              <legend className="field-label">Days</legend>
              <div className="chips">
                {DAYS.map((d, i) => (
                  <label key={d.value} className={`chip${value.days.includes(d.value) ? ' chip-on' : ''}`} htmlFor={`chat-day-${d.value}`}>
                    <input
                      id={`chat-day-${d.value}`}
                      ref={i === 0 ? refs.days : undefined}
                      type="checkbox"
                      checked={value.days.includes(d.value)}
                      onChange={() => toggleDay(d.value)}
                    />
                    <span aria-hidden="true">{d.short}</span>
                    <span className="visually-hidden">{d.long}</span>
                  </label>
                ))}
              </div>
              {errors.days && (
                <span className="error-text small" id="chat-days-error">
                  <span aria-hidden="true">⚠ </span>
                  {errors.days}
                </span>
              )}
            </fieldset>
            <div className="form-grid chat-times">
              <Field id="chat-from" label="Opens at" error={errors.from}>
                {(aria) => (
                  <input {...aria} ref={refs.from} type="time" step={60} value={value.from} onChange={(e) => set('from', e.target.value)} />
                )}
              </Field>
              <Field id="chat-to" label="Closes at" error={errors.to}>
                {(aria) => (
                  <input {...aria} ref={refs.to} type="time" step={60} value={value.to} onChange={(e) => set('to', e.target.value)} />
                )}
              </Field>
            </div>
            <Field
              id="chat-timezone"
              label="Time zone"
              error={errors.timezone}
              hint={value.timezone === here ? 'Your browser’s time zone.' : `Your browser’s time zone is ${here}.`}
            >
              {(aria) => (
                <select {...aria} ref={refs.timezone} value={value.timezone} onChange={(e) => set('timezone', e.target.value)}>
                  {timeZones([value.timezone, here]).map((z) => (
                    <option key={z} value={z}>
                      {z.replace(/_/g, ' ')}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
        )}
      </fieldset>
    </section>
  );
}
