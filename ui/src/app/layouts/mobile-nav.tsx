import { Drawer, NavLink, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { NavLink as RouterNavLink } from 'react-router';
import { NavCount, type NavItem } from './nav-count';

/** The phone's menu: the same items as the top bar, in a drawer from the start side. */
export default function MobileNav({
  opened,
  onClose,
  items,
}: {
  opened: boolean;
  onClose: () => void;
  items: NavItem[];
}) {
  const { t } = useTranslation();
  return (
    <Drawer
      opened={opened}
      onClose={onClose}
      title={t('app.name')}
      size="75%"
      position="left" /* Mantine mirrors it in rtl: the start side, where the burger is */
    >
      <nav aria-label={t('nav.main')}>
        <Stack gap={2}>
          {items.map((it) => (
            <NavLink
              key={it.to}
              component={RouterNavLink}
              to={it.to}
              label={it.label}
              rightSection={<NavCount item={it} />}
              data-testid={`${it.testId}-mobile`}
            />
          ))}
        </Stack>
      </nav>
    </Drawer>
  );
}
