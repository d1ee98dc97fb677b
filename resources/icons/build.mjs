#!/usr/bin/env node
// Renders resources/icons/icon.svg into what electron-builder and the tray need (outputs committed):
//   png/<n>x<n>.png  — Linux icon set (electron-builder takes the folder), tray and window icons
//   icon.png         — 1024 px source: electron-builder makes the macOS .icns from it when packaging
//   icon.ico         — Windows: PNG-compressed entries (valid since Vista) written by hand, since
//                      sharp writes no ICO.
// Run: node resources/icons/build.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const here = path.dirname(fileURLToPath(import.meta.url));
const svg = fs.readFileSync(path.join(here, 'icon.svg'));
const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];

const render = (size) => sharp(svg, { density: Math.max(72, Math.ceil((72 * size) / 1024) * 4) }).resize(size, size).png({ compressionLevel: 9 }).toBuffer();

/** An ICO container of PNG images: 6-byte header, 16 bytes per entry, then the PNGs. */
export function icoFromPngs(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  const entries = [];
  let offset = 6 + 16 * images.length;
  for (const { size, png } of images) {
    const e = Buffer.alloc(16);
    e.writeUInt8(size >= 256 ? 0 : size, 0); // 0 means 256
    e.writeUInt8(size >= 256 ? 0 : size, 1);
    e.writeUInt8(0, 2); // no palette
    e.writeUInt8(0, 3);
    e.writeUInt16LE(1, 4); // colour planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(png.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(e);
  }
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

const pngDir = path.join(here, 'png');
fs.mkdirSync(pngDir, { recursive: true });
const rendered = new Map();
for (const size of SIZES) {
  const png = await render(size);
  rendered.set(size, png);
  if (size <= 512) fs.writeFileSync(path.join(pngDir, `${size}x${size}.png`), png);
}
fs.writeFileSync(path.join(here, 'icon.png'), rendered.get(1024));
fs.writeFileSync(path.join(here, 'icon.ico'), icoFromPngs(ICO_SIZES.map((size) => ({ size, png: rendered.get(size) }))));
console.log(`icons: png/ (${SIZES.filter((s) => s <= 512).join(', ')}), icon.png (1024), icon.ico (${ICO_SIZES.join(', ')})`);
