/** The subset of Electron's MenuItemConstructorOptions that menu.ts and tray.ts build. */
export interface MenuItem {
  label?: string;
  role?:
    | 'quit'
    | 'undo'
    | 'redo'
    | 'cut'
    | 'copy'
    | 'paste'
    | 'selectAll'
    | 'reload'
    | 'forceReload'
    | 'toggleDevTools'
    | 'resetZoom'
    | 'zoomIn'
    | 'zoomOut'
    | 'togglefullscreen'
    | 'minimize'
    | 'close'
    | 'about'
    | 'hide'
    | 'hideOthers'
    | 'unhide'
    | 'appMenu'
    | 'windowMenu';
  type?: 'normal' | 'separator' | 'checkbox';
  checked?: boolean;
  enabled?: boolean;
  accelerator?: string;
  click?: () => void;
  submenu?: MenuItem[];
}

/** What the menus and the tray can ask main to do. */
export interface ShellActions {
  showConsole(): void;
  setCrewLan(enabled: boolean): void;
  openDataFolder(): void;
  openReport(): void;
  openDocs(): void;
  openApiDocs(): void;
  quit(): void;
}
