// A fake `electron` for unit tests: the real binary cannot be downloaded here, and `require('electron')`
// under plain Node would try (TOOLCHAIN.md). Each fake records what main did so tests can assert on it.
import { EventEmitter } from 'node:events';
import type { ElectronLike, TrayLike, WindowLike } from '../app.js';
import type { ChildLike, ForkLike, Scheduler } from '../host-process.js';
import type { InvokeEvent, IpcMainLike } from '../ipc/register.js';
import type { MenuItem } from '../menu-types.js';
import type { GuardedContents, GuardedSession, HeadersDetails, PreventableEvent } from '../security.js';

export function preventable(): PreventableEvent & { prevented: boolean } {
  const e = { prevented: false, preventDefault: () => void (e.prevented = true) };
  return e;
}

export class FakeWebContents extends EventEmitter implements GuardedContents {
  openHandler: ((d: { url: string }) => { action: 'deny' } | { action: 'allow' }) | null = null;
  setWindowOpenHandler(handler: (d: { url: string }) => { action: 'deny' } | { action: 'allow' }): void {
    this.openHandler = handler;
  }
  /** Emits `event` as Electron would and says whether a listener prevented it. */
  attempt(event: 'will-navigate' | 'will-redirect' | 'will-attach-webview', url = ''): boolean {
    const e = preventable();
    this.emit(event, e, url);
    return e.prevented;
  }
}

type PermissionRequest = Parameters<GuardedSession['setPermissionRequestHandler']>[0];
type PermissionCheck = Parameters<GuardedSession['setPermissionCheckHandler']>[0];
type HeadersListener = (details: HeadersDetails, cb: (r: { responseHeaders?: Record<string, string[] | string> }) => void) => void;

export class FakeSession extends EventEmitter implements GuardedSession {
  request: PermissionRequest | null = null;
  check: PermissionCheck | null = null;
  device: ((d: unknown) => boolean) | null = null;
  headers: HeadersListener | null = null;
  setPermissionRequestHandler(h: PermissionRequest): void {
    this.request = h;
  }
  setPermissionCheckHandler(h: PermissionCheck): void {
    this.check = h;
  }
  setDevicePermissionHandler(h: (d: unknown) => boolean): void {
    this.device = h;
  }
  webRequest = { onHeadersReceived: (l: HeadersListener) => void (this.headers = l) };
  requestPermission(permission: string, requestingUrl: string, isMainFrame = true): boolean {
    let granted: boolean | null = null;
    this.request!(null, permission, (g) => (granted = g), { requestingUrl, isMainFrame });
    return granted!;
  }
  /** A permission check as Electron makes it: the origin, plus the frame's URL when there is a document. */
  checkPermission(permission: string, requestingUrl: string | undefined, isMainFrame = true): boolean {
    return this.check!(null, permission, requestingUrl ? new URL(requestingUrl).origin : '', {
      ...(requestingUrl ? { requestingUrl } : {}),
      isMainFrame,
    });
  }
  respond(details: HeadersDetails): Record<string, string[] | string> | undefined {
    let out: Record<string, string[] | string> | undefined;
    this.headers!(details, (r) => (out = r.responseHeaders));
    return out;
  }
}

