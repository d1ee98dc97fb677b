/** Placeholder until this view is built. */
export function SettingsView() {
  return <div className="placeholder" data-state="ready">Settings — coming next.</div>;
}
