/**
 * Files in the conversation, on a phone: the customer's photo and voice
 * note come in through the bridge, are fetched and stored by the server, and
 * show inline (the photo with its alt text, the voice note's player with its
 * transcript under it); the composer has its attach button. Then pairing in
 * Settings: the QR code while the business's WhatsApp is not linked.
 * Screenshots: media-phone-he.png, pairing-settings-he.png in e2e-artifacts/.
 */
import { ARTIFACTS, BASE, BRIDGE_SECRET } from '../lib/config.mjs';
import { axeCheck } from '../lib/axe.mjs';
import { byTestId } from '../lib/browser.mjs';
import { deliverInbound } from '../lib/bridge.mjs';
import { assert } from '../lib/harness.mjs';
import { PHOTO_PNG, VOICE_OGG } from '../lib/media-fixtures.mjs';
import { apiWrite } from '../fixtures.mjs';

const PHONE = { width: 390, height: 844 };

export const scenarios = [
  {
    name: 'media-in-the-conversation-and-pairing',
    needsBridge: true,
    async run({ page, token, stamp, leadId, leadUrl, bridge }) {
      const instance = `e2e-media-${stamp}`;
      bridge.states.set(instance, 'open');
      const set = await apiWrite(page, token, 'PATCH', '/api/admin/businesses/1', { whatsapp_instance: instance });
      assert(set.status === 200, `set the instance: ${set.status} ${JSON.stringify(set.body)}`);
      const lead = await (await page.request.get(`${BASE}/api/leads/${leadId}`)).json();
      const phone = lead.phone_e164.replace(/^\+/, '');
      const deliver = async (id, message) => {
        const hook = await deliverInbound(BASE, BRIDGE_SECRET, {
          instance,
          phone,
          id,
          pushName: lead.first_name,
          message,
        });
        assert(hook.status === 200, `webhook: HTTP ${hook.status}`);
      };
      bridge.media.set(`E2EIMG${stamp}`, { base64: PHOTO_PNG, mimetype: 'image/png' });
      await deliver(`E2EIMG${stamp}`, { imageMessage: { mimetype: 'image/png', caption: `החדר שלנו ${stamp}` } });
      bridge.media.set(`E2EVOICE${stamp}`, { base64: VOICE_OGG, mimetype: 'audio/ogg; codecs=opus' });
      await deliver(`E2EVOICE${stamp}`, {
        audioMessage: { mimetype: 'audio/ogg; codecs=opus', ptt: true, seconds: 3 },
      });

      await page.setViewportSize(PHONE);
      await page.goto(leadUrl);
      const image = page.locator('[data-testid="chat-image"]').first();
      await image.waitFor();
      await page.waitForFunction(() => {
        const img = document.querySelector('[data-testid="chat-image"]');
        return img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0;
      });
      assert((await image.getAttribute('alt'))?.length, 'the image has no alt text');
      const transcript = byTestId(page, 'chat-transcript').first();
      await transcript.waitFor();
      assert((await transcript.textContent())?.includes('לקבוע תור'), 'the transcript is not under the voice note');
      await page.locator('[data-testid="chat-voice"] audio').first().waitFor();
      await byTestId(page, 'attach-button').waitFor();
      // Everything on the page has loaded (no spinner left) before it is judged.
      await page.waitForFunction(() => !document.querySelector('.mantine-Loader-root'));
      await page.screenshot({ path: `${ARTIFACTS}/media-phone-he.png` });
      await axeCheck(page, 'the conversation with a photo and a voice note (he, phone)');

      // Pairing: while the phone is not linked, Settings shows the QR code.
      // The phone is unlinked: the bridge says so (connection.update), as it does live.
      bridge.states.set(instance, 'close');
      const closed = await fetch(`${BASE}/webhook/baileys`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Webhook-Secret': BRIDGE_SECRET },
        body: JSON.stringify({ event: 'connection.update', instance, data: { instance, state: 'close' } }),
      });
      assert(closed.status === 200, `connection.update: HTTP ${closed.status}`);
      await page.goto(`${BASE}/settings`);
      const qr = byTestId(page, 'whatsapp-qr');
      await qr.waitFor();
      assert((await byTestId(page, 'whatsapp-link').getAttribute('data-state')) === 'close', 'the link is not closed');
      await byTestId(page, 'pairing-phone').fill('0521234567');
      await byTestId(page, 'pairing-submit').click();
      await byTestId(page, 'pairing-code').waitFor();
      await page.mouse.move(0, 0);
      await page.waitForFunction(() => {
        const img = document.querySelector('[data-testid="whatsapp-qr"]');
        return img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0;
      });
      await page.waitForFunction(() => !document.querySelector('.mantine-Loader-root'));
      await qr.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${ARTIFACTS}/pairing-settings-he.png`, fullPage: true });
      await axeCheck(page, 'pairing in Settings (he, phone)');
      bridge.states.set(instance, 'open');
    },
  },
];
