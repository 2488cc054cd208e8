/**
 * The Mantine theme. Also read at build time by build/mantine-static-css.ts
 * to produce the CSS variables file, so keep this module free of CSS imports
 * and of '@/' aliases.
 */
import { createTheme } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'teal',
  // Shade 9: white text on the filled teal reaches WCAG AA contrast (4.5:1).
  primaryShade: { light: 9, dark: 5 },
  // Black or white text on filled colours, whichever contrasts.
  autoContrast: true,
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
