import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './app/styles';
import i18n, { loadLanguage } from './i18n';
import { App } from './app';

await loadLanguage(i18n.language);

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// Shows Web Push alerts; asks for nothing (permission is asked from the profile page).
if (import.meta.env.PROD) void import('./lib/push').then((push) => push.registerServiceWorker());
