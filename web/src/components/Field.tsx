// Form fields with a visible label, an optional hint and an inline error, wired for screen
// readers (aria-invalid, aria-describedby). Text fields turn Arabic ي/ك into Persian ی/ک.
import { useId, type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes } from 'react';
import { normaliseLetters, normalisePersian } from '../app/text.ts';

interface FieldShellProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  required?: boolean;
  children: ReactNode;
  className?: string;
}

export function FieldShell({ id, label, hint, error, required, children, className }: FieldShellProps) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}${className ? ' ' + className : ''}`}>
      {/* The asterisk of a required field is drawn by CSS (with empty alternative text): the
          input's `required` already tells screen readers, and the label text stays clean. */}
      <label htmlFor={id} className={required ? 'is-required' : undefined}>
        {label}
      </label>
      {children}
      {hint && !error && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

export function describedBy(id: string, hint?: ReactNode, error?: string | null): string | undefined {
  return error ? `${id}-error` : hint ? `${id}-hint` : undefined;
}

type TextFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'> & {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  hint?: ReactNode;
  error?: string | null;
  /** Normalise Persian letters while typing and the whole text on blur (default: true for text). */
  normalise?: boolean;
  className?: string;
  ref?: Ref<HTMLInputElement>;
};

export function TextField({ label, value, onChange, hint, error, normalise, required, id: givenId, className, type = 'text', onBlur, ...rest }: TextFieldProps) {
  const autoId = useId();
  const id = givenId ?? autoId;
  const norm = normalise ?? (type === 'text' || type === 'search');
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} required={required} className={className}>
      <input
        id={id}
        type={type}
        value={value}
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        onChange={(e) => onChange(norm ? normaliseLetters(e.target.value) : e.target.value)}
        onBlur={(e) => {
          if (norm && value) {
            const n = normalisePersian(value);
            if (n !== value) onChange(n);
          }
          onBlur?.(e);
        }}
        {...rest}
      />
    </FieldShell>
  );
}

type SelectFieldProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'onChange' | 'value'> & {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  hint?: ReactNode;
  error?: string | null;
  options: { value: string; label: string }[];
  /** Text of an empty first option (value ''). */
  placeholder?: string;
  className?: string;
};

export function SelectField({ label, value, onChange, hint, error, options, placeholder, required, id: givenId, className, ...rest }: SelectFieldProps) {
  const autoId = useId();
  const id = givenId ?? autoId;
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} required={required} className={className}>
      <select id={id} value={value} required={required} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} onChange={(e) => onChange(e.target.value)} {...rest}>
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export function Checkbox({ label, checked, onChange, hint, disabled, id: givenId }: { label: ReactNode; checked: boolean; onChange: (v: boolean) => void; hint?: ReactNode; disabled?: boolean; id?: string }) {
  const autoId = useId();
  const id = givenId ?? autoId;
  return (
    <div className="check">
      <input id={id} type="checkbox" checked={checked} disabled={disabled} onChange={(e) => onChange(e.target.checked)} aria-describedby={hint ? `${id}-hint` : undefined} />
      <label htmlFor={id}>
        {label}
        {hint && (
          <span className="field-hint" id={`${id}-hint`}>
            {hint}
          </span>
        )}
      </label>
    </div>
  );
}

/** A form-level message (the API's error, or a success note), announced to screen readers. */
export function FormMessage({ kind = 'error', children }: { kind?: 'error' | 'success' | 'info'; children: ReactNode }) {
  if (!children) return null;
  return (
    <div className={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}
