// The sandboxed preload: exposes the typed DesktopPlatform as `window.depotdesk` and nothing else
// (never ipcRenderer itself). Bundled by scripts/build-host.mjs into one CommonJS file with only
// `electron` external, because a sandboxed preload can require nothing but Electron's own modules.
import { contextBridge, ipcRenderer } from 'electron';
import { desktopPlatform } from './platform.js';

contextBridge.exposeInMainWorld('depotdesk', desktopPlatform(ipcRenderer));
