/**
 * What the console may ask of the desktop beyond what a browser can do (STYLE 3). The Electron
 * preload implements it; `browser.ts` implements it for a plain browser so the console runs the same.
 */
export interface DesktopPlatform {
  readonly kind: 'desktop' | 'browser';
  appVersion(): Promise<string>;
  /** Hands a downloaded report to the OS viewer (desktop) or opens it in a new tab (browser). */
  openReport(url: string, fileName: string): Promise<void>;
  /** A native OS notification where available. */
  notify(title: string, body: string): Promise<void>;
}

declare global {
  interface Window {
    depotdesk?: DesktopPlatform;
  }
}