export class FakeIpcMain implements IpcMainLike {
  handlers = new Map<string, (event: InvokeEvent, payload: unknown) => unknown>();
  handle(channel: string, listener: (event: InvokeEvent, payload: unknown) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** Invokes as a renderer frame at `frameUrl` would (top-level unless `parent` is given). */
  async invoke(channel: string, payload: unknown, frameUrl: string, parent: unknown = null): Promise<unknown> {
    const h = this.handlers.get(channel);
    if (!h) throw new Error(`no handler for ${channel}`);
    return h({ senderFrame: { url: frameUrl, parent } }, payload);
  }
}

/** A utilityProcess child: tests make it say ready, crash, or ignore SIGTERM. */
export class FakeChild extends EventEmitter implements ChildLike {
  // Above Linux's pid_max, so a mistaken real kill() could never hit a real process.
  static nextPid = 9_000_000;
  readonly pid = FakeChild.nextPid++;
  killed = 0;
  stdout = new EventEmitter();
  stderr = new EventEmitter();
  /** When false, kill() does nothing (a hung host) and only SIGKILL ends it. */
  exitsOnKill = true;
  constructor(
    readonly modulePath: string,
    readonly env: Record<string, string>,
  ) {
    super();
  }
  kill(): boolean {
    this.killed += 1;
    if (this.exitsOnKill) queueMicrotask(() => this.exit(0));
    return true;
  }
  /** Says ready as server/start.ts signalReady does; on first run the host adds its setup code. */
  ready(port = 4400, setupCode?: string): void {
    this.emit('message', { type: 'ready', url: `http://127.0.0.1:${port}`, port, ...(setupCode ? { setupCode } : {}) });
  }
  exit(code: number): void {
    if (this.exited) return;
    this.exited = true;
    this.emit('exit', code);
  }
  exited = false;
}

export class FakeUtility implements ForkLike {
  children: FakeChild[] = [];
  fork(modulePath: string, _args: string[], options: { env: Record<string, string> }): FakeChild {
    const c = new FakeChild(modulePath, options.env);
    this.children.push(c);
    return c;
  }
  get last(): FakeChild {
    return this.children[this.children.length - 1]!;
  }
}

/** A manual clock: `advance(ms)` runs due timers in order; nothing sleeps. */
export class ManualScheduler implements Scheduler {
  private t = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private seq = 0;
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  pending(): number[] {
    return [...this.timers.values()].map((x) => x.at - this.t).sort((a, b) => a - b);
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = [...this.timers.entries()].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = end;
  }
}

export class FakeWindow extends EventEmitter implements WindowLike {
  static created: FakeWindow[] = [];
  webContents = new FakeWebContents();
  loaded: string[] = [];
  shown = 0;
  focused = 0;
  minimized = false;
  destroyed = false;
  maximized = false;
  constructor(readonly options: unknown) {
    super();
    FakeWindow.created.push(this);
  }
  /** When set, loadURL rejects as Electron does when the page cannot load (quoting the URL). */
  static failLoads = false;
  async loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    if (FakeWindow.failLoads) throw new Error(`ERR_CONNECTION_REFUSED (-102) loading '${url}'`);
  }
  show(): void {
    this.shown += 1;
  }
  focus(): void {
    this.focused += 1;
  }
  restore(): void {
    this.minimized = false;
  }
  maximize(): void {
    this.maximized = true;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  getNormalBounds() {
    return { x: 10, y: 20, width: 1300, height: 800 };
  }
}

export class FakeTray implements TrayLike {
  static last: FakeTray | null = null;
  tooltip = '';
  menu: unknown = null;
  listeners: (() => void)[] = [];
  constructor(readonly image: string) {
    FakeTray.last = this;
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setContextMenu(menu: unknown): void {
    this.menu = menu;
  }
  on(_e: 'click', l: () => void): unknown {
    this.listeners.push(l);
    return this;
  }
}

/** The whole module, with a single-instance lock the test decides about. */
export function fakeElectron(opts: { userData: string; gotLock?: boolean }) {
  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    quitCalls: 0,
    requestSingleInstanceLock: () => opts.gotLock ?? true,
    whenReady: () => Promise.resolve(),
    getPath: (name: string) => (name === 'userData' ? opts.userData : `${opts.userData}/${name}`),
    getVersion: () => '0.1.0-test',
    setAppUserModelId: () => {},
    quit() {
      app.quitCalls += 1;
    },
    exit: () => {},
  });
  FakeWindow.created = [];
  FakeWindow.failLoads = false;
  // Like Electron, a window's web contents is announced (web-contents-created) while it is constructed.
  class BrowserWindow extends FakeWindow {
    constructor(options: unknown) {
      super(options);
      app.emit('web-contents-created', {}, this.webContents);
    }
  }
  const errors: { title: string; content: string }[] = [];
  const openedExternal: string[] = [];
  const openedPaths: string[] = [];
  const notifications: { title: string; body: string }[] = [];
  const menus: MenuItem[][] = [];
  const session = new FakeSession();
  const ipcMain = new FakeIpcMain();
  const utility = new FakeUtility();
  const electron = {
    app,
    BrowserWindow,
    utilityProcess: utility,
    ipcMain,
    dialog: {
      showSaveDialog: async () => ({ canceled: true }),
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
      showErrorBox: (title: string, content: string) => void errors.push({ title, content }),
    },
    shell: {
      openPath: async (p: string) => {
        openedPaths.push(p);
        return '';
      },
      openExternal: async (u: string) => void openedExternal.push(u),
    },
    session: { defaultSession: session },
    screen: {
      getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
      getPrimaryDisplay: () => ({ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }),
    },
    Menu: {
      buildFromTemplate: (t: MenuItem[]) => (menus.push(t), t),
      setApplicationMenu: () => {},
    },
    Tray: FakeTray,
    Notification: Object.assign(
      class {
        constructor(readonly o: { title: string; body: string }) {}
        on() {
          return this;
        }
        show() {
          notifications.push(this.o);
        }
      },
      { isSupported: () => true },
    ),
  } satisfies ElectronLike<FakeWindow>;
  return { electron, app, session, ipcMain, utility, errors, openedExternal, openedPaths, notifications, menus };
}
