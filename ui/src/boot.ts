/**
 * The page's entry, kept tiny: the stylesheet comes with it, the page's first
 * requests start (app/early-requests.ts), its chunks are preloaded
 * (app/route-files.ts), index.html's placeholder paints,
 * and only then does the app's code run (index.html preloads it meanwhile,
 * see build/preload-app.ts). A phone then shows something at once instead of
 * after evaluating the whole app.
 */
import './app/styles';
import { startEarlyRequests } from './app/early-requests';
import { preloadRouteFiles } from './app/route-files';

startEarlyRequests(window.location);
preloadRouteFiles(window.location.pathname);

let started = false;
function start(): void {
  if (started) return;
  started = true;
  void import('./main');
}
// Once the placeholder has painted; the timer covers a hidden tab, which paints nothing.
try {
  new PerformanceObserver(start).observe({ type: 'paint', buffered: true });
} catch {
  requestAnimationFrame(() => setTimeout(start, 0));
}
setTimeout(start, 300);
