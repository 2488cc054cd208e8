/**
 * Quick (canned) replies: an owner adds and edits one on its page; in a
 * lead's composer `/` lists them, Enter inserts the text with its variables
 * filled in; then it is deleted. All from the keyboard where it matters.
 */
import { BASE } from '../lib/config.mjs';
import { byTestId } from '../lib/browser.mjs';
import { assert, shot } from '../lib/harness.mjs';
import { apiWrite, signIn } from '../fixtures.mjs';

export const scenarios = [
  {
    name: 'canned-replies',
    async run({ page, token, stamp, leadUrl }) {
      const shortcut = `hi${stamp}`;
      await page.goto(`${BASE}/settings/replies`);
      const form = byTestId(page, 'canned-new-form');
      await form.locator('[data-testid="canned-shortcut"]').fill(shortcut);
      await form
        .locator('[data-testid="canned-body"]')
        .fill('שלום {{first_name}}, כאן {{my_name}} מ{{business_name}}. פתוחים: {{next_open}}');
      await form.locator('[data-testid="canned-save"]').click();
      const row = page.locator(`[data-testid="canned-row"][data-shortcut="${shortcut}"]`);
      await row.waitFor();
      // Edit it.
      await row.locator('[data-testid="canned-edit"]').click();
      const edit = byTestId(page, 'canned-edit-form');
      await edit.locator('[data-testid="canned-body"]').fill('היי {{first_name}}! {{my_name}} מ{{business_name}} כאן.');
      await edit.locator('[data-testid="canned-save"]').click();
      await row.filter({ hasText: 'היי {{first_name}}!' }).waitFor();
      await shot(page, 'canned-replies');

      // In the composer: "/" and part of the shortcut list it; Enter inserts it, filled in.
      await page.goto(leadUrl);
      const lead = await (await page.request.get(`${BASE}/api/leads/${leadUrl.split('/').pop()}`)).json();
      const box = byTestId(page, 'whatsapp-text');
      await box.focus();
      await page.keyboard.type(`/${shortcut.slice(0, 4)}`);
      await page.locator(`[data-testid="quick-reply"][data-shortcut="${shortcut}"]`).waitFor();
      await shot(page, 'canned-list');
      // Our reply may not be the first listed (other runs' replies start with "hi" too): pick it by keyboard.
      const shortcuts = await page
        .locator('[data-testid="quick-reply"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-shortcut')));
      for (let i = 0; i < shortcuts.indexOf(shortcut); i++) await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      const text = await box.inputValue();
      assert(text.startsWith(`היי ${lead.first_name}!`), `the composer holds "${text}"`);
      assert(!text.includes('{{'), `a variable was left unfilled: "${text}"`);
      assert((await byTestId(page, 'quick-replies').count()) === 0, 'the list stayed open');
      // Escape closes the list without inserting anything.
      await box.fill('');
      await page.keyboard.type('/');
      await byTestId(page, 'quick-replies').waitFor();
      await page.keyboard.press('Escape');
      assert((await byTestId(page, 'quick-replies').count()) === 0, 'Escape did not close the list');
      assert((await box.inputValue()) === '/', 'Escape changed the text');

      // An agent of the business reads the replies but cannot change them.
      const agentEmail = `agent-${stamp}@example.com`;
      const made = await apiWrite(page, token, 'POST', '/api/business/current/users', {
        email: agentEmail,
        name: `Agent ${stamp}`,
        password: 'agent-password-1',
        role: 'agent',
      });
      assert(made.status === 201, `create an agent: ${made.status} ${JSON.stringify(made.body)}`);
      const agent = await page.context().browser().newContext({ locale: 'he-IL' });
      try {
        const agentPage = await agent.newPage();
        await signIn(agentPage, agentEmail, 'agent-password-1');
        await agentPage.goto(`${BASE}/settings/replies`);
        await agentPage.locator(`[data-testid="canned-row"][data-shortcut="${shortcut}"]`).waitFor();
        await byTestId(agentPage, 'canned-read-only').waitFor();
        assert((await byTestId(agentPage, 'canned-new-form').count()) === 0, 'an agent is offered the add form');
        assert((await byTestId(agentPage, 'canned-edit').count()) === 0, 'an agent is offered Edit');
      } finally {
        await agent.close();
      }

      // Delete it (a second click confirms).
      await page.goto(`${BASE}/settings/replies`);
      await row.locator('[data-testid="canned-delete"]').click();
      await row.locator('[data-testid="canned-delete"]').click();
      await row.waitFor({ state: 'detached' });
    },
  },
];
