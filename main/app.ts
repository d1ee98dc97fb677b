// Wires the shell together: single instance, host supervision, hardened window, menus, tray, IPC.
// Takes the electron module as an argument (index.ts passes the real one; main/app.test.ts a fake),
// so nothing here loads Electron and every piece runs under plain Node in tests.
import fs from 'node:fs';
import path from 'node:path';
import { HostSupervisor, type ForkLike, type HostStatus, type Scheduler } from './host-process.js';
import { registerIpcHandlers } from './ipc/handlers.js';
import type { IpcMainLike } from './ipc/register.js';
import { applicationMenuTemplate } from './menu.js';
import type { MenuItem, ShellActions } from './menu-types.js';
import { createNotifier, type NotificationLike } from './notifications.js';
import { pickAndOpenReport, type DialogLike, type ShellLike } from './reports.js';
import {
  blockWebview,
  guardNavigation,
  guardRedirect,
  guardSession,
  windowOpenDecision,
  type GuardedContents,
  type GuardedSession,
  type GuardOptions,
  type PreventableEvent,
} from './security.js';
import { parseSettings, serializeSettings } from './settings.js';
import { claimSingleInstance } from './single-instance.js';
import { trayMenuTemplate, trayTooltip } from './tray.js';
import { originOf } from './trusted-url.js';
import { loadWindowState, serializeWindowState, trackWindowState, type Rect } from './window-state.js';
import { createConsoleWindow, loadConsole, type ConsoleWindowOptions, type WindowLike } from './windows.js';

export const APP_ID = 'works.depotdesk.console';
export const DOCS_URL = 'https://docs.depotdesk.dev/';
/** The console's fixed loopback port: a stable origin keeps the dispatcher signed in across launches. */
export const CONSOLE_PORT = 4400;

export type { WindowLike } from './windows.js';

export interface TrayLike {
  setToolTip(text: string): void;
  setContextMenu(menu: unknown): void;
  on(event: 'click', listener: () => void): unknown;
}

/** The slice of the electron module the shell uses. */
export interface ElectronLike<W extends WindowLike = WindowLike> {
  app: {
    readonly isPackaged: boolean;
    requestSingleInstanceLock(): boolean;
    on(event: 'second-instance' | 'window-all-closed' | 'activate', listener: () => void): unknown;
    on(event: 'before-quit', listener: (event: PreventableEvent) => void): unknown;
    on(event: 'web-contents-created', listener: (event: unknown, contents: GuardedContents) => void): unknown;
    whenReady(): Promise<unknown>;
    getPath(name: 'userData' | 'documents'): string;
    getVersion(): string;
    setAppUserModelId(id: string): void;
    quit(): void;
    exit(code?: number): void;
  };
  BrowserWindow: new (options: ConsoleWindowOptions) => W;
  utilityProcess: ForkLike;
  ipcMain: IpcMainLike;
  dialog: {
    showSaveDialog(win: W, options: Parameters<DialogLike['showSaveDialog']>[0]): ReturnType<DialogLike['showSaveDialog']>;
    showOpenDialog(win: W, options: Parameters<DialogLike['showOpenDialog']>[0]): ReturnType<DialogLike['showOpenDialog']>;
    showErrorBox(title: string, content: string): void;
  };
  shell: ShellLike;
  session: { defaultSession: GuardedSession };
  screen: { getAllDisplays(): { workArea: Rect }[]; getPrimaryDisplay(): { workArea: Rect } };
  Menu: { buildFromTemplate(template: MenuItem[]): unknown; setApplicationMenu(menu: unknown): void };
  Tray: new (image: string) => TrayLike;
  Notification: (new (options: {
    title: string;
    body: string;
    urgency?: 'normal' | 'critical';
    timeoutType?: 'default' | 'never';
  }) => NotificationLike) & { isSupported(): boolean };
}

export interface MainOptions {
  /** The dist/ folder holding main/, preload/, host/ and renderer/. */
  distDir: string;
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  /** process.resourcesPath when packaged (extraResources put basemap/ there). */
  resourcesPath?: string;
  /** For tests: a manual clock for the host supervisor's timers. */
  scheduler?: Scheduler;
  /** For tests: what "kill -9" does (never a real process.kill on a fake pid). */
  forceKill?: (pid: number) => void;
  log?: (line: string) => void;
}

