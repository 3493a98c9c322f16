// Renderer build: relative asset paths (base './') so the same output loads from file:// in Electron
// and from the web shell's HTTP server; no inline scripts, so the strict CSP (header, and a <meta> copy) holds.
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

import { META_CONTENT_SECURITY_POLICY } from '../main/api/contract.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The CSP <meta>, from the contract's policy (one policy; the header form adds frame-ancestors, which a <meta> ignores). */
function cspMeta(): Plugin {
  return {
    name: 'acbench-csp-meta',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: META_CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
  };
}

/** <link rel="modulepreload"> for the Plotly chunk: fetched and compiled at start-up, evaluated only when a chart first draws. */
function preloadPlotly(): Plugin {
  return {
    name: 'acbench-preload-plotly',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const chunk = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && /plotly/i.test(c.fileName));
        return chunk ? [{ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${chunk.fileName}` }, injectTo: 'head' }] : [];
      },
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  plugins: [cspMeta(), react(), preloadPlotly()],
  build: {
    outDir: join(here, '..', 'dist', 'renderer'),
    emptyOutDir: true,
    target: 'es2022',
    // Plotly is one large chunk: preloaded (not run) at start-up, evaluated when the first chart appears.
    chunkSizeWarningLimit: 5000,
    modulePreload: { polyfill: false },
  },
  server: { fs: { allow: [join(here, '..')] } },
});
