import { join } from 'path';
import { readEnvFile } from '@liaison/federation';

export const REPO_ROOT = join(__dirname, '..', '..');
export const STATE_DIR = process.env.LIAISON_STATE ?? join(REPO_ROOT, '.local');

/** The local federation's generated secrets (deploy/local/secrets.sh), as the scripts see them. */
export function localSecrets(): Record<string, string> {
  return readEnvFile(join(STATE_DIR, 'secrets.env'));
}
