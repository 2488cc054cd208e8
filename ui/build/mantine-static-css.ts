/**
 * Vite plugin: Mantine's CSS variables as a static stylesheet.
 *
 * Why: the server sends `Content-Security-Policy: default-src 'self'`, which
 * forbids inline `<style>` elements. MantineProvider normally injects its CSS
 * variables (and the `hidden-from`/`visible-from` helper classes) in such an
 * element, so the app renders it with `withCssVariables={false}` and
 * `withGlobalClasses={false}` and imports `virtual:mantine-vars.css` instead.
 * The CSS is computed here, at build time, from the same theme object the app
 * uses (src/app/theme.ts), so the two can never drift apart.
 */
import type { Plugin } from 'vite';
import {
  convertCssVariables,
  defaultCssVariablesResolver,
  DEFAULT_THEME,
  em,
  keys,
  mergeMantineTheme,
  px,
} from '@mantine/core';
import { theme } from '../src/app/theme.ts';

const VIRTUAL_ID = 'virtual:mantine-vars.css';
// Must end in .css so Vite runs it through its CSS pipeline.
const RESOLVED_ID = '\0mantine-vars.css';

export function buildMantineCss(): string {
  const full = mergeMantineTheme(DEFAULT_THEME, theme);
  const vars = defaultCssVariablesResolver(full);
  const variables = convertCssVariables(vars, ':root');
  const scheme = convertCssVariables(
    {
      variables: {},
      light: { '--mantine-color-scheme': 'light' },
      dark: { '--mantine-color-scheme': 'dark' },
    },
    ':root',
  );
  // Same rules MantineClasses would inject at run time.
  const classes = keys(full.breakpoints)
    .map((bp) => {
      const value = String(full.breakpoints[bp]);
      const isPx = value.includes('px');
      const n = px(value) as number;
      const below = isPx ? `${n - 0.1}px` : em(n - 0.1);
      const above = isPx ? `${n}px` : em(n);
      return (
        `@media (max-width: ${below}) {.mantine-visible-from-${bp} {display: none !important;}}\n` +
        `@media (min-width: ${above}) {.mantine-hidden-from-${bp} {display: none !important;}}`
      );
    })
    .join('\n');
  return `/* generated from src/app/theme.ts by build/mantine-static-css.ts */\n${variables}\n${scheme}\n${classes}\n`;
}

export function mantineStaticCss(): Plugin {
  return {
    name: 'frontdesk:mantine-static-css',
    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_ID : undefined;
    },
    load(id) {
      return id === RESOLVED_ID ? buildMantineCss() : undefined;
    },
    // @mantine/dates ships one data: URI (the native year/month <select>
    // arrow, unused here). CSP default-src 'self' would block it: drop it.
    transform(code, id) {
      if (!/@mantine[\\/]dates[\\/]styles\.css/.test(id)) return undefined;
      return { code: code.replace(/background-image:\s*url\("data:[^"]*"\);?/g, ''), map: null };
    },
  };
}
