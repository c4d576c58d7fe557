import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { REFUSAL_GROUND_CODES } from '@liaison/notices';

// The console's message catalogues (browser ES modules, transpiled by the unit project).
const CONSOLE = join(__dirname, '..', '..', 'console');
const en = (require('../../console/js/locales/en.js') as { default: Record<string, string> }).default;
const es = (require('../../console/js/locales/es.js') as { default: Record<string, string> }).default;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return d.name === 'vendor' || d.name === 'locales' ? [] : sources(path);
    return d.name.endsWith('.js') ? [readFileSync(path, 'utf8')] : [];
  });
}
const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('console message catalogues', () => {
  it('ship English and Spanish complete: the same keys, every text translated, the same placeholders', () => {
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en)) {
      expect({ key, es: es[key].trim().length > 0 }).toEqual({ key, es: true });
      expect({ key, placeholders: placeholders(es[key]) }).toEqual({ key, placeholders: placeholders(en[key]) });
    }
  });

  it('hold every key the console code asks for', () => {
    const code = sources(join(CONSOLE, 'js')).join('\n');
    const keys = new Set([...code.matchAll(/\bt\('([^']+)'/g)].map((m) => m[1]));
    // Keys built from a value: every value the console can pass.
    for (const s of ['SENT', 'DELIVERED', 'ACKNOWLEDGED', 'ANSWERED', 'DECLINED', 'EXPIRED']) keys.add(`status.${s}`);
    for (const k of ['identity-query', 'location-query', 'response', 'receipt', 'acknowledgement', 'intelligence-report']) keys.add(`kind.${k}`);
    for (const g of REFUSAL_GROUND_CODES) keys.add(`ground.${g}`);
    for (const c of ['H0', 'H1', 'H2', 'H3']) keys.add(`handling.${c}.title`).add(`handling.${c}.text`);
    for (const r of ['operator', 'liaison_officer', 'auditor', 'admin']) keys.add(`role.${r}`);
    for (const s of ['sending', 'sent', 'delivered', 'failed']) keys.add(`attach.status.${s}`);
    for (const k of ['phone', 'email', 'url', 'username']) keys.add(`selector.${k}`).add(`term.${k}`);
    for (const k of ['document', 'person']) keys.add(`term.${k}`);
    for (const c of ['confirmed', 'probable', 'possible']) keys.add(`confidence.${c}`);
    for (const n of [...code.matchAll(/label: '(nav\.\w+)'|title: '(title\.\w+)'/g)]) keys.add(n[1] ?? n[2]);
    const missing = [...keys].filter((k) => !(k in en));
    expect(missing).toEqual([]);
  });

  it('serves the i18next build of the pinned npm dependency, unchanged', () => {
    const vendored = readFileSync(join(CONSOLE, 'js', 'vendor', 'i18next.js'), 'utf8');
    expect(vendored).toBe(readFileSync(require.resolve('i18next').replace(/dist[/\\].*$/, join('dist', 'esm', 'i18next.js')), 'utf8'));
  });
});
