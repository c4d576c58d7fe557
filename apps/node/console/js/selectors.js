// A pasted list of selectors, one per line, read into the report's `selectors`: the kind is
// chosen or told from the line's shape. The node normalises and checks each one again
// (docs/selectors.md); the console only tells kinds apart and keeps each selector's line so
// that the node's refusals can name the line the officer pasted.
import { t } from './i18n.js';

/** Most selectors one report carries (MAX_SELECTORS of @liaison/selectors). */
export const MAX_SELECTORS = 1000;
export const SELECTOR_KINDS = ['phone', 'email', 'url', 'username'];

/** The kind a line looks like, or null: `platform:@name` and `@name` are usernames. */
export function detectKind(line) {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(line)) return 'url';
  if (/^[^\s@:]+@[^\s@]+\.[^\s@]+$/.test(line)) return 'email';
  if (/^([a-z0-9][a-z0-9.-]*:\s*)?@\S+$/i.test(line)) return 'username';
  if (/^[+(]?[\d\s().\/-]+$/.test(line) && (line.match(/\d/g) ?? []).length >= 6) return 'phone';
  return null;
}

/**
 * Reads the pasted text: `{ selectors, lines, errors }`; `lines[i]` is the line number of
 * selectors[i]; errors point at `/body/selectors` and name their line.
 */
export function readSelectors(text, { kind = '', platform = '', country = '' } = {}) {
  const selectors = [];
  const lines = [];
  const errors = [];
  const rows = String(text ?? '').split(/\r?\n/);
  const filled = rows.filter((r) => r.trim() !== '').length;
  if (filled > MAX_SELECTORS) return { selectors, lines, errors: [{ field: '/body/selectors', message: t('report.tooMany', { max: MAX_SELECTORS, count: filled }) }] };
  rows.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const found = kind || detectKind(line);
    if (!found) return void errors.push({ field: '/body/selectors', message: t('report.lineUnknown', { line: i + 1 }) });
    const selector = { kind: found, value: line };
    if (found === 'username') {
      const prefixed = /^([a-z0-9][a-z0-9.-]*):\s*(@?\S+)$/i.exec(line);
      if (prefixed) Object.assign(selector, { value: prefixed[2], platform: prefixed[1].toLowerCase() });
      else if (platform) selector.platform = platform.toLowerCase();
      else return void errors.push({ field: '/body/selectors', message: t('report.linePlatform', { line: i + 1 }) });
    }
    if (found === 'phone' && country) selector.country = country.toUpperCase();
    selectors.push(selector);
    lines.push(i + 1);
  });
  return { selectors, lines, errors };
}

/**
 * The node's refusals of a report's selectors (`/body/selectors/7/value …`) as errors of the
 * list field that name the pasted line, in the chosen language.
 */
export function selectorErrors(errors, lines, humanise) {
  return errors.map((e) => {
    const m = /^\/body\/selectors\/(\d+)(\/.*)?$/.exec(e.field ?? '');
    if (!m) return e;
    const line = lines[Number(m[1])] ?? Number(m[1]) + 1;
    const same = /^is the same \w+ as \/body\/selectors\/(\d+) once normalised$/.exec(e.message);
    const message = same ? t('report.lineDuplicate', { first: lines[Number(same[1])] ?? Number(same[1]) + 1 }) : humanise(e.message);
    return { field: '/body/selectors', message: t('report.line', { line, message }) };
  });
}
