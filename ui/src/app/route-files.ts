/**
 * Preloads the app's chunks and those of the page being opened (its lazy
 * route and, when signed in, the shell), listed by the build in index.html
 * (build/preload-app.ts), so they download together instead of one after
 * the other as the code runs. Low priority: the first paint does not wait
 * for them.
 */
import { paths } from '@/config/paths';

type RouteFiles = Record<string, { js: string[]; css: string[] }>;

function routeKeys(pathname: string): string[] {
  if (pathname === paths.login.path) return ['app', 'login'];
  if (pathname === paths.inbox.path) return ['app', 'shell', 'inbox'];
  if (pathname === paths.leads.path) return ['app', 'shell', 'leads'];
  if (/^\/leads\/\d+$/.test(pathname)) return ['app', 'shell', 'lead'];
  return ['app', 'shell'];
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
