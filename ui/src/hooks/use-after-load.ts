import { useEffect, useState } from 'react';

/** How long after its first render a page is left alone before extras load. */
const SETTLE_MS = 1000;

/**
 * False on the first render, true once the page has had a moment to draw its
 * own content and the browser is idle: for what may load after the page (the
 * bell's and account's menus, the lead page's side sections), so it does not
 * compete with the page's code and data on a slow phone.
 */
export function useAfterLoad(): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    if (ready) return;
    let idle = 0;
    const timer = window.setTimeout(() => {
      if (typeof window.requestIdleCallback === 'function') {
        idle = window.requestIdleCallback(() => setReady(true), { timeout: SETTLE_MS });
      } else {
        setReady(true);
      }
    }, SETTLE_MS);
    return () => {
      window.clearTimeout(timer);
      if (idle) window.cancelIdleCallback(idle);
    };
  }, [ready]);
  return ready;
}
