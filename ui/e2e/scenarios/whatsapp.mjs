/**
 * WhatsApp through the fake Baileys bridge (lib/bridge.mjs): a send and a
 * live reply, a business whose session is closed, a business without an
 * instance. Skipped when the run has no bridge.
 */
import { BASE, BRIDGE_SECRET } from '../lib/config.mjs';
import { byTestId } from '../lib/browser.mjs';
import { deliverInbound } from '../lib/bridge.mjs';
import { assert, expectConsoleErrors, shot } from '../lib/harness.mjs';
import { leadFromPage } from '../lib/session.mjs';

/** Opens the admin edit form of business `id`, sets its WhatsApp instance, saves. */
async function setInstance(page, id, instance) {
  await page.goto(`${BASE}/admin/businesses`);
  await byTestId(page, `edit-business-${id}`).click();
  await byTestId(page, 'business-whatsapp-instance').fill(instance);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/api/admin/businesses/${id}`) && r.request().method() === 'PATCH'),
    byTestId(page, 'business-submit').click(),
  ]);
  assert(response.status() === 200, `PATCH business ${id} answered ${response.status()}`);
  const saved = await response.json();
  assert(
    (saved.whatsapp_instance ?? '') === instance,
    `whatsapp_instance saved as ${JSON.stringify(saved.whatsapp_instance)}`,
  );
  await byTestId(page, 'business-form').waitFor({ state: 'detached' });
}

/** Sends `text` from the open lead page; resolves with the HTTP answer of the send. */
async function sendWhatsapp(page, text) {
  await byTestId(page, 'whatsapp-text').fill(text);
  const [response] = await Promise.all([
    page.waitForResponse(
      (r) => /\/api\/leads\/\d+\/message\/whatsapp$/.test(r.url()) && r.request().method() === 'POST',
    ),
    byTestId(page, 'whatsapp-send').click(),
  ]);
  return { status: response.status(), body: await response.json().catch(() => null) };
}

/** The server's 503 message and hint are shown verbatim in the WhatsApp form. */
async function expectUnavailable(page, answer, why) {
  assert(answer.status === 503, `send answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  assert(answer.body?.error === 'provider_unavailable', `error is ${answer.body?.error}`);
  assert(answer.body.message.includes(why), `message does not say "${why}": ${answer.body.message}`);
  const form = byTestId(page, 'whatsapp-form');
  await form.locator('[data-testid="error-message"]').waitFor();
  const message = (await form.locator('[data-testid="error-message"]').textContent()) || '';
  const hint = (await form.locator('[data-testid="error-hint"]').textContent()) || '';
  assert(
    message.trim() === answer.body.message.trim(),
    `UI message "${message}" != server message "${answer.body.message}"`,
  );
  assert(
    answer.body.hint && hint.includes(answer.body.hint),
    `UI hint "${hint}" lacks server hint "${answer.body.hint}"`,
  );
  assert((await byTestId(page, 'whatsapp-sent').count()) === 0, 'a "sent" confirmation is shown for a failed send');
}

