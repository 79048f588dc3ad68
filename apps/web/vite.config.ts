import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const fromRoot = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/**
 * The console loads only its own files and talks only to its own origin (/api). Inline styles:
 * React Flow and the editor set style attributes. The dev server also runs React Fast Refresh's
 * inline preamble and its HMR websocket. Production hosting sends the same (README).
 */
const csp = (dev: boolean) =>
  [
    "default-src 'self'",
    dev ? "script-src 'self' 'unsafe-inline'" : "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    dev ? "connect-src 'self' ws: wss:" : "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
const securityHeaders = (dev: boolean) => ({
  'Content-Security-Policy': csp(dev),
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
});

// The console compiles the engine and ui packages from source, so the browser runs the very same
// schema, validation and state machine as the API (one schema, many uses).
export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: {
      '@sms-seq/engine': fromRoot('packages/engine/src/index.ts'),
      '@sms-seq/ui': fromRoot('packages/ui/src/index.ts'),
    },
  },
  server: {
    port: Number(process.env.WEB_PORT ?? 5173),
    headers: securityHeaders(true),
    proxy: { '/api': process.env.API_URL ?? 'http://127.0.0.1:3000' },
  },
  preview: {
    port: Number(process.env.WEB_PORT ?? 5173),
    headers: securityHeaders(false),
    proxy: { '/api': process.env.API_URL ?? 'http://127.0.0.1:3000' },
  },
  // Source maps publish the source: only when asked (WEB_SOURCEMAPS=true), e.g. for an error tracker.
  build: {
    outDir: 'dist',
    sourcemap: process.env.WEB_SOURCEMAPS === 'true',
    // The engine is pure (no I/O, nothing done on import but building its schemas), so a page that
    // uses one helper (a sender in words) does not pull in the whole engine with zod.
    rollupOptions: {
      treeshake: { moduleSideEffects: (id) => !id.includes('/packages/engine/src/') },
    },
  },
});
