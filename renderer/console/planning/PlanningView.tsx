/** Placeholder until this view is built. */
export function PlanningView() {
  return <div className="placeholder" data-state="ready">Planning — coming next.</div>;
}
