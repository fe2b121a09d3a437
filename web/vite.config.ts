// Vite configuration for the Marz web app (React SPA). Run from the repository root:
//   npm run build      → web/dist (served by `marz serve` with an SPA fallback)
//   npm run dev:web    → dev server; /api is proxied to a running `marz serve` (PORT 8080)
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const platform = fileURLToPath(new URL('../src/platform/', import.meta.url));
const flows = fileURLToPath(new URL('../src/flows/', import.meta.url));

export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react()],
  resolve: {
    // Shared, browser-safe modules of the server, so that the browser judges a record or a
    // mapping with the server's own code: '@platform/calendar.ts', '@platform/text.ts',
    // '@flows/format.ts', '@flows/validate.ts', '@flows/mapping.ts' (nothing else: the other
    // src/flows modules use Node).
    alias: { '@platform': platform, '@flows': flows },
  },
  server: {
    port: 5173,
    // Allow the dev server to read ../src/platform/*.ts and ../src/flows/*.ts as well as web/ and node_modules.
    fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
    proxy: { '/api': { target: process.env.MARZ_API ?? 'http://localhost:8080', changeOrigin: false } },
  },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 1200, // maplibre-gl is one lazy chunk of ~1 MB (≈ 280 KB gzipped)
    reportCompressedSize: true,
  },
});
