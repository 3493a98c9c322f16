// Renderer build: relative asset paths (base './') so the same output loads from file:// in Electron
// and from the web shell's HTTP server; no inline scripts, so the strict CSP in index.html holds.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  build: {
    outDir: join(here, '..', 'dist', 'renderer'),
    emptyOutDir: true,
    target: 'es2022',
    // Plotly is one large chunk, loaded on demand when the first chart appears.
    chunkSizeWarningLimit: 5000,
    modulePreload: { polyfill: false },
  },
  server: { fs: { allow: [join(here, '..')] } },
});
