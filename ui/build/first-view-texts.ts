/**
 * Vite plugin: `virtual:first-view-texts`, the few sections of the Hebrew and
 * English texts that the entry's first view (src/app/first-view.ts) uses,
 * taken from the locale files at build time: the entry stays a few KB
 * instead of carrying both whole files, and the texts have one source.
 */
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';

const ID = 'virtual:first-view-texts';

type Tree = { [key: string]: Tree | string };
/** The texts it takes (a section or one text, by its path); keep in step with src/vite-env.d.ts. */
export const FIRST_VIEW_KEYS = [
  'app.name',
  'chat.ai',
  'chat.back',
  'chat.call',
  'chat.fromCustomer',
  'chat.fromUs',
  'chat.title',
  'chat.whatsapp',
  'common.edit',
  'delivery',
  'inbox.byAi',
  'inbox.byUs',
  'inbox.needsReply',
  'inbox.noMessages',
  'inbox.nobody',
  'inbox.tabs',
  'inbox.title',
  'inbox.waited',
  'leadSource',
  'leadStatus',
  'leads.exportCsv',
  'leads.fields.business',
  'leads.fields.lastActivity',
  'leads.fields.name',
  'leads.fields.phone',
  'leads.fields.source',
  'leads.fields.status',
  'leads.fields.tags',
  'leads.import.button',
  'leads.new',
  'leads.search',
  'leads.searchPlaceholder',
  'leads.title',
  'login.subtitle',
];

export function firstViewTexts(localesDir: string): Plugin {
  const pick = (lng: string) => {
    const file = `${localesDir}/${lng}.json`;
    const all = JSON.parse(readFileSync(file, 'utf8')) as Tree;
    const picked: Tree = {};
    for (const key of FIRST_VIEW_KEYS) {
      let from: Tree | string = all;
      let into = picked;
      const parts = key.split('.');
      parts.forEach((part, i) => {
        const next: Tree | string | undefined = typeof from === 'string' ? undefined : from[part];
        if (next === undefined) throw new Error(`${file} has no ${key}`);
        if (i === parts.length - 1) into[part] = next;
        else into = (into[part] ??= {}) as Tree;
        from = next;
      });
    }
    return picked;
  };
  return {
    name: 'frontdesk-first-view-texts',
    resolveId: (id) => (id === ID ? `\0${ID}` : null),
    load(id) {
      if (id !== `\0${ID}`) return null;
      for (const lng of ['he', 'en']) this.addWatchFile(`${localesDir}/${lng}.json`);
      return `export const he = ${JSON.stringify(pick('he'))};\nexport const en = ${JSON.stringify(pick('en'))};\n`;
    },
  };
}
