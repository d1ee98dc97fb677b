// One-off: renders the crew PWA icons from the SVGs beside this file (run after changing them):
//   node renderer/crew/pwa/make-icons.mjs
// The PNGs are committed; the build only copies them (vite.config.ts, crewPwa plugin).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const here = path.dirname(fileURLToPath(import.meta.url));
const jobs = [
  ['icon.svg', 192, 'icon-192.png'],
  ['icon.svg', 512, 'icon-512.png'],
  ['icon-maskable.svg', 192, 'icon-maskable-192.png'],
  ['icon-maskable.svg', 512, 'icon-maskable-512.png'],
  // iOS rounds the corners itself and ignores transparency: the full-bleed art fits best.
  ['icon-maskable.svg', 180, 'apple-touch-icon.png'],
];
fs.mkdirSync(path.join(here, 'icons'), { recursive: true });
for (const [src, size, out] of jobs) {
  const svg = fs.readFileSync(path.join(here, src));
  await sharp(svg, { density: Math.ceil((72 * size) / 512) * 2 })
    .resize(size, size)
    .png({ compressionLevel: 9, palette: true })
    .toFile(path.join(here, 'icons', out));
  console.log(out, fs.statSync(path.join(here, 'icons', out)).size, 'bytes');
}