export const scenarios = [
  {
    name: 'whatsapp-send',
    needsBridge: true,
    async run({ page, bridge, stamp, leadUrl }) {
      assert(leadUrl, 'no lead from create-lead');
      const instance = `e2e-open-${stamp}`;
      bridge.states.set(instance, 'open');
      await setInstance(page, 1, instance);
      await byTestId(page, 'business-row').filter({ hasText: instance }).first().waitFor();
      await page.goto(leadUrl);
      const lead = await leadFromPage(page);
      const text = `Hello from e2e ${stamp} — שלום`;
      const before = bridge.requests.length;
      const answer = await sendWhatsapp(page, text);
      assert(answer.status === 200, `send answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      assert(answer.body.provider === 'baileys', `provider is ${answer.body.provider}`);
      assert(
        /^E2EFAKE[0-9A-Z]+N\d+$/.test(answer.body.provider_message_id || ''),
        `provider_message_id is ${answer.body.provider_message_id}`,
      );
      // The UI names the provider that carried it.
      await page.locator('[data-testid="whatsapp-sent"][data-provider="baileys"]').waitFor();
      assert((await byTestId(page, 'whatsapp-text').inputValue()) === '', 'the text was not cleared after sending');
      // The bridge got the text, to the lead's number without '+', with the apikey on every call
      // (a health check first, unless a recent "open" answer is still cached by the server).
      const seen = bridge.requests.slice(before).filter((r) => r.instance === instance);
      assert(
        seen.every((r) => r.apikey === BRIDGE_SECRET),
        `a bridge call came without the apikey: ${JSON.stringify(seen)}`,
      );
      const sends = seen.filter((r) => r.method === 'POST' && r.path === `/message/sendText/${instance}`);
      assert(sends.length === 1, `expected one sendText, saw ${sends.length}`);
      assert(sends[0].apikey === BRIDGE_SECRET, 'sendText came without the apikey');
      assert(sends[0].body.text === text, `bridge got text ${JSON.stringify(sends[0].body.text)}`);
      assert(
        sends[0].body.number === lead.phone_e164.replace(/^\+/, ''),
        `bridge got number ${sends[0].body.number} for ${lead.phone_e164}`,
      );
      // The timeline shows the message_out activity with its provider.
      const activity = page
        .locator('[data-testid="activity"][data-kind="message_out"]', { hasText: `Hello from e2e ${stamp}` })
        .first();
      await activity.waitFor();
      await activity.locator('[data-testid="activity-provider"][data-provider="baileys"]').waitFor();
      // The lead answers: the bridge posts its webhook; the message_in reaches the open page live.
      const reply = `Thanks, see you ${stamp} — תודה`;
      const hook = await deliverInbound(BASE, BRIDGE_SECRET, {
        instance,
        phone: lead.phone_e164.replace(/^\+/, ''),
        id: `E2EIN${stamp}`,
        pushName: 'Someone Else',
        text: reply,
      });
      assert(hook.status === 200, `bridge webhook answered ${hook.status}: ${await hook.text()}`);
      const incoming = page
        .locator('[data-testid="activity"][data-kind="message_in"]', { hasText: `Thanks, see you ${stamp}` })
        .first();
      await incoming.waitFor({ timeout: 10_000 });
      await incoming.locator('[data-testid="activity-provider"][data-provider="baileys"]').waitFor();
      // Newest first: the reply above the message it answers (the AI pause the send caused may sit between them).
      const kinds = await page.locator('[data-testid="activity"]').evaluateAll((els) =>
        els
          .map((e) => e.getAttribute('data-kind'))
          .filter((k) => k.startsWith('message_'))
          .slice(0, 2),
      );
      assert(kinds.join(',') === 'message_in,message_out', `timeline starts with ${kinds}`);
      await shot(page, 'whatsapp-sent');
    },
  },
  {
    name: 'whatsapp-unavailable',
    needsBridge: true,
    async run({ page, bridge, stamp }) {
      // A second business whose bridge session is closed (its own health state:
      // business #1's cached "open" does not apply).
      const name = `E2E closed ${stamp}`;
      const instance = `e2e-closed-${stamp}`;
      bridge.states.set(instance, 'close');
      await page.goto(`${BASE}/admin/businesses`);
      await byTestId(page, 'new-business').click();
      await byTestId(page, 'business-name').fill(name);
      await byTestId(page, 'business-whatsapp-instance').fill(instance);
      await byTestId(page, 'owner-name').fill('E2E Owner');
      await byTestId(page, 'owner-email').fill(`owner-${stamp}@e2e.example.com`);
      await byTestId(page, 'owner-password').fill(`owner-pass-${stamp}`);
      await byTestId(page, 'business-submit').click();
      await byTestId(page, 'business-form').waitFor({ state: 'detached' });
      const row = byTestId(page, 'business-row').filter({ hasText: name }).first();
      await row.waitFor();
      const id = await row.getAttribute('data-business-id');
      // Act inside it: create a lead there, then try to message it.
      await byTestId(page, `impersonate-${id}`).click();
      await byTestId(page, 'impersonation-banner').waitFor();
      await page.waitForURL(/\/leads/);
      try {
        await byTestId(page, 'new-lead').click();
        await byTestId(page, 'lead-first-name').fill(`E2E closed ${stamp}`);
        await byTestId(page, 'lead-phone').fill(`05${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`);
        await byTestId(page, 'lead-submit').click();
        await page.waitForURL(/\/leads\/\d+$/);
        expectConsoleErrors([{ status: 503, url: '/message/whatsapp' }]);
        const before = bridge.requests.length;
        const answer = await sendWhatsapp(page, `nobody will get this ${stamp}`);
        await expectUnavailable(page, answer, 'not connected');
        const seen = bridge.requests.slice(before).filter((r) => r.instance === instance);
        assert(
          seen.some((r) => r.path === `/instance/connectionState/${instance}` && r.apikey === BRIDGE_SECRET),
          'the server did not ask the bridge for the state',
        );
        assert(!seen.some((r) => r.path.startsWith('/message/sendText/')), 'the server sent through a closed session');
        assert(
          (await page.locator('[data-testid="activity"][data-kind="message_out"]').count()) === 0,
          'a failed send left a message_out activity',
        );
        assert(
          (await byTestId(page, 'whatsapp-text').inputValue()).includes('nobody will get this'),
          'the unsent text was lost',
        );
        await shot(page, 'whatsapp-unavailable');
      } finally {
        expectConsoleErrors([]);
        if (await byTestId(page, 'impersonation-exit').count()) {
          await byTestId(page, 'impersonation-exit').click();
          await byTestId(page, 'impersonation-banner').waitFor({ state: 'detached' });
        }
      }
    },
  },
  {
    name: 'whatsapp-no-instance',
    needsBridge: true,
    async run({ page, bridge, stamp, leadUrl }) {
      // Business #1 without an instance (and no Twilio): nothing can send.
      assert(leadUrl, 'no lead from create-lead');
      await setInstance(page, 1, '');
      await page.goto(leadUrl);
      expectConsoleErrors([{ status: 503, url: '/message/whatsapp' }]);
      const before = bridge.requests.length;
      const answer = await sendWhatsapp(page, `no instance ${stamp}`);
      await expectUnavailable(page, answer, 'whatsapp_instance');
      assert(bridge.requests.length === before, 'the bridge was called for a business without an instance');
    },
  },
];
