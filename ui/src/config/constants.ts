export const DEFAULT_TIMEZONE = 'Asia/Jerusalem';
export const DEFAULT_PAGE_SIZE = 25;
export const LANGUAGE_STORAGE_KEY = 'frontdesk.lang';
