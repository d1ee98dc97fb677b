import type { WorkingHours } from './queries';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** Total hours in a week of working intervals, for a one-glance summary. */
export function weeklyHours(week: WorkingHours | null | undefined): number {
  if (!week) return 0;
  let min = 0;
  for (const d of DAYS) for (const [a, b] of week[d] ?? []) min += toMin(b) - toMin(a);
  return min / 60;
}
const toMin = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** "Mon–Fri 07:00–15:30" style one-line summary of a week. */
export function weekSummary(week: WorkingHours | null | undefined): string {
  if (!week) return '—';
  const key = (d: (typeof DAYS)[number]) => (week[d] ?? []).map(([a, b]) => `${a}–${b}`).join(', ');
  const parts: string[] = [];
  let i = 0;
  while (i < DAYS.length) {
    let j = i;
    while (j + 1 < DAYS.length && key(DAYS[j + 1]!) === key(DAYS[i]!)) j++;
    const k = key(DAYS[i]!);
    if (k) parts.push(`${cap(DAYS[i]!)}${j > i ? `–${cap(DAYS[j]!)}` : ''} ${k}`);
    i = j + 1;
  }
  return parts.join(' · ') || 'No hours';
}
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/**
 * Weekly intervals ("HH:MM"–"HH:MM", end may be "24:00"), the shape of WorkingHoursSchema. The
 * host validates (sorted, non-overlapping); its messages are shown under the day they concern.
 */
export function WeekEditor({
  value,
  onChange,
  errors = {},
  prefix,
  readOnly,
  testId,
}: {
  value: WorkingHours;
  onChange(v: WorkingHours): void;
  errors?: Record<string, string>;
  prefix: string;
  readOnly?: boolean;
  testId?: string;
}) {
  const setDay = (d: (typeof DAYS)[number], intervals: [string, string][]) => {
    const next: WorkingHours = { ...value };
    if (intervals.length) next[d] = intervals;
    else delete next[d];
    onChange(next);
  };
  return (
    <div className="adm-week" data-testid={testId}>
      {DAYS.map((d) => {
        const list = (value[d] ?? []) as [string, string][];
        const err = Object.entries(errors).find(([k]) => k === `${prefix}.${d}` || k.startsWith(`${prefix}.${d}.`))?.[1];
        return (
          <div key={d} style={{ display: 'contents' }}>
            <div className="day">{d}</div>
            <div>
              <div className="intervals" data-testid={`day-${d}`}>
                {list.length === 0 && <span className="closed">off</span>}
                {list.map(([a, b], i) => (
                  <span className="adm-interval" key={i}>
                    <input
                      aria-label={`${d} start ${i + 1}`}
                      value={a}
                      disabled={readOnly}
                      onChange={(e) =>
                        setDay(
                          d,
                          list.map((x, j) => (j === i ? [e.target.value, x[1]] : x)),
                        )
                      }
                      data-testid={`${d}-${i}-start`}
                    />
                    –
                    <input
                      aria-label={`${d} end ${i + 1}`}
                      value={b}
                      disabled={readOnly}
                      onChange={(e) =>
                        setDay(
                          d,
                          list.map((x, j) => (j === i ? [x[0], e.target.value] : x)),
                        )
                      }
                      data-testid={`${d}-${i}-end`}
                    />
                    {!readOnly && (
                      <button
                        title="Remove interval"
                        onClick={() =>
                          setDay(
                            d,
                            list.filter((_x, j) => j !== i),
                          )
                        }
                      >
                        ✕
                      </button>
                    )}
                  </span>
                ))}
                {!readOnly && (
                  <button
                    className="add-int"
                    onClick={() => setDay(d, [...list, list.length ? [list[list.length - 1]![1], '24:00'] : ['08:00', '16:00']])}
                    data-testid={`${d}-add`}
                  >
                    + interval
                  </button>
                )}
              </div>
              {err && <em className="adm-field-error small">{err}</em>}
            </div>
          </div>
        );
      })}
    </div>
  );
}
