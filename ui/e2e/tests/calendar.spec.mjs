import { test } from '../fixtures.mjs';
import { scenarios } from '../scenarios/calendar.mjs';

const PHONE = { width: 390, height: 844 };

for (const s of scenarios) {
  test(s.name, async ({ ctx }) => {
    if (s.size === 'phone') await ctx.page.setViewportSize(PHONE);
    await s.run(ctx);
  });
}
