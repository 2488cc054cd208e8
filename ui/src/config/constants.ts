export const DEFAULT_TIMEZONE = 'Asia/Jerusalem';
export const DEFAULT_PAGE_SIZE = 25;
export const LANGUAGE_STORAGE_KEY = 'frontdesk.lang';
/** The entry's first screen of a page, drawn before the app runs (app/first-view.ts). */
export const FIRST_VIEW_ID = 'fd-first-view';
/** The pages it draws from their early answers: the inbox, the lead list, a lead. */
export const FIRST_VIEW_PAGES = /^\/(inbox|leads|leads\/\d+)$/;
