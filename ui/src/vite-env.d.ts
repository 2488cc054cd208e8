/// <reference types="vite/client" />
declare module 'virtual:mantine-vars.css';

// The sections of the texts the entry's first view uses (build/first-view-texts.ts).
declare module 'virtual:first-view-texts' {
  import type he from '@/i18n/locales/he.json';
  type Texts = typeof he;
  export type FirstViewTexts = Pick<Texts, 'delivery' | 'leadStatus'> & {
    chat: Pick<Texts['chat'], 'ai' | 'back' | 'call' | 'fromCustomer' | 'fromUs' | 'title' | 'whatsapp'>;
    common: Pick<Texts['common'], 'edit'>;
    inbox: Pick<Texts['inbox'], 'byAi' | 'byUs' | 'needsReply' | 'noMessages' | 'nobody' | 'tabs' | 'title' | 'waited'>;
  };
  export const he: FirstViewTexts;
  export const en: FirstViewTexts;
}
