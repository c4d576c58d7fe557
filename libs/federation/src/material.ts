import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import {
  addAgency,
  Directory,
  emptyDirectory,
  generateAgencyKeys,
  generateRootKey,
  PrivateOkpJwk,
  publicJwks,
  PublicOkpJwk,
  sealPrivateKeys,
  signDirectory,
} from '@liaison/envelope';
import { DevTokenIssuer } from '@liaison/auth';

/** The development identity provider's private key, beside the rest of a federation's material. */
export const IDP_KEY_FILE = 'dev-idp.private.jwk.json';

/** Issuer name of a federation's development identity provider. */
export const devIdpIssuer = (federation: string): string => `urn:liaison:${federation}:dev-idp`;

export interface AgencySpec {
  code: string;
  name: string;
  country: string;
}

/** Where a federation's generated material lives (the local federation: .local/federation). */
export interface FederationMaterial {
  dir: string;
  federation: string;
  rootPublicJwk: PublicOkpJwk;
  directory: Directory;
  directoryJws: string;
  keyFile(agency: string): string;
  idp: DevTokenIssuer;
  idpIssuer: string;
}

function writeSecret(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600 });
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

/**
 * Creates what a federation needs to start, once, and reuses it afterwards: the root key, each
 * agency's keys (sealed with the key-encryption key), the signed directory listing them, and a
 * development identity provider key. Agencies missing from an existing directory are added
 * (a new serial); nothing existing is rotated.
 */
export async function ensureFederationMaterial(dir: string, federation: string, agencies: AgencySpec[], kek: Uint8Array): Promise<FederationMaterial> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const rootFile = join(dir, 'root.private.jwk.json');
  if (!existsSync(rootFile)) {
    const root = await generateRootKey();
    writeSecret(rootFile, JSON.stringify(root.privateJwk));
    writeFileSync(join(dir, 'root.public.jwk.json'), JSON.stringify(root.publicJwk));
  }
  const rootPrivate = readJson<PrivateOkpJwk>(rootFile);
  const rootPublicJwk = readJson<PublicOkpJwk>(join(dir, 'root.public.jwk.json'));
  const directoryFile = join(dir, 'directory.json');
  let directory: Directory = existsSync(directoryFile) ? readJson<Directory>(directoryFile) : emptyDirectory(federation);
  let changed = !existsSync(directoryFile);
  for (const agency of agencies) {
    const keyFile = join(dir, `${agency.code}.keys.json`);
    if (directory.agencies.some((a) => a.code === agency.code) && existsSync(keyFile)) continue;
    const keys = await generateAgencyKeys(agency.code);
    writeSecret(keyFile, JSON.stringify(await sealPrivateKeys(keys, { kek })));
    directory = addAgency(directory, { ...agency, keys: publicJwks(keys) });
    changed = true;
  }
  const jwsFile = join(dir, 'directory.jws');
  if (changed || !existsSync(jwsFile)) {
    writeFileSync(directoryFile, JSON.stringify(directory, null, 2));
    writeFileSync(jwsFile, await signDirectory(directory, rootPrivate));
  }
  const idpIssuer = devIdpIssuer(federation);
  return {
    dir,
    federation,
    rootPublicJwk,
    directory,
    directoryJws: readFileSync(jwsFile, 'utf8'),
    keyFile: (agency) => join(dir, `${agency}.keys.json`),
    idp: DevTokenIssuer.loadOrGenerate(idpIssuer, join(dir, IDP_KEY_FILE)),
    idpIssuer,
  };
}

export interface NodePlacement {
  agency: string;
  port: number;
  topicPrefix: string;
  /** Owner connection (database name included). */
  databaseUrl: string;
  kafkaBrokers: string;
  kafkaPassword: string;
  kek: Uint8Array;
  extra?: Record<string, string>;
}

/** The environment a node of this federation starts with (see README, "Configuration"). */
export function nodeEnvironment(material: FederationMaterial, placement: NodePlacement): Record<string, string> {
  return {
    LIAISON_AGENCY: placement.agency,
    PORT: String(placement.port),
    DATABASE_URL: placement.databaseUrl,
    KAFKA_BROKERS: placement.kafkaBrokers,
    KAFKA_USERNAME: placement.agency,
    KAFKA_PASSWORD: placement.kafkaPassword,
    KAFKA_TOPIC_PREFIX: placement.topicPrefix,
    LIAISON_KEY_FILE: material.keyFile(placement.agency),
    LIAISON_KEY_ENCRYPTION_KEY: Buffer.from(placement.kek).toString('hex'),
    LIAISON_DIRECTORY_ROOT_JWK: JSON.stringify(material.rootPublicJwk),
    AUTH_ISSUER: material.idpIssuer,
    AUTH_JWKS: JSON.stringify(material.idp.jwks()),
    AUTH_AUDIENCE: `liaison-${placement.agency.toLowerCase()}`,
    ...placement.extra,
  };
}
