/**
 * The texts of appointments (calendar, booking, services, staff hours,
 * booking settings, the calendar feed), in both languages, added to the
 * translations by the chunks that show them: they stay off the first page's
 * download. Import this module from every component that uses them.
 */
import i18n from '.';
import en from './locales/appointments.en.json';
import he from './locales/appointments.he.json';

i18n.addResourceBundle('he', 'translation', he, true, false);
i18n.addResourceBundle('en', 'translation', en, true, false);
