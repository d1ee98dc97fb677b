// The application menu. Standard roles where the OS has them; our own items call ShellActions.
import type { MenuItem, ShellActions } from './menu-types.js';

export function applicationMenuTemplate(opts: {
  platform: NodeJS.Platform;
  lanEnabled: boolean;
  lanSwitchable: boolean;
  devTools: boolean;
  actions: ShellActions;
}): MenuItem[] {
  const { actions } = opts;
  const isMac = opts.platform === 'darwin';
  const file: MenuItem = {
    label: 'File',
    submenu: [
      { label: 'Open report…', accelerator: 'CmdOrCtrl+O', click: actions.openReport },
      { label: 'Open data folder', click: actions.openDataFolder },
      { type: 'separator' },
      isMac ? { role: 'close' } : { label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: actions.quit },
    ],
  };
  const depot: MenuItem = {
    label: 'Depot',
    submenu: [
      {
        label: 'Crew LAN access',
        type: 'checkbox',
        checked: opts.lanEnabled,
        enabled: opts.lanSwitchable,
        click: () => actions.setCrewLan(!opts.lanEnabled),
      },
    ],
  };
  const view: MenuItem = {
    label: 'View',
    submenu: [
      { role: 'reload' },
      ...(opts.devTools ? [{ role: 'toggleDevTools' } as MenuItem] : []),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const help: MenuItem = {
    label: 'Help',
    submenu: [
      { label: 'DepotDesk documentation', click: actions.openDocs },
      { label: 'API documentation (this depot)', click: actions.openApiDocs },
    ],
  };
  return [
    ...(isMac ? [{ role: 'appMenu' } as MenuItem] : []),
    file,
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    view,
    depot,
    { role: 'windowMenu' },
    help,
  ];
}
