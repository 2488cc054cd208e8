import '../styles-shell';
import { Burger, Container, Group, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link, NavLink as RouterNavLink, Outlet, useLocation } from 'react-router';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useAfterLoad } from '@/hooks/use-after-load';
import { canManage, isAdmin, useSession } from '@/lib/auth';
import { ProtectedRoute } from '@/lib/protected-route';
import { paths } from '@/config/paths';
import { LanguageSwitch } from '@/components/layout/language-switch';
import { UserFace } from '@/components/layout/user-face';
import { ImpersonationBanner } from '@/features/admin/components/impersonation-banner';
import { useInboxCounts } from '@/features/inbox/api/get-inbox-counts';
import { useLiveEvents } from '../live-events';
import { NavCount, type NavItem } from './nav-count';

// The phone menu (a drawer, with its focus trap and transitions) loads on first open.
const MobileNav = lazy(() => import('./mobile-nav'));
// The bell's and the account's menus (floating-ui) load after the page (useAfterLoad);
// until then a look-alike holds their place (no layout shift, not focusable).
const NotificationBell = lazy(() =>
  import('@/features/notifications/components/notification-bell').then((m) => ({ default: m.NotificationBell })),
);
const UserMenu = lazy(() => import('@/components/layout/user-menu').then((m) => ({ default: m.UserMenu })));

function Placeholder({ children, className }: { children: React.ReactNode; className: string }) {
  return (
    <span className={className} aria-hidden="true">
      {children}
    </span>
  );
}

function useNavItems(): NavItem[] {
  const { t } = useTranslation();
  const me = useSession();
  // Kept live by the event stream (app/live-events.tsx invalidates them).
  const counts = useInboxCounts().data;
  const items: NavItem[] = [
    {
      to: paths.inbox.getHref(),
      label: t('nav.inbox'),
      testId: 'nav-inbox',
      count: counts?.needs_reply,
      countLabel: t('nav.needsReplyCount', { count: counts?.needs_reply ?? 0 }),
    },
    {
      to: paths.leads.getHref(),
      label: t('nav.leads'),
      testId: 'nav-leads',
      count: counts?.mine,
      countLabel: t('nav.mineCount', { count: counts?.mine ?? 0 }),
    },
    {
      to: paths.reminders.getHref(),
      label: t('nav.reminders'),
      testId: 'nav-reminders',
      count: counts?.reminders_due,
      countLabel: t('nav.remindersDueCount', { count: counts?.reminders_due ?? 0 }),
    },
    { to: paths.calendar.getHref(), label: t('nav.calendar'), testId: 'nav-calendar' },
    { to: paths.replies.getHref(), label: t('nav.replies'), testId: 'nav-replies' },
  ];
  if (canManage(me)) {
    items.push(
      { to: paths.dashboard.getHref(), label: t('nav.dashboard'), testId: 'nav-dashboard' },
      { to: paths.settings.getHref(), label: t('nav.settings'), testId: 'nav-settings' },
      { to: paths.users.getHref(), label: t('nav.users'), testId: 'nav-users' },
      { to: paths.audit.getHref(), label: t('nav.audit'), testId: 'nav-audit' },
    );
  }
  if (isAdmin(me)) {
    items.push(
      { to: paths.adminBusinesses.getHref(), label: t('nav.adminBusinesses'), testId: 'nav-admin-businesses' },
      { to: paths.adminAudit.getHref(), label: t('nav.adminAudit'), testId: 'nav-admin-audit' },
    );
  }
  return items;
}

export function AppLayout() {
  const { t } = useTranslation();
  const me = useSession();
  const items = useNavItems();
  const [opened, { toggle, close }] = useDisclosure(false);
  const [menuLoaded, setMenuLoaded] = useState(false);
  const location = useLocation();
  useEffect(() => close(), [location.pathname, close]);
  useLiveEvents(me.effective_tenant_id);
  const menusReady = useAfterLoad();
  const bellPlaceholder = <Placeholder className="fd-bell-slot">{null}</Placeholder>;
  const userPlaceholder = (
    <Placeholder className="fd-user-slot">
      <UserFace />
    </Placeholder>
  );

  return (
    <div className="fd-shell">
      <a href="#main" className="fd-skip">
        {t('nav.skip')}
      </a>
      <ImpersonationBanner />
      <header className="fd-header">
        <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="xs">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={() => {
                setMenuLoaded(true);
                toggle();
              }}
              hiddenFrom="md"
              size="sm"
              aria-label={t('nav.menu')}
            />
            <UnstyledButton component={Link} to={paths.leads.getHref()} className="fd-brand">
              <span className="fd-logo" aria-hidden="true">
                F
              </span>
              <Text fw={700} className="fd-sr-mobile">
                {t('app.name')}
              </Text>
            </UnstyledButton>
            {me.tenant && (
              <Text size="sm" c="dimmed" className="fd-hide-mobile" data-testid="tenant-name" truncate maw={180}>
                {me.tenant.name}
              </Text>
            )}
          </Group>
          <nav aria-label={t('nav.main')} className="fd-topnav fd-hide-mobile">
            {items.map((it) => (
              <RouterNavLink key={it.to} to={it.to} className="fd-topnav-link" data-testid={it.testId}>
                {it.label}
                <NavCount item={it} />
              </RouterNavLink>
            ))}
          </nav>
          <Group gap="xs" wrap="nowrap">
            {menusReady ? (
              <Suspense fallback={bellPlaceholder}>
                <NotificationBell />
              </Suspense>
            ) : (
              bellPlaceholder
            )}
            <LanguageSwitch />
            {menusReady ? (
              <Suspense fallback={userPlaceholder}>
                <UserMenu />
              </Suspense>
            ) : (
              userPlaceholder
            )}
          </Group>
        </Group>
      </header>
      {menuLoaded && (
        <Suspense fallback={null}>
          <MobileNav opened={opened} onClose={close} items={items} />
        </Suspense>
      )}
      <main id="main" className="fd-main" tabIndex={-1}>
        <Container size="xl" className="fd-container">
          <Outlet />
        </Container>
      </main>
    </div>
  );
}

/** The route module: the shell, for signed-in users only. */
export function Component() {
  return (
    <ProtectedRoute>
      <AppLayout />
    </ProtectedRoute>
  );
}
