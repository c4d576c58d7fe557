// The console's words come from message catalogues (locales/*.js) through i18next; dates and
// numbers follow the chosen language with Intl. The choice is remembered in localStorage.
import i18next from './vendor/i18next.js';
import en from './locales/en.js';
import es from './locales/es.js';

export const LANGUAGES = { en: 'English', es: 'Español' };
const KEY = 'liaison.lang';

function initialLanguage() {
  const stored = globalThis.localStorage?.getItem(KEY);
  if (stored && LANGUAGES[stored]) return stored;
  const browser = String(globalThis.navigator?.language ?? 'en').slice(0, 2);
  return LANGUAGES[browser] ? browser : 'en';
}

i18next.init({
  lng: initialLanguage(),
  fallbackLng: 'en',
  resources: { en: { translation: en }, es: { translation: es } },
  keySeparator: false,
  nsSeparator: false,
  initAsync: false,
  // Text is always set with textContent, never as HTML: nothing to escape here.
  interpolation: { escapeValue: false },
});

export const t = (key, values) => i18next.t(key, values);
export const language = () => i18next.language;

/** The Intl locale: the browser's own regional variant when it is of the chosen language. */
export function locale() {
  const browser = globalThis.navigator?.language;
  return browser && browser.slice(0, 2) === i18next.language ? browser : i18next.language;
}

export function setLanguage(lang) {
  if (!LANGUAGES[lang]) return;
  globalThis.localStorage?.setItem(KEY, lang);
  i18next.changeLanguage(lang);
  if (globalThis.document) document.documentElement.lang = lang;
}

export const formatNumber = (n) => new Intl.NumberFormat(locale()).format(n);
