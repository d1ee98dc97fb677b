/**
 * What the console may ask of the desktop beyond what a browser can do (STYLE 3). The Electron
 * preload implements it (preload/platform.ts, over IPC); `browser.ts` implements it for a plain
 * browser and the crew view, so the console runs the same in both. One method per capability:
 * nothing here can reach an arbitrary IPC channel, file or URL.
 */
export interface DesktopPlatform {
  readonly kind: 'desktop' | 'browser';
  /**
   * Saves report bytes the console already downloaded (PDF, workbook, CSV). Desktop: a native save
   * dialog; resolves to the chosen path, or null when the user cancels. Browser: a download.
   */
  saveReport(suggestedName: string, data: Uint8Array): Promise<string | null>;
  /**
   * An operational alert (SLA breach, telemetry alert) as an OS notification that stays until seen
   * where the OS allows it; clicking it brings the console to the front. Repeats of the same alert
   * (same `key`) within a minute are shown once.
   */
  notifyAlert(alert: DesktopAlert): Promise<void>;
}

export interface DesktopAlert {
  kind: 'sla_breach' | 'telemetry_alert';
  title: string;
  body: string;
  /** Deduplication key, e.g. `sla:<workOrderId>` or `telemetry:<ruleId>:<assetId>`. */
  key: string;
}

/** The method names, for the preload test that checks nothing more and nothing less is exposed. */
export const DESKTOP_PLATFORM_METHODS = ['saveReport', 'notifyAlert'] as const satisfies readonly Exclude<keyof DesktopPlatform, 'kind'>[];

declare global {
  interface Window {
    depotdesk?: DesktopPlatform;
  }
}
