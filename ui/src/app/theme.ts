/**
 * The Mantine theme. Also read at build time by build/mantine-static-css.ts
 * to produce the CSS variables file, so keep this module free of CSS imports
 * and of '@/' aliases.
 */
import { createTheme } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'teal',
  primaryShade: { light: 7, dark: 5 },
  defaultRadius: 'md',
  fontFamily:
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans Hebrew', 'Noto Sans', Arial, 'Helvetica Neue', sans-serif",
  headings: { fontWeight: '650' },
  cursorType: 'pointer',
  components: {
    // Mantine's scroll lock (react-remove-scroll) injects a <style> element,
    // which the CSP blocks; app.css locks the page scroll with :has() instead.
    // Plain objects, not Modal.extend(): importing the components here would
    // put them in the first page's bundle.
    Modal: { defaultProps: { lockScroll: false } },
    Drawer: { defaultProps: { lockScroll: false } },
  },
});
