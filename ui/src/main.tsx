import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './app/styles';
import './i18n';
import { App } from './app';

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
