// Types for start-decision.mjs (plain JS so `npm start` runs under Node without a TypeScript step).
export declare const MAIN_ENTRY: string;

export interface StartProbe {
  root: string;
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  exists: (file: string) => boolean;
  readText: (file: string) => string | null;
}

export type StartDecision = { mode: 'electron'; electronBinary: string; mainEntry: string } | { mode: 'headless'; reason: string };

export declare function decideStart(probe: StartProbe): StartDecision;
export declare function expectedConsoleUrl(args: string[], env: Record<string, string | undefined>): string;
export declare function exitCodeFor(code: number | null, signal: NodeJS.Signals | null, signalNumbers: Record<string, number>): number;
export declare function explainHeadless(reason: string, consoleUrl: string): string;
