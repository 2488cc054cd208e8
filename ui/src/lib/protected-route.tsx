/** The guard of the signed-in pages (apart from lib/auth: it brings UI the first page does not need). */
import type { ReactNode } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { Alert, Button, Center, Loader } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { paths } from '@/config/paths';
import type { Role } from '@/types/api';
import { useMe } from './auth';

/** Signed-in users only (optionally of some roles); renders children or the nested route. */
export function ProtectedRoute({ children, roles }: { children?: ReactNode; roles?: Role[] }) {
  const { data, isPending, error, refetch } = useMe();
  const location = useLocation();
  const { t } = useTranslation();
  if (error) {
    // Not "signed out": the server could not say who we are. Offer a retry.
    return (
      <Center h="60vh" p="md">
        <Alert color="red" title={t('errors.title')} role="alert">
          {error.message}
          <div>
            <Button mt="sm" size="xs" variant="light" onClick={() => void refetch()}>
              {t('common.retry')}
            </Button>
          </div>
        </Alert>
      </Center>
    );
  }
  if (isPending) {
    return (
      <Center h="60vh">
        <Loader role="status" aria-label="loading" />
      </Center>
    );
  }
  if (!data) {
    return <Navigate to={paths.login.getHref(location.pathname + location.search)} replace />;
  }
  if (roles && !roles.includes(data.user.role)) {
    return <Navigate to={paths.leads.getHref()} replace />;
  }
  return <>{children ?? <Outlet />}</>;
}
