/**
 * The server's view of the signed-in session, asked from inside the page (so
 * with its cookies), next to what the UI shows.
 */

/** GET /api/auth/me as the page's session. */
export async function fetchMe(page) {
  return page.evaluate(async () => (await fetch('/api/auth/me', { credentials: 'include' })).json());
}

/** GET /api/leads/{id} of the lead page that is open. */
export async function leadFromPage(page) {
  const id = Number(new URL(page.url()).pathname.split('/').pop());
  return page.evaluate(async (leadId) => (await fetch(`/api/leads/${leadId}`, { credentials: 'include' })).json(), id);
}
