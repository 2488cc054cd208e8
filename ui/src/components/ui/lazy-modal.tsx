import { lazy, Suspense, useState, type ComponentProps } from 'react';
import { useTranslation } from 'react-i18next';
import type { Modal } from '@mantine/core';

const LoadedModal = lazy(() => import('./modal'));

/**
 * A Mantine Modal whose code (focus trap, transitions, portal) loads when it
 * is first opened, not with the page that offers it. Once opened it stays
 * mounted, so closing keeps its transition and gives focus back. Its close
 * button is named (an icon alone says nothing to a screen reader).
 */
export function LazyModal(props: ComponentProps<typeof Modal>) {
  const { t } = useTranslation();
  const [used, setUsed] = useState(props.opened);
  if (props.opened && !used) setUsed(true);
  if (!used) return null;
  return (
    <Suspense fallback={null}>
      <LoadedModal {...props} closeButtonProps={{ 'aria-label': t('common.close'), ...props.closeButtonProps }} />
    </Suspense>
  );
}
