import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import { useMemo } from 'react';
import { ProtectedRoute, useSession } from '@/lib/auth';
import { paths } from '@/config/paths';
import { AppLayout } from './layouts/app-layout';
import { RouteError } from './routes/route-error';
import { LoginRoute } from './routes/login';
import { NotFoundRoute } from './routes/not-found';

const lazyRoute = (load: () => Promise<{ Component: React.ComponentType }>) => ({ lazy: load });

/** Agents land on the conversations waiting for them; owners and the admin on all leads. */
function Landing() {
  const me = useSession();
  return <Navigate to={me.user.role === 'agent' ? paths.inbox.getHref() : paths.leads.getHref()} replace />;
}

export function createAppRouter() {
  return createBrowserRouter([
    { path: paths.login.path, element: <LoginRoute />, errorElement: <RouteError /> },
    {
      path: paths.home.path,
      element: (
        <ProtectedRoute>
          <AppLayout />
        </ProtectedRoute>
      ),
      errorElement: <RouteError />,
      children: [
        { index: true, element: <Landing /> },
        { path: paths.inbox.path, ...lazyRoute(() => import('./routes/inbox')) },
        { path: paths.profile.path, ...lazyRoute(() => import('./routes/profile')) },
        { path: paths.leads.path, ...lazyRoute(() => import('./routes/leads')) },
        { path: paths.lead.path, ...lazyRoute(() => import('./routes/lead')) },
        { path: paths.reminders.path, ...lazyRoute(() => import('./routes/reminders')) },
        {
          path: paths.settings.path,
          element: <ProtectedRoute roles={['owner', 'system_admin']} />,
          children: [{ index: true, ...lazyRoute(() => import('./routes/settings')) }],
        },
        {
          path: paths.users.path,
          element: <ProtectedRoute roles={['owner', 'system_admin']} />,
          children: [{ index: true, ...lazyRoute(() => import('./routes/users')) }],
        },
        {
          path: paths.audit.path,
          element: <ProtectedRoute roles={['owner', 'system_admin']} />,
          children: [{ index: true, ...lazyRoute(() => import('./routes/audit')) }],
        },
        {
          path: paths.adminBusinesses.path,
          element: <ProtectedRoute roles={['system_admin']} />,
          children: [{ index: true, ...lazyRoute(() => import('./routes/admin-businesses')) }],
        },
        {
          path: paths.adminAudit.path,
          element: <ProtectedRoute roles={['system_admin']} />,
          children: [{ index: true, ...lazyRoute(() => import('./routes/admin-audit')) }],
        },
        { path: '*', element: <NotFoundRoute /> },
      ],
    },
  ]);
}

export function AppRouter() {
  const router = useMemo(() => createAppRouter(), []);
  return <RouterProvider router={router} />;
}
