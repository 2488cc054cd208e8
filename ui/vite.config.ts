/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { mantineStaticCss } from './build/mantine-static-css.ts';
import { preloadApp } from './build/preload-app.ts';
import { firstViewTexts } from './build/first-view-texts.ts';

// The Rust binary embeds ui/dist: base '/', hashed files under /assets.
export default defineConfig({
  base: '/',
  plugins: [
    react(),
    mantineStaticCss(),
    preloadApp(),
    firstViewTexts(fileURLToPath(new URL('./src/i18n/locales', import.meta.url))),
  ],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    sourcemap: false,
    // Every browser the UI supports preloads modules natively: no polyfill
    // in the first page's bundle.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0, // no data: URIs (CSP default-src 'self')
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      preserveEntrySignatures: false,
      // Shared chunks under ~40 KB (source) are copied into the chunks that
      // use them: a page then loads a handful of files instead of dozens,
      // which on a phone's connection (6 per origin over HTTP/1.1, each a
      // round trip) costs more than the few duplicated KB.
      output: { codeSplitting: { experimentalInlineCommonChunks: { maxSize: 40_000 } } },
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/testing/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    // `cargo test -- ui::` runs these next to the lint and the browser run on a
    // small machine: a heavy form render can take seconds there.
    testTimeout: 20_000,
  },
});
