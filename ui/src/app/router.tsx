import { createBrowserRouter, Navigate, Outlet, RouterProvider } from 'react-router';
import { lazy, Suspense, useMemo } from 'react';
import { useSession } from '@/lib/auth';
import type { Role } from '@/types/api';
import { paths } from '@/config/paths';

// Every page and the signed-in shell are their own chunks: the first load
// fetches the router and the providers, then only the route it opens.
// Shown only when a page fails: loaded then.
const LazyRouteError = lazy(() => import('./routes/route-error').then((m) => ({ default: m.RouteError })));
const routeError = (
  <Suspense fallback={null}>
    <LazyRouteError />
  </Suspense>
);

const lazyRoute = (load: () => Promise<{ Component: React.ComponentType }>) => ({ lazy: load });

/** Pages for some roles only (below the signed-in shell, which checked the session). */
function RoleGate({ roles }: { roles: Role[] }) {
  const me = useSession();
  return roles.includes(me.user.role) ? <Outlet /> : <Navigate to={paths.leads.getHref()} replace />;
}

/** Agents land on the conversations waiting for them; owners and the admin on all leads. */
function Landing() {
  const me = useSession();
  return <Navigate to={me.user.role === 'agent' ? paths.inbox.getHref() : paths.leads.getHref()} replace />;
}

export function createAppRouter() {
  return createBrowserRouter([
    { path: paths.login.path, ...lazyRoute(() => import('./routes/login')), errorElement: routeError },
    {
      path: paths.home.path,
      ...lazyRoute(() => import('./layouts/app-layout')),
      errorElement: routeError,
      children: [
        { index: true, element: <Landing /> },
        { path: paths.inbox.path, ...lazyRoute(() => import('./routes/inbox')) },
        { path: paths.profile.path, ...lazyRoute(() => import('./routes/profile')) },
        { path: paths.leads.path, ...lazyRoute(() => import('./routes/leads')) },
        { path: paths.lead.path, ...lazyRoute(() => import('./routes/lead')) },
        { path: paths.reminders.path, ...lazyRoute(() => import('./routes/reminders')) },
        { path: paths.replies.path, ...lazyRoute(() => import('./routes/replies')) },
        {
          path: paths.settings.path,
          element: <RoleGate roles={['owner', 'system_admin']} />,
          children: [{ index: true, ...lazyRoute(() => import('./routes/settings')) }],
        },
        {
          path: paths.users.path,
          element: <RoleGate roles={['owner', 'system_admin']} />,
          children: [{ index: true, ...lazyRoute(() => import('./routes/users')) }],
        },
        {
          path: paths.audit.path,
          element: <RoleGate roles={['owner', 'system_admin']} />,
          children: [{ index: true, ...lazyRoute(() => import('./routes/audit')) }],
        },
        {
          path: paths.adminBusinesses.path,
          element: <RoleGate roles={['system_admin']} />,
          children: [{ index: true, ...lazyRoute(() => import('./routes/admin-businesses')) }],
        },
        {
          path: paths.adminAudit.path,
          element: <RoleGate roles={['system_admin']} />,
          children: [{ index: true, ...lazyRoute(() => import('./routes/admin-audit')) }],
        },
        { path: '*', ...lazyRoute(() => import('./routes/not-found')) },
      ],
    },
  ]);
}

export function AppRouter() {
  const router = useMemo(() => createAppRouter(), []);
  return <RouterProvider router={router} />;
}
