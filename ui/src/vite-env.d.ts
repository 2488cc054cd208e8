/// <reference types="vite/client" />
declare module 'virtual:mantine-vars.css';

// The sections of the texts the entry's first view uses (build/first-view-texts.ts).
declare module 'virtual:first-view-texts' {
  import type he from '@/i18n/locales/he.json';
  type Texts = typeof he;
  export type FirstViewTexts = Pick<Texts, 'delivery' | 'leadSource' | 'leadStatus'> & {
    chat: Pick<Texts['chat'], 'ai' | 'back' | 'call' | 'fromCustomer' | 'fromUs' | 'title' | 'whatsapp'>;
    app: Pick<Texts['app'], 'name'>;
    common: Pick<Texts['common'], 'edit'>;
    leads: Pick<Texts['leads'], 'exportCsv' | 'new' | 'search' | 'searchPlaceholder' | 'title'> & {
      fields: Pick<
        Texts['leads']['fields'],
        'business' | 'lastActivity' | 'name' | 'phone' | 'source' | 'status' | 'tags'
      >;
      import: Pick<Texts['leads']['import'], 'button'>;
    };
    login: Pick<Texts['login'], 'subtitle'>;
    inbox: Pick<Texts['inbox'], 'byAi' | 'byUs' | 'needsReply' | 'noMessages' | 'nobody' | 'tabs' | 'title' | 'waited'>;
  };
  export const he: FirstViewTexts;
  export const en: FirstViewTexts;
}
