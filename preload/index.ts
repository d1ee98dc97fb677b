// The sandboxed preload: exposes the typed DesktopPlatform as `window.depotdesk` and nothing else
// (never ipcRenderer itself). Bundled by scripts/build-host.mjs into one CommonJS file with only
// `electron` external, because a sandboxed preload can require nothing but Electron's own modules.
import { contextBridge, ipcRenderer } from 'electron';
import { desktopPlatform } from './platform.js';

// Only the console document (the host serves it at "/") gets the bridge; the window never shows any
// other page (main/windows.ts), and main checks every call's sender again (main/ipc/register.ts).
if (globalThis.location?.pathname === '/') contextBridge.exposeInMainWorld('depotdesk', desktopPlatform(ipcRenderer));
