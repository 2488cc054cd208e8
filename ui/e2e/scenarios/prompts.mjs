/** The business's AI prompts: saved together, kept across a reload, with a revision diff. */
import { BASE } from '../lib/config.mjs';
import { byTestId } from '../lib/browser.mjs';
import { assert, shot } from '../lib/harness.mjs';

export const scenarios = [
  {
    name: 'prompts-persist',
    async run({ page, stamp }) {
      await page.goto(`${BASE}/settings`);
      const calls = `Calls prompt ${stamp}\nAnswer politely in Hebrew.`;
      const wa = `WhatsApp prompt ${stamp}\nKeep replies short.`;
      await byTestId(page, 'prompt-calls').fill(calls);
      await byTestId(page, 'prompt-whatsapp').fill(wa);
      const [request] = await Promise.all([
        page.waitForRequest((r) => r.url().endsWith('/api/business/current/prompt') && r.method() === 'PUT'),
        byTestId(page, 'prompt-save').click(),
      ]);
      const sent = JSON.parse(request.postData() || '{}');
      assert(
        Object.keys(sent).sort().join(',') === 'calls_prompt,whatsapp_prompt',
        `PUT body keys: ${Object.keys(sent)}`,
      );
      await byTestId(page, 'prompt-saved').waitFor();
      await page.reload();
      await byTestId(page, 'prompt-calls').waitFor();
      assert((await byTestId(page, 'prompt-calls').inputValue()) === calls, 'calls prompt did not persist');
      assert((await byTestId(page, 'prompt-whatsapp').inputValue()) === wa, 'whatsapp prompt did not persist');
      await byTestId(page, 'prompt-revision').first().click();
      await byTestId(page, 'prompt-diff').first().waitFor();
      await shot(page, 'settings');
    },
  },
];
