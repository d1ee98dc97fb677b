/** Placeholder until the drawer is built. */
export function WorkOrderDrawer({ id, onClose }: { id: string; onClose(): void }) {
  return (
    <aside className="drawer" data-testid="wo-drawer" data-id={id}>
      <button className="link" onClick={onClose}>Close</button>
    </aside>
  );
}
