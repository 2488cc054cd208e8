/**
 * Preloads the chunks of the page being opened (its lazy route and, when
 * signed in, the shell), listed by the build in index.html
 * (build/preload-app.ts), so they download beside the app's code instead of
 * after it has run. Low priority, like the app's own files: the first paint
 * does not wait for them.
 */
import { paths } from '@/config/paths';

type RouteFiles = Record<string, { js: string[]; css: string[] }>;

function routeKeys(pathname: string): string[] {
  if (pathname === paths.login.path) return ['login'];
  if (pathname === paths.inbox.path) return ['shell', 'inbox'];
  if (pathname === paths.leads.path) return ['shell', 'leads'];
  if (/^\/leads\/\d+$/.test(pathname)) return ['shell', 'lead'];
  return ['shell'];
}

export function preloadRouteFiles(pathname: string): void {
  let files: RouteFiles;
  try {
    files = JSON.parse(document.getElementById('fd-route-files')?.textContent || '{}') as RouteFiles;
  } catch {
    return;
  }
  const seen = new Set<string>();
  for (const key of routeKeys(pathname)) {
    const entry = files[key];
    if (!entry) continue;
    const links = [
      ...entry.js.map((href) => ({ href, rel: 'modulepreload', as: '' })),
      ...entry.css.map((href) => ({ href, rel: 'preload', as: 'style' })),
    ];
    for (const { href, rel, as } of links) {
      if (seen.has(href)) continue;
      seen.add(href);
      const link = document.createElement('link');
      link.rel = rel;
      if (as) link.as = as;
      link.href = href;
      link.crossOrigin = '';
      link.fetchPriority = 'low';
      document.head.appendChild(link);
    }
  }
}
