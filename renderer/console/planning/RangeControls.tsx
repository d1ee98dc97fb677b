import { DateField } from '../../shared/locale/DateField';
import { shiftRange, defaultRange, todayIn, type ViewName } from './timeline';

export interface PlanDates {
  fromDate: string;
  toDate: string;
}

/** The planning toolbar's day/week/month switch, earlier/today/later and the from/to dates (depot zone). */
export function RangeControls({
  view,
  onView,
  dates,
  setDates,
  zone,
}: {
  view: ViewName;
  onView(v: ViewName): void;
  dates: PlanDates | null;
  setDates(d: PlanDates): void;
  zone: string;
}) {
  return (
    <>
      <div className="seg" role="group" aria-label="View">
        {(['Day', 'Week', 'Month'] as const).map((v) => (
          <button key={v} className={v === view ? 'on' : ''} onClick={() => onView(v)} data-testid={`view-${v.toLowerCase()}`}>
            {v}
          </button>
        ))}
      </div>
      <button onClick={() => dates && setDates(shiftRange(dates.fromDate, dates.toDate, -1, zone))} aria-label="Earlier" title="Earlier">
        ‹
      </button>
      <button onClick={() => setDates(defaultRange(view, todayIn(zone), zone))} data-testid="plan-today">
        Today
      </button>
      <button onClick={() => dates && setDates(shiftRange(dates.fromDate, dates.toDate, 1, zone))} aria-label="Later" title="Later">
        ›
      </button>
      <label className="range">
        From{' '}
        <DateField
          value={dates?.fromDate ?? ''}
          onChange={(v) => v && dates && setDates({ ...dates, fromDate: v })}
          data-testid="plan-from"
        />
      </label>
      <label className="range">
        to <DateField value={dates?.toDate ?? ''} onChange={(v) => v && dates && setDates({ ...dates, toDate: v })} data-testid="plan-to" />
      </label>
    </>
  );
}
