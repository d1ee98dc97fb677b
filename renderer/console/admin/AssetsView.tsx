/** Placeholder until this view is built. */
export function AssetsView() {
  return <div className="placeholder" data-state="ready">Assets & locations — coming next.</div>;
}
