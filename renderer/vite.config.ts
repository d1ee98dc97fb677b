import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = path.dirname(fileURLToPath(import.meta.url));
const hostUrl = process.env.DEPOTDESK_DEV_HOST ?? 'http://127.0.0.1:4400';

export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  resolve: {
    alias: {
      // frappe-gantt's stylesheet is not in its package "exports" map (TOOLCHAIN.md): point at the file.
      'frappe-gantt/dist/frappe-gantt.css': path.resolve(here, '../node_modules/frappe-gantt/dist/frappe-gantt.css'),
    },
  },
  build: {
    outDir: path.resolve(here, '../dist/renderer'),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: { input: { console: path.resolve(here, 'console/index.html'), crew: path.resolve(here, 'crew/index.html') } },
  },
  server: {
    proxy: {
      '/api': hostUrl,
      '/healthz': hostUrl,
      '/ws': { target: hostUrl.replace(/^http/, 'ws'), ws: true },
    },
  },
});
