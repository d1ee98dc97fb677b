import { useEffect, useState, type InputHTMLAttributes } from 'react';
import { useDepotFormat } from './context';

type Rest = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'type' | 'min' | 'max'>;

/**
 * A date typed the depot's way ("02/12/2026" in en-GB), not the browser's: a native date input
 * always follows the browser's locale, so a London depot's dispatcher on an en-US laptop read
 * 12/02/2026 and could not tell which day it was. The value is "YYYY-MM-DD" as before, meaning that
 * day at the depot. Text typed is kept as typed until it reads as a day; leaving the field rewrites
 * it in the depot's pattern, or flags it invalid.
 */
export function DateField({
  value,
  onChange,
  min,
  max,
  ...rest
}: Rest & { value: string; onChange(next: string): void; min?: string; max?: string }) {
  const fmt = useDepotFormat();
  const [text, setText] = useState(() => fmt.dateField(value));
  const [bad, setBad] = useState(false);
  // Follow the value when it changes from outside (presets, arrows), not while the text is being typed.
  useEffect(() => {
    if (fmt.parseDateField(text) !== value) {
      setText(fmt.dateField(value));
      setBad(false);
    }
    // `text` is left out on purpose: only an outside change of `value` (or the depot) rewrites it.
  }, [value, fmt]);
  const read = (t: string) => {
    const key = fmt.parseDateField(t);
    return key && (!min || key >= min) && (!max || key <= max) ? key : null;
  };
  return (
    <input
      {...rest}
      type="text"
      inputMode="numeric"
      placeholder={fmt.pattern.placeholder}
      title={`Date at the depot, ${fmt.pattern.placeholder}`}
      aria-invalid={bad || undefined}
      value={text}
      size={11}
      onChange={(e) => {
        setText(e.target.value);
        const key = read(e.target.value);
        setBad(false);
        if (key) onChange(key);
        else if (e.target.value.trim() === '') onChange('');
      }}
      onBlur={() => {
        const key = read(text);
        if (key) setText(fmt.dateField(key));
        else setBad(text.trim() !== '');
      }}
    />
  );
}

/**
 * A depot wall-clock time: a DateField and a time typed the locale's way ("13:00" / "1:00 PM").
 * The value is "YYYY-MM-DDTHH:mm" on the depot's clock (the form's draft; fmt.instant turns it into
 * an instant), so 13:00 means 13:00 at the depot in any browser. A date without a time is 09:00.
 */
export function DateTimeField({
  value,
  onChange,
  label,
  disabled,
  testId,
}: {
  value: string;
  onChange(next: string): void;
  label: string;
  disabled?: boolean;
  testId?: string;
}) {
  const fmt = useDepotFormat();
  const [day = '', hhmm = ''] = value.split('T');
  const [time, setTime] = useState(() => (hhmm ? fmt.timeField(hhmm) : ''));
  const [bad, setBad] = useState(false);
  // Follow an outside change (undo, someone else's save), not the one this field just made.
  useEffect(() => {
    if (fmt.parseTimeField(time) !== (hhmm || null)) {
      setTime(hhmm ? fmt.timeField(hhmm) : '');
      setBad(false);
    }
    // `time` is left out on purpose: typing must not be rewritten mid-word.
  }, [hhmm, fmt]);
  return (
    <span className="date-time-field">
      <DateField
        aria-label={`${label} date`}
        data-testid={testId ? `${testId}-date` : undefined}
        disabled={disabled}
        value={day}
        onChange={(d) => {
          if (!d) return onChange('');
          const t = fmt.parseTimeField(time) ?? '09:00';
          if (!time) setTime(fmt.timeField(t));
          onChange(`${d}T${t}`);
        }}
      />
      <input
        type="text"
        aria-label={`${label} time`}
        aria-invalid={bad || undefined}
        data-testid={testId ? `${testId}-time` : undefined}
        disabled={disabled}
        placeholder={fmt.timeField('13:00')}
        title="Time at the depot"
        size={8}
        value={time}
        onChange={(e) => {
          setTime(e.target.value);
          setBad(false);
          const t = fmt.parseTimeField(e.target.value);
          if (t && day) onChange(`${day}T${t}`);
        }}
        onBlur={() => {
          const t = fmt.parseTimeField(time);
          if (t) setTime(fmt.timeField(t));
          else setBad(time.trim() !== '');
        }}
      />
    </span>
  );
}
