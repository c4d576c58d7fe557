import { createHash, randomBytes } from 'crypto';
import { readFileSync } from 'fs';
import { join } from 'path';
import { CompactSign, importJWK } from 'jose';
import { IHeaders, Kafka, Producer } from 'kafkajs';
import {
  AgencyKeyring,
  AgencyPrivateKeys,
  Directory,
  EnvelopeSealer,
  HEADER_DIGEST,
  HEADER_MESSAGE_ID,
  HEADER_RECIPIENT,
  HEADER_SENDER,
  NoticeClaims,
  openPrivateKeys,
  PrivateOkpJwk,
  revokeKey,
  SealedEnvelope,
  signDirectory,
} from '@liaison/envelope';
import { uuidv7 } from '@liaison/ids';
import { createKafka } from '@liaison/transport';
import { encryptTo, signAs } from '../../libs/envelope/src/testing/forge';
import { noticeRequest, TestFederation } from './federation';
import { adminKafka, principalSettings } from './kafka';

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** What a hostile catalogue entry puts on the inbox topic: value may be null (a tombstone), headers may be binary. */
export interface RawMessage {
  value: Buffer | null;
  headers: IHeaders;
  key?: string;
}

/**
 * Builds genuine and forged envelopes with the test federation's real agency keys, and writes them
 * straight to an inbox topic with an agency's broker credentials (bypassing every node).
 */
export class HostileKit {
  private directory: Directory;
  private readonly producers = new Map<string, Producer>();
  private seq = 1_000_000;

  private constructor(
    private readonly fed: TestFederation,
    readonly keys: Map<string, AgencyPrivateKeys>,
    readonly keyrings: Map<string, AgencyKeyring>,
  ) {
    this.directory = fed.material.directory;
  }

  /** Seconds (NumericDate) from which every key of the directory is valid: iat must not be earlier. */
  get notBefore(): number {
    const all = this.directory.agencies.flatMap((a) => a.keys.map((k) => Date.parse(k.not_before)));
    return Math.ceil(Math.max(...all) / 1000);
  }

