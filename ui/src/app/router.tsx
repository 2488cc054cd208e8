import { createBrowserRouter, Navigate, Outlet, RouterProvider, type LoaderFunctionArgs } from 'react-router';
import type { QueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useMemo } from 'react';
import { useSession } from '@/lib/auth';
import type { Role } from '@/types/api';
import { getActivitiesQueryOptions } from '@/features/activities/api/get-activities';
import { getLeadQueryOptions } from '@/features/leads/api/get-lead';
import { getLeadsQueryOptions } from '@/features/leads/api/get-leads';
import { inboxLeadsParams } from '@/features/leads/lib/inbox-params';
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

/**
 * Loaders that only start a page's first requests, while its chunk loads
 * (they return at once; the page reads the same queries from the cache).
 */
function prefetchers(qc: QueryClient) {
  return {
    inbox: ({ request }: LoaderFunctionArgs) => {
      void qc.prefetchQuery(getLeadsQueryOptions(inboxLeadsParams(new URL(request.url).searchParams)));
      return null;
    },
    lead: ({ params }: LoaderFunctionArgs) => {
      const id = Number(params.leadId);
      if (Number.isFinite(id)) {
        void qc.prefetchQuery(getLeadQueryOptions(id));
        void qc.prefetchQuery(getActivitiesQueryOptions(id));
      }
      return null;
    },
  };
}

export function createAppRouter(qc: QueryClient) {
  const prefetch = prefetchers(qc);
  return createBrowserRouter([
    { path: paths.login.path, ...lazyRoute(() => import('./routes/login')), errorElement: routeError },
    {
      path: paths.home.path,
      ...lazyRoute(() => import('./layouts/app-layout')),
      errorElement: routeError,
      children: [
        { index: true, element: <Landing /> },
        { path: paths.inbox.path, loader: prefetch.inbox, ...lazyRoute(() => import('./routes/inbox')) },
        { path: paths.profile.path, ...lazyRoute(() => import('./routes/profile')) },
        { path: paths.leads.path, ...lazyRoute(() => import('./routes/leads')) },
        { path: paths.lead.path, loader: prefetch.lead, ...lazyRoute(() => import('./routes/lead')) },
        { path: paths.reminders.path, ...lazyRoute(() => import('./routes/reminders')) },
        { path: paths.calendar.path, ...lazyRoute(() => import('./routes/calendar')) },
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
          path: paths.dashboard.path,
          element: <RoleGate roles={['owner', 'system_admin']} />,
          children: [{ index: true, ...lazyRoute(() => import('./routes/dashboard')) }],
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

export function AppRouter({ queryClient }: { queryClient: QueryClient }) {
  const router = useMemo(() => createAppRouter(queryClient), [queryClient]);
  return <RouterProvider router={router} />;
}
