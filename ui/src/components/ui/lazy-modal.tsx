import { lazy, Suspense, useState, type ComponentProps } from 'react';
import type { Modal } from '@mantine/core';

const LoadedModal = lazy(() => import('./modal'));

/**
 * A Mantine Modal whose code (focus trap, transitions, portal) loads when it
 * is first opened, not with the page that offers it. Once opened it stays
 * mounted, so closing keeps its transition and gives focus back.
 */
export function LazyModal(props: ComponentProps<typeof Modal>) {
  const [used, setUsed] = useState(props.opened);
  if (props.opened && !used) setUsed(true);
  if (!used) return null;
  return (
    <Suspense fallback={null}>
      <LoadedModal {...props} />
    </Suspense>
  );
}
