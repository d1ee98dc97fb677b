/**
 * What the console may ask of the desktop beyond what a browser can do (STYLE 3). The Electron
 * preload implements it (preload/platform.ts, over IPC); `browser.ts` implements it for a plain
 * browser and the crew view, so the console runs the same in both. One method per capability:
 * nothing here can reach an arbitrary IPC channel, file or URL.
 */
export interface DesktopPlatform {
  readonly kind: 'desktop' | 'browser';
  appVersion(): Promise<string>;
  /**
   * Hands a report to the OS viewer. Desktop: `fileName` names a file in the depot's reports folder
   * (scheduled reports; anything outside that folder is refused). Browser: opens `url` in a new tab.
   */
  openReport(url: string, fileName: string): Promise<void>;
  /**
   * Saves report bytes the console already downloaded (PDF, workbook, CSV). Desktop: a native save
   * dialog; resolves to the chosen path, or null when the user cancels. Browser: a download.
   */
  saveReport(suggestedName: string, data: Uint8Array): Promise<string | null>;
  /** Lets the user pick one file (e.g. an import). Null when cancelled. */
  openFile(filters: FileFilter[]): Promise<PickedFile | null>;
  /** A plain OS notification where available. */
  notify(title: string, body: string): Promise<void>;
  /**
   * An operational alert (SLA breach, telemetry alert) as an OS notification that stays until seen
   * where the OS allows it; clicking it brings the console to the front. Repeats of the same alert
   * (same `key`) within a minute are shown once.
   */
  notifyAlert(alert: DesktopAlert): Promise<void>;
  /** Opens a link in the system browser; the desktop only opens allowlisted https sites. */
  openExternal(url: string): Promise<void>;
}

export interface FileFilter {
  name: string;
  /** Without the dot: ['csv', 'xlsx']. */
  extensions: string[];
}

export interface PickedFile {
  name: string;
  data: Uint8Array;
}

export interface DesktopAlert {
  kind: 'sla_breach' | 'telemetry_alert';
  title: string;
  body: string;
  /** Deduplication key, e.g. `sla:<workOrderId>` or `telemetry:<ruleId>:<assetId>`. */
  key: string;
}

/** The method names, for the preload test that checks nothing more and nothing less is exposed. */
export const DESKTOP_PLATFORM_METHODS = [
  'appVersion',
  'openReport',
  'saveReport',
  'openFile',
  'notify',
  'notifyAlert',
  'openExternal',
] as const satisfies readonly Exclude<keyof DesktopPlatform, 'kind'>[];

declare global {
  interface Window {
    depotdesk?: DesktopPlatform;
  }
}
