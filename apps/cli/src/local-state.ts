import { existsSync, readFileSync } from 'fs';
import { dirname, join } from 'path';

/** The repository root: the folder holding deploy/local/federation.json (from src or dist). */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'deploy', 'local', 'federation.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the Liaison repository root (deploy/local/federation.json)');
    dir = parent;
  }
  return dir;
}

/** The local federation's state folder (git-ignored), as deploy/local/*.sh use it. */
export function localStateDir(): string {
  return process.env.LIAISON_STATE ?? join(repoRoot(), '.local');
}

export function localSecrets(): Record<string, string> {
  const text = readFileSync(join(localStateDir(), 'secrets.env'), 'utf8');
  return Object.fromEntries(
    text.split('\n').filter((l) => l.includes('=')).map((l) => {
      const i = l.indexOf('=');
      return [l.slice(0, i), l.slice(i + 1).replace(/^"|"$/g, '')];
    }),
  );
}

export interface LocalFederationSpec {
  federation: string;
  agencies: { code: string; name: string; country: string; port: number }[];
  nodes: string[];
}

export function localFederationSpec(): LocalFederationSpec {
  return JSON.parse(readFileSync(join(repoRoot(), 'deploy', 'local', 'federation.json'), 'utf8')) as LocalFederationSpec;
}

export const LOCAL_IDP_FILE = 'dev-idp.private.jwk.json';
