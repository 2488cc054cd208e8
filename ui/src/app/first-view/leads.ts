/** The lead list's first view: a screenful of its table's rows. */
import { LEAD_STATUS_COLORS } from '@/features/leads/lib/status-colors';
import { formatDateTime, formatPhone, leadDisplayName } from '@/lib/format';
import type { Lead, Page } from '@/types/api';
import { button, FIRST_ROWS, frame, h, title, TEXT_SM, type Kid, type View } from './dom';

export const TABLE_ROW = {
  class: 'm_4e7aa4fd mantine-Table-tr',
  'data-with-row-border': 'true',
  'data-striped': 'odd',
  'data-hover': 'true',
};

export function lightBadge(color: string, text: string) {
  return h(
    'span',
    { class: 'fd-fv-badge fd-fv-badge-light' },
    { background: `var(--mantine-color-${color}-light)`, color: `var(--mantine-color-${color}-light-color)` },
    text,
  );
}

export function leadsRow(lead: Lead, showTenant: boolean, { lng, tz, texts }: View) {
  const td = (mobile: boolean, ...kids: Kid[]) =>
    h('td', { class: `m_4e7aa4ef mantine-Table-td${mobile ? '' : ' fd-hide-mobile'}` }, {}, ...kids);
  const when = lead.last_activity_at ?? lead.updated_at;
  return h(
    'tr',
    TABLE_ROW,
    {},
    td(
      true,
      h(
        'a',
        {
          class: 'mantine-focus-auto m_849cf0da m_b6d8b162 mantine-Text-root mantine-Anchor-root',
          href: `/leads/${lead.id}`,
        },
        { 'font-weight': '500' },
        leadDisplayName(lead) || '?',
      ),
    ),
    td(true, lead.phone_e164 && h('bdi', { dir: 'ltr', class: 'fd-phone' }, {}, formatPhone(lead.phone_e164))),
    td(
      true,
      lightBadge(
        LEAD_STATUS_COLORS[lead.status] ?? 'gray',
        (texts.leadStatus as Record<string, string>)[lead.status] ?? lead.status,
      ),
    ),
    td(true, ...(lead.tags ?? []).map((tag) => lightBadge('grape', tag))),
    td(false, (texts.leadSource as Record<string, string>)[lead.source] ?? lead.source),
    showTenant && td(false, `#${lead.tenant_id}`),
    td(
      false,
      h(
        'p',
        { class: 'mantine-focus-auto m_b6d8b162 mantine-Text-root', 'data-size': 'sm' },
        { ...TEXT_SM, color: 'var(--mantine-color-dimmed)' },
        h('time', { datetime: when, title: tz }, {}, formatDateTime(when, lng, tz)),
      ),
    ),
  );
}

/** The lead list: its rows; the buttons and the filters' places until the app brings them. */
export function leadsView(leads: Page<Lead>, showTenant: boolean, view: View) {
  if (leads.items.length === 0) return null;
  const t = view.texts.leads;
  const f = t.fields;
  const th = (text: string, mobile = true) =>
    h('th', { class: `m_4e7aa4f3 mantine-Table-th${mobile ? '' : ' fd-hide-mobile'}` }, {}, text);
  const paper = (style: Record<string, string>, ...kids: Kid[]) =>
    h('div', { class: 'm_1b7284a3 mantine-Paper-root', 'data-with-border': 'true' }, style, ...kids);
  return frame(
    h(
      'div',
      { class: 'fd-fv-header' },
      {},
      title(t.title),
      h(
        'div',
        { class: 'fd-fv-buttons' },
        {},
        button('button', { type: 'button' }, t.exportCsv, 'default'),
        button('button', { type: 'button' }, t.import.button, 'default'),
        button('button', { type: 'button' }, t.new, 'filled'),
      ),
    ),
    paper(
      { padding: 'var(--mantine-spacing-sm)', 'margin-bottom': 'var(--mantine-spacing-md)' },
      h(
        'div',
        { class: 'fd-filters' },
        {},
        // The search field as the app draws it (its placeholder is the page's largest text);
        // the other filters' places stay empty until the app brings them.
        h(
          'div',
          { class: 'm_46b77525 mantine-InputWrapper-root', 'data-size': 'sm' },
          {},
          h(
            'label',
            { class: 'm_8fdc1311 mantine-InputWrapper-label', 'data-size': 'sm', for: 'fd-fv-search' },
            { '--input-label-size': 'var(--mantine-font-size-sm)' },
            t.search,
          ),
          h(
            'div',
            { class: 'm_6c018570 mantine-Input-wrapper', 'data-variant': 'default', 'data-size': 'sm' },
            { '--input-height': 'var(--input-height-sm)', '--input-fz': 'var(--mantine-font-size-sm)' },
            h('input', {
              class: 'm_8fb7ebe7 mantine-Input-input',
              'data-variant': 'default',
              id: 'fd-fv-search',
              type: 'search',
              readonly: '',
              tabindex: '-1',
              placeholder: t.searchPlaceholder,
            }),
          ),
        ),
        ...[1, 2, 3, 4].map(() => h('div', { class: 'fd-fv-field' })),
      ),
    ),
    paper(
      { padding: 'var(--mantine-spacing-sm)' },
      h(
        'div',
        { class: 'fd-table-wrap' },
        {},
        h(
          'table',
          { class: 'm_b23fa0ef mantine-Table-table' },
          { '--table-vertical-spacing': 'var(--mantine-spacing-xs)' },
          h(
            'thead',
            { class: 'm_b242d975 mantine-Table-thead' },
            {},
            h(
              'tr',
              TABLE_ROW,
              {},
              th(f.name),
              th(f.phone),
              th(f.status),
              th(f.tags),
              th(f.source, false),
              showTenant && th(f.business, false),
              th(f.lastActivity, false),
            ),
          ),
          h(
            'tbody',
            { class: 'm_b2404537 mantine-Table-tbody' },
            {},
            ...leads.items.slice(0, FIRST_ROWS).map((l) => leadsRow(l, showTenant, view)),
          ),
        ),
      ),
    ),
  );
}
