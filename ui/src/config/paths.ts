/** Every client route in one place (bulletproof-react's config/paths). */
export const paths = {
  login: { path: '/login', getHref: (next?: string) => (next ? `/login?next=${encodeURIComponent(next)}` : '/login') },
  home: { path: '/', getHref: () => '/' },
  inbox: { path: '/inbox', getHref: () => '/inbox' },
  leads: { path: '/leads', getHref: () => '/leads' },
  lead: { path: '/leads/:leadId', getHref: (id: number | string) => `/leads/${id}` },
  calendar: { path: '/calendar', getHref: () => '/calendar' },
  reminders: { path: '/reminders', getHref: () => '/reminders' },
  notifications: { path: '/notifications', getHref: () => '/notifications' },
  settings: { path: '/settings', getHref: () => '/settings' },
  replies: { path: '/settings/replies', getHref: () => '/settings/replies' },
  profile: { path: '/profile', getHref: () => '/profile' },
  users: { path: '/users', getHref: () => '/users' },
  audit: { path: '/audit', getHref: () => '/audit' },
  dashboard: { path: '/dashboard', getHref: () => '/dashboard' },
  adminBusinesses: { path: '/admin/businesses', getHref: () => '/admin/businesses' },
  adminAudit: { path: '/admin/audit', getHref: () => '/admin/audit' },
} as const;
