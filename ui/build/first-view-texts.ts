/**
 * Vite plugin: `virtual:first-view-texts`, the few sections of the Hebrew and
 * English texts that the entry's first view (src/app/first-view.ts) uses,
 * taken from the locale files at build time: the entry stays a few KB
 * instead of carrying both whole files, and the texts have one source.
 */
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';

const ID = 'virtual:first-view-texts';
/** The texts it takes (a section, or one text of it); keep in step with src/vite-env.d.ts. */
export const FIRST_VIEW_KEYS = [
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
  'leadStatus',
];

export function firstViewTexts(localesDir: string): Plugin {
  const pick = (lng: string) => {
    const file = `${localesDir}/${lng}.json`;
    const all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
    const picked: Record<string, Record<string, unknown>> = {};
    for (const key of FIRST_VIEW_KEYS) {
      const [section = '', text] = key.split('.');
      const from = all[section];
      if (from === undefined || (text && from[text] === undefined)) throw new Error(`${file} has no ${key}`);
      picked[section] = text ? { ...picked[section], [text]: from[text] } : from;
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
