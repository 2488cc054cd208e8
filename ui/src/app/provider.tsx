import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { DirectionProvider, MantineProvider, useDirection } from '@mantine/core';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { I18nextProvider, useTranslation } from 'react-i18next';
import i18n, { dirOf } from '@/i18n';
import { onToast } from '@/lib/notify';
import { createQueryClient } from '@/lib/react-query';
import { theme } from './theme';

/** Keeps Mantine's direction in step with the language (i18n sets <html dir>). */
function DirectionSync() {
  const { i18n: inst } = useTranslation();
  const { setDirection } = useDirection();
  useEffect(() => {
    setDirection(dirOf(inst.language));
  }, [inst.language, setDirection]);
  return null;
}

// The toasts' host (and its transitions) loads with the first toast: the
// store keeps what was shown meanwhile, and the host shows it once mounted.
const Notifications = lazy(() => import('./toasts'));

function ToastHost() {
  const [wanted, setWanted] = useState(false);
  useEffect(() => onToast(() => setWanted(true)), []);
  if (!wanted) return null;
  return (
    <Suspense fallback={null}>
      <Notifications position="bottom-center" limit={4} />
    </Suspense>
  );
}

/**
 * All providers. MantineProvider runs without its injected <style> tags
 * (`withCssVariables`/`withGlobalClasses` off): the server's CSP forbids
 * inline styles, and the same CSS ships as a static file (app/styles.ts).
 */
export function AppProvider({ children, queryClient }: { children: ReactNode; queryClient?: QueryClient }) {
  const [client] = useState(() => queryClient ?? createQueryClient());
  return (
    <I18nextProvider i18n={i18n}>
      <DirectionProvider initialDirection={dirOf(i18n.language)} detectDirection={false}>
        <MantineProvider theme={theme} withCssVariables={false} withGlobalClasses={false} forceColorScheme="light">
          <DirectionSync />
          <ToastHost />
          <QueryClientProvider client={client}>{children}</QueryClientProvider>
        </MantineProvider>
      </DirectionProvider>
    </I18nextProvider>
  );
}
