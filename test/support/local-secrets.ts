import { readFileSync } from 'fs';
import { join } from 'path';

export const REPO_ROOT = join(__dirname, '..', '..');
export const STATE_DIR = process.env.LIAISON_STATE ?? join(REPO_ROOT, '.local');

/** The local federation's generated secrets (deploy/local/secrets.sh), as the scripts see them. */
export function localSecrets(): Record<string, string> {
  const text = readFileSync(join(STATE_DIR, 'secrets.env'), 'utf8');
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => {
        const i = line.indexOf('=');
        return [line.slice(0, i), line.slice(i + 1).replace(/^"|"$/g, '')];
      }),
  );
}
