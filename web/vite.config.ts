// Vite configuration for the Marz web app (React SPA). Run from the repository root:
//   npm run build      → web/dist (served by `marz serve` with an SPA fallback)
//   npm run dev:web    → dev server; /api is proxied to a running `marz serve` (PORT 8080)
import { defineConfig, type Plugin } from 'vite';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const platform = fileURLToPath(new URL('../src/platform/', import.meta.url));
const flows = fileURLToPath(new URL('../src/flows/', import.meta.url));

/**
 * The service worker (web/src/sw.js) written to dist/sw.js with the list of built files it
 * stores for offline use: every file of the build but the largest (the map library, not needed
 * in the field forms), plus the public files. Each build is thus a new worker.
 */
function serviceWorker(): Plugin {
  return {
    name: 'marz-service-worker',
    apply: 'build',
    // After the bundle is written: by then chunks that held only CSS are gone from it.
    writeBundle(options, bundle) {
      const files = Object.values(bundle)
        .filter((f) => /\.(js|css|woff2|svg|png)$/.test(f.fileName))
        .filter((f) => (f.type === 'chunk' ? f.code.length : typeof f.source === 'string' ? f.source.length : f.source.byteLength) < 500_000)
        .map((f) => '/' + f.fileName)
        .sort();
      const assets = [...files, '/favicon.svg', '/manifest.webmanifest', '/icon-192.png', '/icon-512.png'];
      const build = createHash('sha256').update(assets.join()).digest('hex').slice(0, 12);
      const source = readFileSync(new URL('./src/sw.js', import.meta.url), 'utf8')
        .replace('self.__MARZ_ASSETS__', JSON.stringify(assets))
        .replace('self.__MARZ_BUILD__', JSON.stringify(build));
      writeFileSync(join(options.dir!, 'sw.js'), source);
    },
  };
}

export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react(), serviceWorker()],
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
