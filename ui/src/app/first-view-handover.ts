/**
 * The app's side of the entry's first screen (app/first-view.ts): the app
 * renders unseen beneath it and takes its place once its own page is there
 * (the first view names what that looks like), when the address changes, or
 * after a while whatever it shows. In the same task as the app's commit, so
 * the swap never paints an empty page.
 */
import { FIRST_VIEW_ID } from '@/config/constants';

const GIVE_UP_MS = 10_000;

export function handOverFirstView(root: HTMLElement): void {
  const first = document.getElementById(FIRST_VIEW_ID);
  if (!first) return;
  const ready = root.dataset.readyWhen || '';
  const address = window.location.pathname + window.location.search;
  let timer = 0;
  const done = () => {
    observer.disconnect();
    window.clearTimeout(timer);
    first.remove();
    root.classList.remove('fd-app-pending');
    delete root.dataset.readyWhen;
  };
  const check = () => {
    if ((ready && root.querySelector(ready)) || window.location.pathname + window.location.search !== address) done();
  };
  const observer = new MutationObserver(check);
  observer.observe(root, { childList: true, subtree: true });
  timer = window.setTimeout(done, GIVE_UP_MS);
}
