/**
 * The page's entry, kept tiny: the stylesheet comes with it, the page's first
 * requests start (app/early-requests.ts), index.html's placeholder paints,
 * the inbox or a lead is drawn from the early answers (app/first-view.ts),
 * the app's and the page's chunks are preloaded (app/route-files.ts, listed
 * by build/preload-app.ts), and only then does the app's code run. A phone
 * then shows the page at once instead of after downloading and evaluating
 * the whole app.
 */
import './app/styles';
import { startEarlyRequests } from './app/early-requests';
import { FIRST_VIEW_PAGES } from './config/constants';
import { preloadRouteFiles } from './app/route-files';

startEarlyRequests(window.location);
// Its own chunk, downloading beside the early answers it draws from.
const firstViewCode = import('./app/first-view');
// The code downloads once the first view has painted (the sign-in card, or
// the page drawn from its early answers), elsewhere at once: on a phone's
// connection it would slow what that view needs.
const drawsFirstView = window.location.pathname === '/login' || FIRST_VIEW_PAGES.test(window.location.pathname);
if (!drawsFirstView) preloadRouteFiles(window.location.pathname);

/** A new task: the browser may paint and handle input between the app's stages. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
/** After the next frame has painted. */
const painted = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

let started = false;
async function start(): Promise<void> {
  if (started) return;
  started = true;
  // The app's modules (downloading already, see app/route-files.ts) are
  // evaluated in two tasks instead of one long one that a slow phone would
  // spend blocked: the texts (i18next and its Hebrew), then the app. (Splitting
  // off React's DOM renderer too would copy shared code into more chunks:
  // more bytes than the first route's budget allows.)
  await import('./i18n');
  await nextTask();
  await import('./main');
}

// Once the placeholder has painted and the first view is drawn (or not
// needed); a hidden tab paints nothing, and a slow answer is not waited for.
const placeholder = new Promise<void>((resolve) => {
  try {
    new PerformanceObserver(() => resolve()).observe({ type: 'paint', buffered: true });
  } catch {
    void painted().then(resolve);
  }
  setTimeout(resolve, 300);
});
const firstView = firstViewCode
  .then((m) => m.drawSignIn(window.location) || m.drawFirstView(window.location, () => started))
  .then((drawn) => (drawn ? painted() : undefined))
  .catch(() => undefined)
  .then(() => {
    if (drawsFirstView) preloadRouteFiles(window.location.pathname);
  });
void Promise.all([placeholder, Promise.race([firstView, new Promise((r) => setTimeout(r, 3000))])]).then(start);
