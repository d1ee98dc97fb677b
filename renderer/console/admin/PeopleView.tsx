/** Placeholder until this view is built. */
export function PeopleView() {
  return <div className="placeholder" data-state="ready">Teams & people — coming next.</div>;
}
