// electron-builder.yml checked offline with electron-builder's own schema (TOOLCHAIN.md): a wrong key
// fails here in a second instead of on the machine that builds installers.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { APP_ID } from './app.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const yaml = require('js-yaml') as { load(text: string): Record<string, unknown> };

const config = yaml.load(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown> & {
  appId: string;
  files: string[];
  asarUnpack: string[];
  linux: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
  mac: { target: string[]; icon: string };
  extraResources: { from: string; to: string }[];
  extraMetadata: { main: string };
};

describe('electron-builder.yml', () => {
  it('when validated against electron-builder 26, then it is accepted', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('when a key is misspelled, then the same validator refuses it (the check has teeth)', async () => {
    await expect(validateConfiguration({ ...config, asarUnpak: [] }, new DebugLogger(false))).rejects.toThrow(/asarUnpak/);
  });

  it('when packaged, then it builds AppImage+deb, NSIS and dmg with the four bundles, native modules unpacked and the basemap beside the app', () => {
    expect(config.appId).toBe(APP_ID);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    for (const bundle of ['main', 'preload', 'host', 'renderer']) expect(config.files).toContain(`dist/${bundle}/**/*`);
    expect(config.extraMetadata.main).toBe('dist/main/index.js');
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/*.node', 'node_modules/better-sqlite3/**/*', 'node_modules/@serialport/bindings-cpp/**/*', 'node_modules/@img/**/*']));
    expect(config.npmRebuild).toBe(true);
    expect(config.extraResources).toEqual([expect.objectContaining({ from: 'resources/basemap', to: 'basemap' })]);
  });

  it('when the icons are looked for, then every file the config and the shell name exists', () => {
    for (const file of [config.win.icon, config.mac.icon, path.join(config.linux.icon, '256x256.png'), 'resources/icons/png/32x32.png', 'resources/icons/png/16x16.png']) {
      expect(fs.existsSync(path.join(root, file)), file).toBe(true);
    }
    const ico = fs.readFileSync(path.join(root, config.win.icon));
    expect(ico.readUInt16LE(2)).toBe(1);
    expect(ico.readUInt16LE(4)).toBeGreaterThanOrEqual(5);
  });
});
