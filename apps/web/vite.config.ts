import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const fromRoot = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

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
    proxy: { '/api': process.env.API_URL ?? 'http://127.0.0.1:3000' },
  },
  preview: {
    port: Number(process.env.WEB_PORT ?? 5173),
    proxy: { '/api': process.env.API_URL ?? 'http://127.0.0.1:3000' },
  },
  build: { outDir: 'dist', sourcemap: true },
});
