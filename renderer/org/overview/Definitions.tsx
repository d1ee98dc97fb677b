/**
 * What each figure counts, in a manager's words (the engine's definitions are in
 * server/reports/kpi-types.ts; the depots' Reports view and the PDF use the same ones).
 */
const TERMS: [string, string][] = [
  ['Open now, overdue now', 'Work open at this moment; overdue if past its resolution due time. Not tied to the period.'],
  ['Created, completed', 'Work orders created, or completed, within the period.'],
  ['Backlog', 'Work open at the end of the period, or now if the period runs to today.'],
  ['On time', 'Of the work completed in the period that had a planned end, the share completed by it.'],
  [
    'SLA response, SLA resolution',
    'Of the SLA clocks that stopped in the period, or ran out while still open, the share met. Time on hold does not count against resolution.',
  ],
  ['MTTR', 'Mean time to repair: hours from creation to completion, less time on hold, for work completed in the period.'],
  ['First-time fix', 'Completed work with no rejected closure and no follow-up breakdown on the same asset within 30 days.'],
  ['Last sync', "When the depot last sent or fetched changes. Its figures here are as of then, and this page's own catch-up."],
];

export function Definitions() {
  return (
    <details className="org-definitions">
      <summary>What the figures mean</summary>
      <dl>
        {TERMS.map(([term, meaning]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{meaning}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
