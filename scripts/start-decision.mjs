// Pure decision for `npm start`: open the Electron console, or fall back to the headless depot host.
// Kept free of side effects so scripts/start-decision.test.ts can cover every branch.
import path from 'node:path';

/** Where the Electron main process bundle will be built (a later issue adds main/). */
export const MAIN_ENTRY = path.join('dist', 'main', 'index.js');

/**
 * @typedef {{
 *   root: string;
 *   platform: NodeJS.Platform;
 *   env: Record<string, string | undefined>;
 *   exists: (file: string) => boolean;
 *   readText: (file: string) => string | null;
 * }} StartProbe
 * @typedef {{ mode: 'electron'; electronBinary: string; mainEntry: string }
 *   | { mode: 'headless'; reason: string }} StartDecision
 */

/**
 * @param {StartProbe} probe
 * @returns {StartDecision}
 */
export function decideStart(probe) {
  const { root, platform, env, exists, readText } = probe;
  if (env.DEPOTDESK_HEADLESS === '1') {
    return { mode: 'headless', reason: 'DEPOTDESK_HEADLESS=1 asks for the headless host' };
  }
  const electronDir = path.join(root, 'node_modules', 'electron');
  if (!exists(path.join(electronDir, 'package.json'))) {
    return { mode: 'headless', reason: 'the electron package is not installed in this build yet' };
  }
  // electron's own install step writes path.txt once its binary has been downloaded; before that,
  // running it tries a download from outside the npm registry, which fails on offline machines.
  const relative = readText(path.join(electronDir, 'path.txt'))?.trim();
  if (!relative) {
    return { mode: 'headless', reason: 'the Electron binary has not been downloaded (node_modules/electron/path.txt is missing)' };
  }
  const electronBinary = path.join(electronDir, 'dist', relative);
  if (!exists(electronBinary)) {
    return { mode: 'headless', reason: `the Electron binary ${path.relative(root, electronBinary)} is missing` };
  }
  const mainEntry = path.join(root, MAIN_ENTRY);
  if (!exists(mainEntry)) {
    return { mode: 'headless', reason: `the desktop shell is not built (${MAIN_ENTRY} is missing)` };
  }
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return { mode: 'headless', reason: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
  }
  return { mode: 'electron', electronBinary, mainEntry };
}

/**
 * The console URL the headless host will answer on, from the same flags and environment the host
 * reads (server/config.ts), so the first message can name it before the host is up.
 * @param {string[]} args
 * @param {Record<string, string | undefined>} env
 */
export function expectedConsoleUrl(args, env) {
  const flag = (/** @type {string} */ name) => {
    const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
    if (i < 0) return undefined;
    const arg = /** @type {string} */ (args[i]);
    return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[i + 1];
  };
  const port = flag('--port') ?? env.DEPOTDESK_PORT ?? '4400';
  const bind = flag('--host') ?? env.DEPOTDESK_HOST ?? '127.0.0.1';
  const host = bind === '0.0.0.0' ? '127.0.0.1' : bind;
  return `http://${host}:${port}/`;
}

/**
 * Exit code for the parent once the child is gone: its own code, or 128 + signal number as shells do.
 * @param {number | null} code
 * @param {NodeJS.Signals | null} signal
 * @param {Record<string, number>} signalNumbers
 */
export function exitCodeFor(code, signal, signalNumbers) {
  if (code !== null) return code;
  if (signal) return 128 + (signalNumbers[signal] ?? 0);
  return 1;
}

/**
 * The paragraph `npm start` prints when it cannot open the desktop console: what it tried, why that
 * fails here, and what it does instead.
 * @param {string} reason from decideStart
 * @param {string} consoleUrl
 */
export function explainHeadless(reason, consoleUrl) {
  const why = /binary|path\.txt/.test(reason)
    ? ' Electron downloads that binary from GitHub the first time it runs, and this machine cannot reach the download.'
    : '';
  return (
    `npm start tried to open the DepotDesk desktop console with Electron, but ${reason}.${why} ` +
    'It starts the headless depot host instead: the same host the desktop app runs, serving the same console to any browser. ' +
    (/:0\/$/.test(consoleUrl)
      ? 'Open the console at the address it prints below (port 0 picks a free port).'
      : `Open the console at ${consoleUrl}`) +
    ' (on a first run, open the console address printed below instead: it carries the one-time setup code).'
  );
}
