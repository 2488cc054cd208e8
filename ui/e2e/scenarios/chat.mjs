/**
 * The staff's phone: a lead's page is a chat (customer at the start side, us
 * at the end side, Call and WhatsApp on top, the composer pinned to the
 * bottom), the inbox a list of conversations, and quick replies typed with
 * `/` in the composer. Screenshots of the Hebrew phone and desktop views go
 * to e2e-artifacts/ (lead-phone-he.png, lead-desktop-he.png, inbox-*-he.png).
 */
import { ARTIFACTS, BASE, BRIDGE_SECRET } from '../lib/config.mjs';
import { axeCheck } from '../lib/axe.mjs';
import { byTestId } from '../lib/browser.mjs';
import { deliverInbound } from '../lib/bridge.mjs';
import { assert, shot } from '../lib/harness.mjs';
import { apiWrite } from '../fixtures.mjs';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

async function viewportShot(page, name) {
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png` });
}

/** Points business #1 at a fresh open bridge instance; returns a function that delivers an inbound text from the lead. */
async function openConversation({ page, token, bridge, stamp, leadId }) {
  const instance = `e2e-chat-${stamp}`;
  bridge.states.set(instance, 'open');
  const set = await apiWrite(page, token, 'PATCH', '/api/admin/businesses/1', { whatsapp_instance: instance });
  assert(set.status === 200, `set the instance: ${set.status} ${JSON.stringify(set.body)}`);
  const lead = await (await page.request.get(`${BASE}/api/leads/${leadId}`)).json();
  let n = 0;
  return async (text) => {
    n += 1;
    const hook = await deliverInbound(BASE, BRIDGE_SECRET, {
      instance,
      phone: lead.phone_e164.replace(/^\+/, ''),
      id: `E2ECHAT${stamp}${n}`,
      pushName: lead.first_name,
      text,
    });
    assert(hook.status === 200, `webhook: HTTP ${hook.status}`);
  };
}

const box = async (locator) => {
  const b = await locator.boundingBox();
  assert(b, 'element has no box');
  return b;
};

export const scenarios = [
  {
    name: 'lead-conversation',
    needsBridge: true,
    async run(ctx) {
      const { page, stamp, leadUrl } = ctx;
      const inbound = await openConversation(ctx);
      await inbound(`שלום, אפשר לקבוע תור? ${stamp}`);
      await page.setViewportSize(PHONE);
      await page.goto(leadUrl);
      const incoming = page.locator('[data-testid="chat-message"][data-direction="in"]').first();
      await incoming.waitFor();
      // On top: the name, the status, one-tap Call (tel:) and WhatsApp, all on the first screen.
      await byTestId(page, 'lead-title').waitFor();
      await page.locator('[data-testid="lead-status-badge"]').first().waitFor();
      const call = byTestId(page, 'lead-call');
      assert((await call.getAttribute('href'))?.startsWith('tel:+972'), 'Call is not a tel: link');
      for (const id of ['lead-call', 'lead-whatsapp']) {
        const b = await box(byTestId(page, id));
        assert(b.y + b.height <= PHONE.height, `${id} is below the first screen (y ${b.y})`);
      }
      // The composer is on screen without scrolling (pinned to the bottom).
      const composer = await box(byTestId(page, 'whatsapp-text'));
      assert(composer.y + composer.height <= PHONE.height, `the composer is off screen (y ${composer.y})`);
      // From the keyboard: WhatsApp focuses the composer, Ctrl+Enter sends.
      await byTestId(page, 'lead-whatsapp').focus();
      await page.keyboard.press('Enter');
      assert(
        (await page.evaluate(() => document.activeElement?.id)) === 'composer',
        'WhatsApp did not focus the composer',
      );
      await page.keyboard.type(`תודה! מחר ב-10:00? ${stamp}`);
      await page.keyboard.press('Control+Enter');
      const outgoing = page
        .locator('[data-testid="chat-message"][data-direction="out"]', { hasText: `מחר ב-10:00? ${stamp}` })
        .first();
      await outgoing.waitFor();
      await outgoing.locator('[data-testid="chat-tick"]').waitFor();
      // Right-to-left: the customer at the start side (right), us at the end side (left).
      const [inBox, outBox] = [await box(incoming), await box(outgoing)];
      assert(inBox.x + inBox.width > outBox.x + outBox.width + 20, 'the customer bubble is not on the right');
      assert(inBox.x > outBox.x + 20, 'our bubble is not on the left');
      // The customer writes again: the new bubble arrives live, at the bottom.
      await inbound(`ועוד שאלה ${stamp}`);
      await page
        .locator('[data-testid="chat-message"]')
        .last()
        .filter({ hasText: `ועוד שאלה ${stamp}` })
        .waitFor();
      await viewportShot(page, 'lead-phone-he');
      await axeCheck(page, 'the lead conversation (he, phone)');
      await page.setViewportSize(DESKTOP);
      await viewportShot(page, 'lead-desktop-he');
      await axeCheck(page, 'the lead conversation (he, desktop)');
      await byTestId(page, 'lang-en').click();
      await page.waitForFunction(() => document.documentElement.dir === 'ltr');
      await axeCheck(page, 'the lead conversation (en, desktop)');
      await page.setViewportSize(PHONE);
      await axeCheck(page, 'the lead conversation (en, phone)');
      await byTestId(page, 'lang-he').click();
      await page.waitForFunction(() => document.documentElement.dir === 'rtl');

      // The inbox: the conversation waits for a reply, with its last message, time, wait and assignee.
      await page.goto(`${BASE}/inbox`);
      const row = byTestId(page, 'lead-row')
        .filter({ hasText: `ועוד שאלה ${stamp}` })
        .first();
      await row.waitFor();
      assert((await row.getAttribute('data-needs-reply')) === 'true', 'the row is not marked as needing a reply');
      await row.locator('[data-testid="needs-reply-badge"]').waitFor();
      await row.locator('[data-testid="convo-assignee"]').waitFor();
      const time = (await row.locator('[data-testid="convo-time"]').textContent()) || '';
      assert(/^\d\d:\d\d$/.test(time.trim()), `the message time is not 24-hour HH:MM: ${time}`);
      await viewportShot(page, 'inbox-phone-he');
      await axeCheck(page, 'the inbox with a conversation (he, phone)');
      await page.setViewportSize(DESKTOP);
      await viewportShot(page, 'inbox-desktop-he');
      // Tabs from the keyboard: All lists it too.
      await byTestId(page, 'inbox-tab-needs').focus();
      await page.keyboard.press('End');
      await page.waitForURL(/tab=all/);
      await byTestId(page, 'lead-row')
        .filter({ hasText: `ועוד שאלה ${stamp}` })
        .first()
        .waitFor();
      await shot(page, 'inbox-all');
    },
  },
];
