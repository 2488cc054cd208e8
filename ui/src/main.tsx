import { startTransition, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import i18n, { loadLanguage } from './i18n';
import { App } from './app';
import { handOverFirstView } from './app/first-view-handover';

await loadLanguage(i18n.language);

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
// A transition: React renders the first page in slices, yielding to the
// browser between them, instead of one long task on a slow phone.
startTransition(() => {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
});
handOverFirstView(root);

// Shows Web Push alerts; asks for nothing (permission is asked from the profile page).
if (import.meta.env.PROD) void import('./lib/push').then((push) => push.registerServiceWorker());