export interface MainHandle {
  primary: boolean;
  /** Resolves once the window has been created and pointed at the console (tests await it). */
  ready: Promise<void>;
  supervisor?: HostSupervisor;
  window(): WindowLike | null;
  actions?: ShellActions;
}

const readText = (file: string) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
};

export function createMain<W extends WindowLike>(electron: ElectronLike<W>, opts: MainOptions): MainHandle {
  const { app } = electron;
  const log = opts.log ?? ((line: string) => console.log(`[depotdesk] ${line}`));
  let win: W | null = null;

  const showConsole = () => {
    if (win && !win.isDestroyed()) {
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
    } else if (supervisor.status.state === 'ready') {
      openWindow(supervisor.status.url);
    }
  };
  if (!claimSingleInstance(app, () => showConsole())) {
    return { primary: false, ready: Promise.resolve(), window: () => null };
  }

  const userData = app.getPath('userData');
  const dataDir = path.join(userData, 'depot');
  const reportsDir = path.join(dataDir, 'reports');
  const settingsFile = path.join(userData, 'settings.json');
  const stateFile = path.join(userData, 'window-state.json');
  const settings = parseSettings(readText(settingsFile));
  // dist/ sits beside resources/ both in the repository and inside app.asar.
  const iconDir = path.join(opts.distDir, '..', 'resources', 'icons', 'png');

  const supervisor = new HostSupervisor(
    electron.utilityProcess,
    {
      entry: path.join(opts.distDir, 'host', 'start.js'),
      dataDir,
      port: Number(opts.env.DEPOTDESK_PORT ?? CONSOLE_PORT),
      lan: settings.crewLan,
      baseEnv: opts.env,
      ...(app.isPackaged && opts.resourcesPath ? { resourcesDir: opts.resourcesPath } : {}),
    },
    opts.scheduler,
    opts.forceKill,
    log,
  );
  const consoleOrigin = () => (supervisor.status.state === 'ready' ? originOf(supervisor.status.url) : null);

  function openWindow(url: string) {
    const primary = electron.screen.getPrimaryDisplay().workArea;
    const state = loadWindowState(
      () => readText(stateFile),
      electron.screen.getAllDisplays().map((d) => d.workArea),
      primary,
    );
    const w = createConsoleWindow({
      BrowserWindow: electron.BrowserWindow,
      preloadPath: path.join(opts.distDir, 'preload', 'index.js'),
      state,
      iconPath: path.join(iconDir, '256x256.png'),
      guard: { consoleOrigin, openExternal: (u) => void electron.shell.openExternal(u), log },
    });
    win = w;
    trackWindowState(w, (s) => {
      try {
        fs.mkdirSync(userData, { recursive: true });
        fs.writeFileSync(stateFile, serializeWindowState(s));
      } catch (err) {
        log(`could not save the window state: ${String(err)}`);
      }
    });
    w.once('ready-to-show', () => {
      if (state.maximized) w.maximize();
      w.show();
    });
    w.on('closed', () => {
      if (win === w) win = null;
    });
    loadConsole(w, url, supervisor.setupCode, log);
    return w;
  }

  const setCrewLan = (enabled: boolean) => {
    settings.crewLan = enabled;
    try {
      fs.mkdirSync(userData, { recursive: true });
      fs.writeFileSync(settingsFile, serializeSettings(settings));
    } catch (err) {
      log(`could not save settings: ${String(err)}`);
    }
    // The host reads LAN on/off at start (server/config.ts; no API switches it live), so it restarts.
    supervisor.restart({ lan: enabled }).catch((err: unknown) => log(`host restart failed: ${String(err)}`));
  };

  let stoppedForQuit = false;
  const actions: ShellActions = {
    showConsole,
    setCrewLan,
    openDataFolder: () => void electron.shell.openPath(dataDir),
    openReport: () => {
      const parent = win;
      if (!parent) return;
      const dialog: DialogLike = {
        showSaveDialog: (o) => electron.dialog.showSaveDialog(parent, o),
        showOpenDialog: (o) => electron.dialog.showOpenDialog(parent, o),
      };
      pickAndOpenReport(dialog, electron.shell, reportsDir).catch((err: unknown) =>
        electron.dialog.showErrorBox('Open report', err instanceof Error ? err.message : String(err)),
      );
    },
    openDocs: () => void electron.shell.openExternal(DOCS_URL),
    openApiDocs: () => {
      if (supervisor.status.state === 'ready') void electron.shell.openExternal(`${supervisor.status.url}/api/docs`);
    },
    quit: () => app.quit(),
  };

  const ready = (async () => {
    await app.whenReady();
    if (opts.platform === 'win32') app.setAppUserModelId(APP_ID);
    guardSession(electron.session.defaultSession, { consoleOrigin, log });
    // Every web contents, including any a future feature creates, gets the same guards.
    // Safety net for every web contents, including any not made by windows.ts (a future feature's,
    // DevTools): the same decisions, but it opens no link itself, so on the console window a trusted
    // link is opened once, by the window's own guard (whose window-open handler replaces this one).
    const net: GuardOptions = { consoleOrigin, log };
    app.on('web-contents-created', (_event, contents) => {
      contents.on('will-navigate', (event, url) => guardNavigation(event, url, net));
      contents.on('will-redirect', (event, url) => guardRedirect(event, url, net));
      contents.on('will-attach-webview', (event) => blockWebview(event, net));
      contents.setWindowOpenHandler(({ url }) => windowOpenDecision(url, net));
    });
    const parentDialog: DialogLike = {
      showSaveDialog: (o) => (win ? electron.dialog.showSaveDialog(win, o) : Promise.resolve({ canceled: true })),
      showOpenDialog: (o) => (win ? electron.dialog.showOpenDialog(win, o) : Promise.resolve({ canceled: true, filePaths: [] })),
    };
    registerIpcHandlers({
      ipcMain: electron.ipcMain,
      consoleOrigin,
      dialog: parentDialog,
      notifier: createNotifier({
        create: (o) => new electron.Notification(o),
        supported: () => electron.Notification.isSupported(),
        onClick: showConsole,
      }),
      saveDir: () => app.getPath('documents'),
      log,
    });

    const tray = new electron.Tray(path.join(iconDir, opts.platform === 'win32' ? '16x16.png' : '32x32.png'));
    tray.on('click', showConsole);
    let reportedFailure = false;
    const refresh = (status: HostStatus) => {
      const lan = supervisor.lanEnabled;
      const switchable = status.state === 'ready' || status.state === 'failed' || status.state === 'stopped';
      electron.Menu.setApplicationMenu(
        electron.Menu.buildFromTemplate(
          applicationMenuTemplate({
            platform: opts.platform,
            lanEnabled: lan,
            lanSwitchable: switchable,
            devTools: !app.isPackaged,
            actions,
          }),
        ),
      );
      tray.setToolTip(trayTooltip(status, lan));
      tray.setContextMenu(electron.Menu.buildFromTemplate(trayMenuTemplate(status, lan, actions)));
      if (status.state === 'ready') {
        reportedFailure = false;
        // First start opens the window; after a restart on another port, the window follows the host.
        if (!win || win.isDestroyed()) openWindow(status.url);
      }
      if (status.state === 'failed' && !reportedFailure) {
        reportedFailure = true;
        electron.dialog.showErrorBox(
          'DepotDesk depot host',
          `${status.message}\n\nThe log is in the terminal output; the data folder is ${dataDir}.`,
        );
      }
    };
    let lastUrl: string | null = null;
    supervisor.onStatus((status) => {
      refresh(status);
      if (status.state === 'ready') {
        if (lastUrl !== null && lastUrl !== status.url && win && !win.isDestroyed())
          loadConsole(win, status.url, supervisor.setupCode, log);
        lastUrl = status.url;
      }
    });
    refresh(supervisor.status);
    await supervisor.start();
  })();

  app.on('window-all-closed', () => {
    if (opts.platform !== 'darwin') app.quit();
  });
  app.on('activate', showConsole);
  app.on('before-quit', (event) => {
    if (stoppedForQuit) return;
    // Let the host close its database before the process goes (SIGTERM, then SIGKILL after a timeout).
    event.preventDefault();
    supervisor
      .stop()
      .catch((err: unknown) => log(`stopping the host: ${String(err)}`))
      .finally(() => {
        stoppedForQuit = true;
        app.quit();
      });
  });

  return { primary: true, ready, supervisor, window: () => win, actions };
}
