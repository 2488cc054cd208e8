/** The WCAG 2.1 A/AA check (axe-core, injected by @axe-core/playwright: the app's CSP blocks a script tag). */
import { AxeBuilder } from '@axe-core/playwright';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Every violation on the page as it is now: rule, impact, and the first few elements with axe's reason. */
export async function axeViolations(page) {
  const result = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  return result.violations.map(
    (v) =>
      `${v.id} (${v.impact}, ${v.nodes.length}): ${v.help}\n${v.nodes
        .slice(0, 4)
        .map(
          (n) =>
            `      ${n.target.join(' ')} ${n.html.slice(0, 120)} — ${(n.any[0] || n.all[0] || n.none[0])?.message || ''}`,
        )
        .join('\n')}`,
  );
}

/** Throws with every violation found on the page as it is now. */
export async function axeCheck(page, what) {
  const found = await axeViolations(page);
  if (found.length) throw new Error(`axe on ${what}:\n    ${found.join('\n    ')}`);
}
