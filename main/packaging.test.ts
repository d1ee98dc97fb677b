// electron-builder.yml checked offline with electron-builder's own schema (TOOLCHAIN.md): a wrong key
// fails here in a second instead of on the machine that builds installers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { FuseV1Options, flipFuses, getCurrentFuseWire, type FuseConfig } from '@electron/fuses';
// Not re-exported by the package's index; the package has no exports map, so the file is reachable.
import { FuseState, SENTINEL } from '@electron/fuses/dist/constants.js';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_ID } from './app.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const yaml = require('js-yaml') as { load(text: string): Record<string, unknown> };
// The packager's own mapping from the YAML's `electronFuses` keys to @electron/fuses' wire positions;
// it uses no packager state, so it runs without a build.
const { PlatformPackager } = require('app-builder-lib') as {
  PlatformPackager: { prototype: { generateFuseConfig(fuses: unknown): Promise<FuseConfig> } };
};

const config = yaml.load(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown> & {
  appId: string;
  files: string[];
  asarUnpack: string[];
  linux: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
  mac: { target: string[]; icon: string };
  extraResources: { from: string; to: string }[];
  extraMetadata: { main: string };
  electronFuses: Record<string, boolean>;
};

const tmps: string[] = [];
afterAll(() => tmps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/**
 * A stand-in for the Electron executable: filler around the fuse sentinel, a V1 wire of 8 fuses in
 * Electron's shipped defaults (RunAsNode, NODE_OPTIONS, inspect and file:// privileges on; the rest off).
 */
function fakeElectronBinary(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-fuses-'));
  tmps.push(dir);
  const file = path.join(dir, 'depotdesk');
  fs.writeFileSync(
    file,
    Buffer.concat([
      Buffer.alloc(4096, 0x90),
      Buffer.from(SENTINEL),
      Buffer.from([1, 8]),
      Buffer.from('10110001'),
      Buffer.alloc(4096, 0x90),
    ]),
  );
  return file;
}

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
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining([
        '**/*.node',
        'node_modules/better-sqlite3/**/*',
        'node_modules/@serialport/bindings-cpp/**/*',
        'node_modules/@img/**/*',
      ]),
    );
    expect(config.npmRebuild).toBe(true);
    expect(config.extraResources).toEqual([expect.objectContaining({ from: 'resources/basemap', to: 'basemap' })]);
  });

  it('when the icons are looked for, then every file the config and the shell name exists', () => {
    for (const file of [
      config.win.icon,
      config.mac.icon,
      path.join(config.linux.icon, '256x256.png'),
      'resources/icons/png/32x32.png',
      'resources/icons/png/16x16.png',
    ]) {
      expect(fs.existsSync(path.join(root, file)), file).toBe(true);
    }
    const ico = fs.readFileSync(path.join(root, config.win.icon));
    expect(ico.readUInt16LE(2)).toBe(1);
    expect(ico.readUInt16LE(4)).toBeGreaterThanOrEqual(5);
  });

  it('when packaged, then electron-builder is told to flip exactly the hardening fuses', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
      loadBrowserProcessSpecificV8Snapshot: false,
    });
  });

  it('when a fuse name is misspelled, then the validator refuses it (a typo cannot silently leave a fuse at its default)', async () => {
    await expect(
      validateConfiguration({ ...config, electronFuses: { ...config.electronFuses, runAsnode: false } }, new DebugLogger(false)),
    ).rejects.toThrow(/electronFuses/);
  });

  it("when the packager's fuse step runs on an Electron binary, then the wire reads back with every fuse as configured", async () => {
    const fuses = await PlatformPackager.prototype.generateFuseConfig(config.electronFuses);
    // Every fuse of the V1 wire is stated, none left to inherit Electron's default.
    for (const option of Object.values(FuseV1Options).filter((v): v is FuseV1Options => typeof v === 'number'))
      expect(fuses[option], FuseV1Options[option]).toBeTypeOf('boolean');
    const binary = fakeElectronBinary();
    const before = await getCurrentFuseWire(binary);
    expect(before[FuseV1Options.RunAsNode]).toBe(FuseState.ENABLE);
    await flipFuses(binary, fuses);
    const wire = await getCurrentFuseWire(binary);
    expect({
      runAsNode: wire[FuseV1Options.RunAsNode],
      nodeOptions: wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable],
      inspect: wire[FuseV1Options.EnableNodeCliInspectArguments],
      cookieEncryption: wire[FuseV1Options.EnableCookieEncryption],
      asarIntegrity: wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation],
      onlyAsar: wire[FuseV1Options.OnlyLoadAppFromAsar],
      fileProtocolPrivileges: wire[FuseV1Options.GrantFileProtocolExtraPrivileges],
      browserV8Snapshot: wire[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot],
    }).toEqual({
      runAsNode: FuseState.DISABLE,
      nodeOptions: FuseState.DISABLE,
      inspect: FuseState.DISABLE,
      cookieEncryption: FuseState.ENABLE,
      asarIntegrity: FuseState.ENABLE,
      onlyAsar: FuseState.ENABLE,
      fileProtocolPrivileges: FuseState.DISABLE,
      browserV8Snapshot: FuseState.DISABLE,
    });
  });
});
