/** Placeholder until this view is built. */
export function BoardView() {
  return <div className="placeholder" data-state="ready">SLA board — coming next.</div>;
}
