/**
 * Vite plugin: index.html preloads the app's code.
 *
 * The entry (src/boot.ts) is tiny and imports the app (src/main.tsx)
 * dynamically, after the first paint. Vite would only preload that import's
 * files once the entry runs, after the stylesheet has arrived; this adds a
 * `<link rel="modulepreload">` for the app's chunk and everything it imports
 * statically (and a stylesheet link for their CSS, if any) to index.html, so
 * they download from the start, beside the stylesheet.
 *
 * At low priority: the stylesheet and the entry, which the first paint
 * needs, go first.
 */
import type { Plugin } from 'vite';

export function preloadApp(appModule = '/src/main.tsx'): Plugin {
  return {
    name: 'frontdesk-preload-app',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle) return html;
        const chunks = Object.values(bundle).flatMap((c) => (c.type === 'chunk' ? [c] : []));
        const app = chunks.find((c) => c.facadeModuleId?.endsWith(appModule));
        if (!app) throw new Error(`preload-app: no chunk for ${appModule}`);
        const files = new Set<string>();
        const css = new Set<string>();
        const visit = (fileName: string) => {
          const chunk = bundle[fileName];
          if (files.has(fileName) || !chunk || chunk.type !== 'chunk') return;
          files.add(fileName);
          for (const f of chunk.viteMetadata?.importedCss ?? []) css.add(f);
          chunk.imports.forEach(visit);
        };
        visit(app.fileName);
        const href = (f: string) => `/${f}`;
        return [
          ...[...css]
            .filter((f) => !html.includes(href(f)))
            .map((f) => ({
              tag: 'link',
              attrs: { rel: 'stylesheet', crossorigin: true, href: href(f) },
              injectTo: 'head' as const,
            })),
          ...[...files]
            .filter((f) => !html.includes(href(f)))
            .map((f) => ({
              tag: 'link',
              attrs: { rel: 'modulepreload', crossorigin: true, fetchpriority: 'low', href: href(f) },
              injectTo: 'head' as const,
            })),
        ];
      },
    },
  };
}
