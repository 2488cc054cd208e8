/** The first view's building blocks: elements as the app's Mantine components draw them. */
import { FIRST_VIEW_ID } from '@/config/constants';
import type { FirstViewTexts as Texts } from 'virtual:first-view-texts';

export type View = { lng: string; tz: string; texts: Texts };

export type Kid = Node | string | null | false | undefined;

/** Rows drawn of a list: a screenful, even a desktop's; the rest come with the app. */
export const FIRST_ROWS = 14;

/** An element; style properties go through the CSSOM (the CSP forbids style attributes in markup). */
export function h(tag: string, attrs: Record<string, string> = {}, style: Record<string, string> = {}, ...kids: Kid[]) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') el.className = v;
    else el.setAttribute(k, v);
  }
  for (const [k, v] of Object.entries(style)) el.style.setProperty(k, v);
  for (const kid of kids) if (kid) el.append(kid);
  return el;
}

export const TEXT_SM = { '--text-fz': 'var(--mantine-font-size-sm)', '--text-lh': 'var(--mantine-line-height-sm)' };
export const TITLE_H3 = {
  '--title-fw': 'var(--mantine-h3-font-weight)',
  '--title-lh': 'var(--mantine-h3-line-height)',
  '--title-fz': 'var(--mantine-h3-font-size)',
};

export function title(text: string) {
  return h('h2', { class: 'm_8a5d1357 mantine-Title-root', 'data-size': 'h3', 'data-order': '2' }, TITLE_H3, text);
}

/** The page frame: the header bar of index.html's placeholder and the app's container. */
export function frame(...kids: Kid[]) {
  return h(
    'div',
    { id: FIRST_VIEW_ID, class: 'fd-shell', 'aria-busy': 'true' },
    {},
    h('div', { class: 'fd-boot', 'aria-hidden': 'true' }, {}, h('span', { class: 'fd-logo' }, {}, 'F'), 'frontdesk'),
    h(
      'div',
      { class: 'fd-main' },
      {},
      h(
        'div',
        { class: 'fd-container m_7485cace mantine-Container-root', 'data-size': 'xl', 'data-strategy': 'block' },
        { '--container-size': 'var(--container-size-xl)' },
        ...kids,
      ),
    ),
  );
}

export const BUTTON_VARIANTS = {
  light: {
    '--button-bg': 'var(--mantine-color-teal-light)',
    '--button-color': 'var(--mantine-color-teal-light-color)',
    '--button-bd': '1px solid transparent',
  },
  filled: { '--button-color': 'var(--mantine-color-white)' },
  default: {
    '--button-bg': 'var(--mantine-color-default)',
    '--button-color': 'var(--mantine-color-default-color)',
    '--button-bd': '1px solid var(--mantine-color-default-border)',
  },
};
/** A Mantine button (size sm); one that is not a link works once the app is there. */
export function button(
  tag: 'a' | 'button',
  attrs: Record<string, string>,
  label: string,
  variant: keyof typeof BUTTON_VARIANTS,
) {
  return h(
    tag,
    {
      class: 'mantine-focus-auto m_77c9d27d mantine-Button-root m_87cf2631 mantine-UnstyledButton-root',
      'data-size': 'sm',
      ...(variant === 'filled' ? {} : { 'data-variant': variant }),
      ...attrs,
    },
    {
      '--button-height': 'var(--button-height-sm)',
      '--button-padding-x': 'var(--button-padding-x-sm)',
      '--button-fz': 'var(--mantine-font-size-sm)',
      ...BUTTON_VARIANTS[variant],
    },
    h(
      'span',
      { class: 'm_80f1301b mantine-Button-inner' },
      {},
      h('span', { class: 'm_811560b9 mantine-Button-label' }, {}, label),
    ),
  );
}
