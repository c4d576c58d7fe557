import { existsSync, readFileSync } from 'fs';
import { dirname, join } from 'path';
import { DevTokenIssuer } from '@liaison/auth';
import { Directory } from '@liaison/envelope';
import { devIdpIssuer, IDP_KEY_FILE, readEnvFile } from '@liaison/federation';

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
  return readEnvFile(join(localStateDir(), 'secrets.env'));
}

export interface LocalFederationSpec {
  federation: string;
  agencies: { code: string; name: string; country: string; port: number }[];
  nodes: string[];
}

export function localFederationSpec(): LocalFederationSpec {
  return JSON.parse(readFileSync(join(repoRoot(), 'deploy', 'local', 'federation.json'), 'utf8')) as LocalFederationSpec;
}

/** The local federation's generated material: its signed directory's agencies and the development identity provider. */
export interface LocalFederation {
  spec: LocalFederationSpec;
  /** Agency codes listed in the directory local-setup wrote. */
  listed: string[];
  idp: DevTokenIssuer;
}

/**
 * Reads what `liaison local-setup` wrote, creating nothing: a command run before the setup
 * says so instead of generating a key nobody trusts.
 */
export function localFederation(): LocalFederation {
  const spec = localFederationSpec();
  const dir = join(localStateDir(), 'federation');
  const directoryFile = join(dir, 'directory.json');
  const idpFile = join(dir, IDP_KEY_FILE);
  if (!existsSync(directoryFile) || !existsSync(idpFile)) throw new Error(`the local federation is not set up (${dir} holds no directory or identity provider key): run \`liaison local-setup\` first`);
  const directory = JSON.parse(readFileSync(directoryFile, 'utf8')) as Directory;
  return {
    spec,
    listed: directory.agencies.map((a) => a.code),
    idp: DevTokenIssuer.fromPrivateJwk(devIdpIssuer(spec.federation), JSON.parse(readFileSync(idpFile, 'utf8'))),
  };
}
