/** Settings → Knowledge base: the language its search understands (stemming and stop words). */
import type { RefObject } from 'react';
import type { KbLanguage } from '../../../../contracts/kb.ts';
import { Field } from '../../components.tsx';
import { KB_LANGUAGES, languageLabel } from '../kb/shared.tsx';

export type KbSettings = { language: KbLanguage };

export function KbSection({
  value,
  onChange,
  error,
  selectRef,
}: {
  value: KbSettings;
  onChange: (v: KbSettings) => void;
  error: string | undefined;
  selectRef: RefObject<HTMLSelectElement | null>;
}) {
  const known = KB_LANGUAGES.includes(value.language);
  return (
    <section className="card form-card section" aria-labelledby="kb-settings-heading">
      <h2 id="kb-settings-heading" className="section-title">
        Knowledge base
      </h2>
      <p className="muted small">
        Articles are searched in this language, in the portal and here, so that “printers” also finds “printer”. Choose the
        language your articles are written in.
      </p>
      <Field id="kb-language" label="Search language" error={error} hint="Saving a new language re-indexes every article.">
        {(aria) => (
          <select
            {...aria}
            ref={selectRef}
            value={value.language}
            onChange={(e) => onChange({ language: e.target.value as KbLanguage })}
            className="kb-language-select"
          >
            {KB_LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {languageLabel(l)}
              </option>
            ))}
            {!known && <option value={value.language}>{value.language}</option>}
          </select>
        )}
      </Field>
    </section>
  );
}
