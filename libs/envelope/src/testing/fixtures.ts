// Test and tooling helpers (unit tests, vector generator, bench). Not part of the public entry.
import { randomBytes } from 'node:crypto';
import { uuidv7 as makeUuidv7 } from '@liaison/ids';
import type { NoticeClaims } from '../claims';
import { addAgency, Directory, DirectoryCache, emptyDirectory, generateRootKey, RootKeyPair, signDirectory, TrustStore } from '../directory';
import { AgencyKeyring, AgencyPrivateKeys, generateAgencyKeys, publicJwks } from '../keys';
import { EnvelopeOpener, EnvelopeOpenerOptions } from '../opener';
import { EnvelopeSealer } from '../sealer';

/** A UUIDv7 for tests, at `ms`. */
export function uuidv7(ms: number = Date.now()): string {
  return makeUuidv7(() => ms);
}

export class MemoryDirectoryCache implements DirectoryCache {
  constructor(
    public stored: string | null = null,
    public highest: number | null = null,
  ) {}
  async load(): Promise<string | null> {
    return this.stored;
  }
  async save(jws: string, serial: number): Promise<void> {
    this.stored = jws;
    this.highest = Math.max(this.highest ?? -1, serial);
  }
  async highestSerial(): Promise<number | null> {
    return this.highest;
  }
}

export interface TestAgency {
  code: string;
  keys: AgencyPrivateKeys;
  keyring: AgencyKeyring;
}

export interface TestFederation {
  root: RootKeyPair;
  agencies: TestAgency[];
  directory: Directory;
  jws: string;
  trust: TrustStore;
  /** Keys valid from here. */
  since: Date;
}

export const COUNTRIES = ['EE', 'FI', 'LV', 'LT', 'SE', 'DE', 'FR', 'NL', 'BE', 'PL'];

/** A federation of `n` agencies (codes AG0..), keys valid from `since` for 730 days, trusted by a TrustStore. */
export async function makeFederation(n: number, since = new Date('2026-01-01T00:00:00Z'), federation = 'test-federation'): Promise<TestFederation> {
  const root = await generateRootKey();
  const agencies: TestAgency[] = [];
  let directory = emptyDirectory(federation, since);
  for (let i = 0; i < n; i++) {
    const code = `AG${i}`;
    const keys = await generateAgencyKeys(code);
    agencies.push({ code, keys, keyring: await AgencyKeyring.import(keys) });
    directory = addAgency(directory, { code, name: `Agency ${i}`, country: COUNTRIES[i % COUNTRIES.length], keys: publicJwks(keys) }, { at: since });
  }
  const jws = await signDirectory(directory, root.privateJwk);
  const trust = new TrustStore(root.publicJwk, new MemoryDirectoryCache());
  const accepted = await trust.accept(jws);
  if (!accepted.ok) throw new Error(`fixture directory refused: ${accepted.reason}`);
  return { root, agencies, directory, jws, trust, since };
}

/** A 1 KiB-ish notice from `iss` to `aud`, issued at `at`, valid one day. */
export function makeClaims(iss: string, aud: string[], at: Date, bodyBytes = 1024): NoticeClaims {
  const iat = Math.floor(at.getTime() / 1000);
  return {
    iss,
    aud,
    jti: uuidv7(at.getTime()),
    iat,
    exp: iat + 86_400,
    kind: 'identity-query',
    handling: { code: 'H2' },
    grades: { source: 'B', information: 2 },
    priority: 'normal',
    chseq: Object.fromEntries(aud.map((a, i) => [a, i + 1])),
    body: { subject: { document_number: 'X'.repeat(Math.max(0, bodyBytes - 100)) }, reason: 'test' },
  };
}

export function makeSealer(fed: TestFederation, sender: number, at: Date): EnvelopeSealer {
  return new EnvelopeSealer(fed.agencies[sender].keyring, fed.trust, { clock: () => at });
}

export function makeOpener(fed: TestFederation, recipient: number, at: Date, overrides: Partial<EnvelopeOpenerOptions> = {}): EnvelopeOpener {
  const a = fed.agencies[recipient];
  return new EnvelopeOpener({
    agency: a.code,
    keyring: a.keyring,
    trust: fed.trust,
    validateBody: () => null,
    clock: () => at,
    ...overrides,
  });
}
