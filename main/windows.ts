// The console window is made here and nowhere else, with everything that keeps it safe in plain sight
// at the constructor (STYLE 5; Electron's docs/tutorial/security.md): the full webPreferences literal,
// and the will-navigate / will-redirect / will-attach-webview listeners and the window-open handler on
// its webContents. A reader, or a scanner such as Electronegativity, sees them where the window is
// built; the decisions they call live in security.ts and are tested there.
import { SetupCode } from './host-process.js';
import { blockWebview, guardNavigation, guardRedirect, windowOpenDecision, type GuardedContents, type GuardOptions } from './security.js';
import { redactSecrets } from './trusted-url.js';
import { MIN_SIZE, type TrackedWindow, type WindowState } from './window-state.js';

/** The parts of BrowserWindow the shell uses (a fake in tests). */
export interface WindowLike extends TrackedWindow {
  webContents: GuardedContents;
  loadURL(url: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'closed' | 'resize' | 'move' | 'close', listener: () => void): unknown;
  show(): void;
  focus(): void;
  restore(): void;
  maximize(): void;
  isMinimized(): boolean;
  isDestroyed(): boolean;
}

/**
 * What the console window is constructed with. The security-relevant preferences are literal types,
 * so the compiler refuses a change to any of them, not only this file's reviewer.
 */
export interface ConsoleWindowOptions {
  x: number;
  y: number;
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  title: string;
  backgroundColor: string;
  show: false;
  icon?: string;
  webPreferences: {
    preload: string;
    contextIsolation: true;
    sandbox: true;
    nodeIntegration: false;
    nodeIntegrationInWorker: false;
    nodeIntegrationInSubFrames: false;
    webSecurity: true;
    allowRunningInsecureContent: false;
    webviewTag: false;
    experimentalFeatures: false;
    navigateOnDragDrop: false;
    spellcheck: false;
  };
}

export interface ConsoleWindowDeps<W extends WindowLike> {
  BrowserWindow: new (options: ConsoleWindowOptions) => W;
  preloadPath: string;
  state: WindowState;
  iconPath?: string;
  /** The console's current origin, the system browser for trusted links, and the log. */
  guard: GuardOptions;
}

/** Makes the hardened console window (hidden until its first paint) with its guards attached. */
export function createConsoleWindow<W extends WindowLike>(deps: ConsoleWindowDeps<W>): W {
  const { x, y, width, height } = deps.state.bounds;
  const win = new deps.BrowserWindow({
    x,
    y,
    width,
    height,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: 'DepotDesk',
    backgroundColor: '#f4f6f8',
    // Shown once the first paint is ready, so the dispatcher never sees a white flash.
    show: false,
    ...(deps.iconPath ? { icon: deps.iconPath } : {}),
    webPreferences: {
      preload: deps.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  const contents = win.webContents;
  // The window only ever shows the console document: whatever page it shows gets the preload bridge.
  contents.on('will-navigate', (event, url) => guardNavigation(event, url, deps.guard));
  contents.on('will-redirect', (event, url) => guardRedirect(event, url, deps.guard));
  contents.on('will-attach-webview', (event) => blockWebview(event, deps.guard));
  // window.open and target=_blank: never a second Electron window; trusted links go to the OS browser.
  contents.setWindowOpenHandler(({ url }) => windowOpenDecision(url, deps.guard));
  // Permissions, device pickers and the CSP belong to the session, which every window shares: they are
  // set once, before any window exists (app.ts → security.ts guardSession).
  return win;
}

/**
 * The console's address on the host. On first run the host's one-time setup code rides in the
 * fragment, which a browser never sends to a server (so it stays out of request logs); the console
 * moves it into session storage and drops it from the address (renderer/console/auth/setup-code.ts).
 */
export function consoleUrl(hostUrl: string, setupCode: string | null): string {
  return setupCode !== null && SetupCode.safeParse(setupCode).success ? `${hostUrl}/#setup=${setupCode}` : `${hostUrl}/`;
}

/** Points `win` at the console. Electron's load errors quote the URL, so they are logged masked. */
export function loadConsole(win: WindowLike, hostUrl: string, setupCode: string | null, log: (line: string) => void): void {
  win.loadURL(consoleUrl(hostUrl, setupCode)).catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    log(`the console did not load: ${redactSecrets(message, setupCode ? [setupCode] : [])}`);
  });
}