  /** Waits until `seconds` have passed since the keys became valid (iat in the past, still valid). */
  async keysValidFor(seconds: number): Promise<void> {
    const wait = (this.notBefore + seconds) * 1000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait + 50));
  }

  static async create(fed: TestFederation): Promise<HostileKit> {
    const keys = new Map<string, AgencyPrivateKeys>();
    const keyrings = new Map<string, AgencyKeyring>();
    for (const agency of fed.agencies) {
      const k = await openPrivateKeys(readFileSync(fed.material.keyFile(agency), 'utf8'), { kek: fed.kek });
      keys.set(agency, k);
      keyrings.set(agency, await AgencyKeyring.import(k));
    }
    const kit = new HostileKit(fed, keys, keyrings);
    // Keys are valid from the instant the directory was made; a whole-second iat must not precede it.
    await kit.keysValidFor(0);
    return kit;
  }

  signing(agency: string): PrivateOkpJwk {
    return (this.keys.get(agency) as AgencyPrivateKeys).signing;
  }

  signingKid(agency: string): string {
    return (this.keyrings.get(agency) as AgencyKeyring).signingKid;
  }

  /** Public encryption JWK of an agency, as the directory lists it. */
  encryptionJwk(agency: string) {
    return (this.keys.get(agency) as AgencyPrivateKeys).encryption;
  }

  /** Well-formed claims of an identity query from `iss` to `aud`, valid for 14 days. */
  claims(iss: string, aud: string[], overrides: Partial<NoticeClaims> = {}): NoticeClaims {
    const now = Math.floor(Date.now() / 1000);
    const seq = this.seq++;
    return {
      iss,
      aud,
      jti: uuidv7(),
      iat: now,
      exp: now + 14 * 24 * 3600,
      kind: 'identity-query',
      handling: { code: 'H0' },
      grades: { source: 'B', information: 2 },
      priority: 'urgent',
      chseq: Object.fromEntries(aud.map((a) => [a, seq])),
      body: noticeRequest(aud).body,
      ...overrides,
    };
  }

  /** Seals with the real sealer (the sending node's code path), as of the current directory. */
  seal(claims: NoticeClaims): Promise<SealedEnvelope> {
    const keyring = this.keyrings.get(claims.iss);
    if (!keyring) throw new Error(`no keys for ${claims.iss}`);
    return new EnvelopeSealer(keyring, () => this.directory).seal(claims);
  }

  /** A genuine envelope from `iss` to `to` as a message for `to`'s inbox. */
  async valid(iss: string, to: string, overrides: Partial<NoticeClaims> = {}): Promise<{ claims: NoticeClaims; message: RawMessage }> {
    const claims = this.claims(iss, [to], overrides);
    const sealed = await this.seal(claims);
    return { claims, message: { value: sealed.value, headers: sealed.headersFor(to), key: claims.jti } };
  }

  /** Signs arbitrary claims (any signer, any kid, extra header members) and encrypts them to `to` like the sealer. */
  async forge(
    claims: unknown,
    opts: { signer: string; kid?: string; to: string[]; jwsHeader?: Record<string, unknown>; protectedHeader?: Record<string, unknown> },
  ): Promise<Buffer> {
    const jws = await signAs(claims, this.signing(opts.signer), opts.kid ?? this.signingKid(opts.signer), opts.jwsHeader);
    return this.encryptPlaintext(jws, opts.to, opts.protectedHeader);
  }

  /** Signs a claims text as it is (no JSON.stringify) with an agency's real key and kid. */
  async signText(payload: string, signer: string): Promise<string> {
    const { x, d } = this.signing(signer);
    const key = await importJWK({ kty: 'OKP', crv: 'Ed25519', x, d }, 'EdDSA');
    return new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader({ alg: 'EdDSA', kid: this.signingKid(signer), typ: 'JWT' }).sign(key);
  }

  /** Encrypts any plaintext to agencies' X25519 keys exactly as the sealer does. */
  encryptPlaintext(plaintext: string, to: string[], protectedHeader?: Record<string, unknown>): Promise<Buffer> {
    return encryptTo(plaintext, to.map((a) => this.encryptionJwk(a)), protectedHeader);
  }

  /** The four routing headers a sender sets for `value`. */
  headers(value: Buffer, claims: { jti: string; iss: string }, recipient: string, overrides: Record<string, string | Buffer | undefined> = {}): IHeaders {
    const h: IHeaders = {
      [HEADER_MESSAGE_ID]: claims.jti,
      [HEADER_SENDER]: claims.iss,
      [HEADER_RECIPIENT]: recipient,
      [HEADER_DIGEST]: sha256(value),
    };
    for (const [name, v] of Object.entries(overrides)) {
      if (v === undefined) delete h[name];
      else h[name] = v;
    }
    return h;
  }

  /** Revokes an agency's signing key as of now, signs the new directory with the root key and publishes it. */
  async revokeSigningKey(agency: string): Promise<number> {
    const rootPrivate = JSON.parse(readFileSync(join(this.fed.material.dir, 'root.private.jwk.json'), 'utf8')) as PrivateOkpJwk;
    this.directory = revokeKey(this.directory, this.signingKid(agency), { at: new Date(Date.now() - 1000) });
    await this.fed.publishDirectory(await signDirectory(this.directory, rootPrivate));
    return this.directory.serial;
  }

  /** Writes messages, in order, to `topic` with `agency`'s broker credentials (acks=all). */
  async write(agency: string, topic: string, messages: RawMessage[]): Promise<void> {
    // Other suites on the same broker restart it (the fault suite): retry with a fresh producer.
    for (let attempt = 1; ; attempt++) {
      try {
        let producer = this.producers.get(agency);
        if (!producer) {
          producer = createKafka(principalSettings(agency)).producer({ allowAutoTopicCreation: false });
          await producer.connect();
          this.producers.set(agency, producer);
        }
        await producer.send({
          topic,
          acks: -1,
          // One partition keeps the catalogue's order: hostile message, then the valid one behind it.
          messages: messages.map((m) => ({ key: m.key ?? null, value: m.value, headers: m.headers, partition: 0 })),
        });
        return;
      } catch (error) {
        await this.producers.get(agency)?.disconnect().catch(() => undefined);
        this.producers.delete(agency);
        if (attempt >= 10) throw error;
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  }

  async close(): Promise<void> {
    for (const p of this.producers.values()) await p.disconnect();
    this.producers.clear();
  }
}

export interface DeadLetter {
  digest: string;
  headers: Record<string, string>;
}

/** Reads a whole topic from the beginning as the admin until `until` holds or the deadline passes. */
export async function readTopic(topic: string, until: (got: DeadLetter[]) => boolean, timeoutMs = 30000): Promise<DeadLetter[]> {
  const kafka: Kafka = adminKafka();
  const consumer = kafka.consumer({ groupId: `hostile-reader-${randomBytes(4).toString('hex')}` });
  const got: DeadLetter[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) {
          const first = Array.isArray(v) ? v[0] : v;
          if (first !== undefined) headers[k] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
        }
        got.push({ digest: sha256(message.value ?? Buffer.alloc(0)), headers });
      },
    });
    const deadline = Date.now() + timeoutMs;
    while (!until(got) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    return got;
  } finally {
    await consumer.disconnect();
  }
}
