/** Placeholder until this view is built. */
export function MapView() {
  return <div className="placeholder" data-state="ready">Map — coming next.</div>;
}
