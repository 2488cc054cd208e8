/**
 * Vite plugin: tells the entry which files the app and each first page need.
 *
 * The entry (src/boot.ts) is tiny and imports the app (src/main.tsx)
 * dynamically, after the first paint. Vite would only preload that import's
 * files once the entry runs the import; instead the app's chunk and
 * everything it imports statically (and their CSS, linked from index.html)
 * are listed in a JSON data block (`<script type="application/json"
 * id="fd-route-files">`, which the CSP does not treat as a script) for the
 * entry to preload as soon as it runs, at low priority; or, on a page whose
 * first screen it draws itself from the early answers (the inbox, a lead),
 * once that screen has painted, so the code does not hold up the data.
 *
 * The pages' chunks (lazy routes) are only known once the router runs, after
 * the app's code. So the files of the routes a phone opens first (the shell,
 * the inbox, the lead list, a lead, the sign-in page) are listed there too,
 * and the entry preloads those of the page being opened.
 */
import type { HtmlTagDescriptor, Plugin } from 'vite';
import type { OutputBundle } from 'rolldown';

/** Route key -> the module of its lazy route. */
export const ROUTE_MODULES = {
  login: '/src/app/routes/login.tsx',
  shell: '/src/app/layouts/app-layout.tsx',
  inbox: '/src/app/routes/inbox.tsx',
  leads: '/src/app/routes/leads.tsx',
  lead: '/src/app/routes/lead.tsx',
} as const;

/** A chunk's file and those of everything it imports statically: [js files, css files]. */
function filesOf(bundle: OutputBundle, moduleId: string): [Set<string>, Set<string>] {
  const chunk = Object.values(bundle).find((c) => c.type === 'chunk' && c.facadeModuleId?.endsWith(moduleId));
  if (!chunk || chunk.type !== 'chunk') throw new Error(`preload-app: no chunk for ${moduleId}`);
  const js = new Set<string>();
  const css = new Set<string>();
  const visit = (fileName: string) => {
    const c = bundle[fileName];
    if (js.has(fileName) || !c || c.type !== 'chunk') return;
    js.add(fileName);
    for (const f of c.viteMetadata?.importedCss ?? []) css.add(f);
    c.imports.forEach(visit);
  };
  visit(chunk.fileName);
  return [js, css];
}

export function preloadApp(appModule = '/src/main.tsx'): Plugin {
  return {
    name: 'frontdesk-preload-app',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle as OutputBundle | undefined;
        if (!bundle) return html;
        const href = (f: string) => `/${f}`;
        const [appJs, appCss] = filesOf(bundle, appModule);
        const inHtml = (f: string) => html.includes(href(f)) || appJs.has(f) || appCss.has(f);
        const routes: Record<string, { js: string[]; css: string[] }> = {
          app: { js: [...appJs].filter((f) => !html.includes(href(f))).map(href), css: [] },
        };
        for (const [key, moduleId] of Object.entries(ROUTE_MODULES)) {
          const [js, css] = filesOf(bundle, moduleId);
          routes[key] = { js: [...js].filter((f) => !inHtml(f)).map(href), css: [...css].map(href) };
        }
        const tags: HtmlTagDescriptor[] = [
          ...[...appCss]
            .filter((f) => !html.includes(href(f)))
            .map((f) => ({
              tag: 'link',
              attrs: { rel: 'stylesheet', crossorigin: true, href: href(f) },
              injectTo: 'head' as const,
            })),
          {
            tag: 'script',
            attrs: { type: 'application/json', id: 'fd-route-files' },
            children: JSON.stringify(routes),
            injectTo: 'head',
          },
        ];
        return tags;
      },
    },
  };
}
