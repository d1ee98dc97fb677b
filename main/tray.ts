// The tray icon: is the depot host up, where do crews connect, and the few things a dispatcher does
// without opening the window (crew LAN on/off, quit). Pure template functions; index wiring builds the Tray.
import type { HostStatus } from './host-process.js';
import type { MenuItem, ShellActions } from './menu-types.js';

export function hostStatusLabel(status: HostStatus): string {
  switch (status.state) {
    case 'starting':
      return status.attempt > 1 ? 'Depot host: starting again…' : 'Depot host: starting…';
    case 'ready':
      return `Depot host: running on port ${status.port}`;
    case 'restarting':
      return `Depot host: crashed, restarting in ${Math.ceil(status.inMs / 1000)} s`;
    case 'failed':
      return 'Depot host: stopped after repeated crashes';
    case 'stopped':
      return 'Depot host: stopped';
  }
}

export function lanLabel(status: HostStatus, lanEnabled: boolean): string {
  if (!lanEnabled) return 'Crew LAN access: off';
  if (status.state !== 'ready') return 'Crew LAN access: on (waiting for the host)';
  if (status.lan.crewUrl) return `Crews connect at ${status.lan.crewUrl}`;
  return `Crew LAN: ${status.lan.problem ?? 'address not known yet'}`;
}

export function trayTooltip(status: HostStatus, lanEnabled: boolean): string {
  return `DepotDesk — ${hostStatusLabel(status).replace('Depot host: ', 'host ')}\n${lanLabel(status, lanEnabled)}`;
}

export function trayMenuTemplate(status: HostStatus, lanEnabled: boolean, actions: ShellActions): MenuItem[] {
  return [
    { label: 'Open console', click: actions.showConsole },
    { type: 'separator' },
    { label: hostStatusLabel(status), enabled: false },
    { label: lanLabel(status, lanEnabled), enabled: false },
    { type: 'separator' },
    {
      label: 'Crew LAN access',
      type: 'checkbox',
      checked: lanEnabled,
      // Switching restarts the host; not while it is already (re)starting.
      enabled: status.state === 'ready' || status.state === 'failed' || status.state === 'stopped',
      click: () => actions.setCrewLan(!lanEnabled),
    },
    { type: 'separator' },
    { label: 'Quit DepotDesk', click: actions.quit },
  ];
}
