// One DepotDesk per user session: two would open the same SQLite database and fight over the ports.

export interface InstanceApp {
  requestSingleInstanceLock(): boolean;
  on(event: 'second-instance', listener: () => void): unknown;
  quit(): void;
}

/** True when this is the first instance; a second one quits and the first brings its window forward. */
export function claimSingleInstance(app: InstanceApp, focusExisting: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', focusExisting);
  return true;
}
