import { AttachmentPolicy, attachmentPolicyFromEnv } from '@liaison/attachments';
import { readFileSync } from 'fs';
import { isIP } from 'net';
import { ConfigError, Env, EnvReader } from '@liaison/config';
import { INBOX_RETENTION_MS, kafkaSettingsFromEnv, KafkaSettings } from '@liaison/transport';
import { AGENCY_CODE } from '@liaison/ids';
import { withDatabase } from '../persistence/database';
import { POOL_NAMES, PoolSizes } from '../persistence/pools';

/** Everything a node needs, validated once at start (see README "Configuration"). */
export interface NodeConfig {
  agency: string;
  httpPort: number;
  /** Address the HTTP API binds (HOST; 127.0.0.1 unless a container or proxy needs 0.0.0.0). */
  httpHost: string;
  /** Connections per pool (LIAISON_DB_POOL_API, _INBOX, _RELAY, _LEDGER, _ATTACHMENTS): one kind of work cannot take another's. */
  databasePools: PoolSizes;
  /** The API serves TLS itself when given a certificate and key (PEM); otherwise plain HTTP, e.g. behind a proxy. */
  httpTls: { cert: Buffer; key: Buffer } | null;
  /** Owner connection: runs migrations. The node itself works as the least-privileged app role. */
  databaseUrl: string;
  databaseName: string;
  /** Runtime connection as `<database>_app` (insert/select on the ledger, no update/delete). */
  appDatabaseUrl: string;
  kafka: KafkaSettings;
  inboxPartitions: number;
  keyFile: string;
  keySecret: { kek: Uint8Array } | { passphrase: string };
  /** Secret from which the key that encrypts notice bodies at rest is derived. */
  contentSecret: Uint8Array;
  /**
   * Secret from which the blind index's key is derived (LIAISON_BLIND_INDEX_KEY, by default the
   * content secret): changing it makes the node index every stored notice again under the new key.
   */
  blindIndexSecret: Uint8Array;
  /** The federation's attachment policy: media types, largest attachment, largest total per notice (LIAISON_ATTACHMENT_*). */
  attachments: AttachmentPolicy;
  attachmentTimers: {
    /** A received attachment with no new chunk for this long is reported stalled to its sender (LIAISON_ATTACHMENT_STALL_SECONDS). */
    stallSeconds: number;
    /** How often the attachment sweeper runs: stalls, chunks held too long, abandoned uploads, retention (LIAISON_ATTACHMENT_SWEEP_SECONDS). */
    sweepSeconds: number;
    /** Per notice kind, how long attachment content is kept (LIAISON_ATTACHMENT_RETENTION, e.g. `identity-query=90d,intelligence-report=1y`); absent kinds: kept. */
    retentionSeconds: Record<string, number>;
  };
  /** Pinned public JWKs of the federation roots that may sign the directory (one, or several while rotating). */
  directoryRootJwks: Record<string, unknown>[];
  /** Optional HTTPS (or loopback HTTP) source of the signed directory, fetched at start. */
  directoryUrl: string | undefined;
  /** Operator override: start although the stored trust state cannot be read (decision 0008). */
  directoryBootstrap: boolean;
  directoryMaxSerialJump: number;
  directoryWarningDays: number;
  /** Longest accepted exp − iat of an envelope, and the oldest accepted iat (seconds). */
  maxEnvelopeLifetimeSeconds: number;
  transitWindowSeconds: number;
  auth: { issuer: string; audience: string; jwksUrl?: string; jwks?: { keys: Record<string, unknown>[] } };
  deadlines: { urgentHours: number; normalDays: number };
  maxEnvelopeBytes: number;
  /** Sends waiting for their transaction beyond which the API answers 503 (backpressure). */
  maxPendingSends: number;
  clockSkewSeconds: number;
  checkpoint: {
    everyEntries: number;
    everySeconds: number;
    witnessQuorum: number;
    /** A watched log with traffic but no checkpoint for this long is alerted as silent (default 3 × everySeconds). */
    silenceSeconds?: number;
  };
  /** The ledger's background self-audit: entries re-derived per second, pause between full sweeps. */
  selfAudit: { entriesPerSecond: number; pauseSeconds: number };
  consoleDir: string | undefined;
  /** The console's sign-in: the agency's OpenID Provider and the console's client id. */
  oidc: { issuer: string; clientId: string } | null;
  /** How long an Idempotency-Key and its answer are kept (docs/api.md). */
  idempotencyTtlSeconds: number;
  /** Private hit/no-hit (issue 18, docs/PROTOCOL.md §6). */
  match: MatchConfig;
}

/** Which partners may query which index, and the holder's limits: federation configuration, enforced on both sides. */
export interface MatchConfig {
  /** Agencies that may query this agency's index and receive its filter (LIAISON_MATCH_PARTNERS). */
  partners: string[];
  /** Agencies whose index this agency may query; their filters are the only ones accepted (LIAISON_MATCH_HOLDERS). */
  holders: string[];
  /** Evaluations a partner may ask for per hour, and the largest burst (LIAISON_MATCH_RATE_PER_HOUR, LIAISON_MATCH_BURST). */
  rate: { perHour: number; burst: number };
  /** Age at which the OPRF key is replaced and the filter re-evaluated and republished (LIAISON_MATCH_KEY_ROTATION_DAYS). */
  keyRotationDays: number;
  /** Largest false-positive rate of the published filter (LIAISON_MATCH_FALSE_POSITIVE_RATE, default 1e-6). */
  falsePositiveRate: number;
  /** Quiet time after an index change before the filter is rebuilt and sent (LIAISON_MATCH_PUBLISH_DELAY_MS). */
  publishDelayMs: number;
  /** How long POST /match/checks waits for every answer before answering 202 (LIAISON_MATCH_CHECK_WAIT_MS). */
  checkWaitMs: number;
}

function agencyList(reader: EnvReader, name: string, me: string): string[] {
  const list = reader.list(name, '');
  for (const agency of list) {
    if (!AGENCY_CODE.test(agency)) throw new ConfigError(name, `must be a comma-separated list of agency codes, got "${agency}"`);
    if (agency === me) throw new ConfigError(name, `names this agency itself (${me})`);
  }
  return [...new Set(list)].sort();
}

function matchConfig(reader: EnvReader, agency: string): MatchConfig {
  const rawRate = reader.string('LIAISON_MATCH_FALSE_POSITIVE_RATE', '1e-6');
  const rate = Number(rawRate);
  if (!/^[0-9.e+-]+$/i.test(rawRate) || !(rate >= 2 ** -32 && rate <= 2 ** -8)) throw new ConfigError('LIAISON_MATCH_FALSE_POSITIVE_RATE', 'must be a number from 2^-32 to 2^-8 (e.g. 1e-6)');
  return {
    partners: agencyList(reader, 'LIAISON_MATCH_PARTNERS', agency),
    holders: agencyList(reader, 'LIAISON_MATCH_HOLDERS', agency),
    rate: {
      perHour: reader.integer('LIAISON_MATCH_RATE_PER_HOUR', 1000, { min: 1, max: 10_000_000 }),
      burst: reader.integer('LIAISON_MATCH_BURST', 200, { min: 1, max: 1_000_000 }),
    },
    keyRotationDays: reader.integer('LIAISON_MATCH_KEY_ROTATION_DAYS', 30, { min: 1, max: 366 }),
    falsePositiveRate: rate,
    publishDelayMs: reader.integer('LIAISON_MATCH_PUBLISH_DELAY_MS', 2000, { min: 0, max: 3_600_000 }),
    checkWaitMs: reader.integer('LIAISON_MATCH_CHECK_WAIT_MS', 5000, { min: 0, max: 30_000 }),
  };
}

function hexKey(reader: EnvReader, name: string): Uint8Array | undefined {
  const raw = reader.optional(name);
  if (raw === undefined) return undefined;
  if (!/^[0-9a-f]{64}$/i.test(raw)) throw new ConfigError(name, 'must be 64 hex characters (32 bytes)');
  return Uint8Array.from(Buffer.from(raw, 'hex'));
}

function databaseName(url: string, agency: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('DATABASE_URL', 'must be a postgres:// URL');
  }
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) throw new ConfigError('DATABASE_URL', 'must be a postgres:// URL');
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  const resolved = name || `liaison_${agency.toLowerCase()}`;
  if (!/^[a-z][a-z0-9_]{0,50}$/.test(resolved)) {
    throw new ConfigError('DATABASE_URL', `names database "${resolved}"; use lowercase letters, digits and _`);
  }
  return resolved;
}

/**
 * TLS to PostgreSQL is set on the URL as libpq does (`?sslmode=verify-full&sslrootcert=<CA file>`).
 * node-postgres checks the certificate against a host *name* only (brianc/node-postgres#2263: an
 * IP address is checked as "localhost"), so verify-full needs the server's DNS name in the URL.
 */
function checkDatabaseTls(name: string, url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(name, 'must be a postgres:// URL');
  }
  const mode = parsed.searchParams.get('sslmode');
  const rootCert = parsed.searchParams.get('sslrootcert');
  if (mode === 'verify-full' && (isIP(parsed.hostname) || parsed.hostname.startsWith('['))) {
    throw new ConfigError(name, `has sslmode=verify-full with the IP address ${parsed.hostname}: name the server by the DNS name in its certificate`);
  }
  if (rootCert !== null) {
    try {
      readFileSync(rootCert);
    } catch (error) {
      throw new ConfigError(name, `has sslrootcert=${rootCert}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  return url;
}

function pemFile(name: string, file: string, marker: RegExp): Buffer {
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch (error) {
    throw new ConfigError(name, `names ${file}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (!marker.test(content.toString('latin1'))) throw new ConfigError(name, `names ${file}, which holds no PEM ${name.endsWith('KEY_FILE') ? 'private key' : 'certificate'}`);
  return content;
}

function httpTls(reader: EnvReader): NodeConfig['httpTls'] {
  const certFile = reader.optional('LIAISON_HTTP_TLS_CERT_FILE');
  const keyFile = reader.optional('LIAISON_HTTP_TLS_KEY_FILE');
  if (!certFile && !keyFile) return null;
  if (!certFile) throw new ConfigError('LIAISON_HTTP_TLS_CERT_FILE', 'is required with LIAISON_HTTP_TLS_KEY_FILE');
  if (!keyFile) throw new ConfigError('LIAISON_HTTP_TLS_KEY_FILE', 'is required with LIAISON_HTTP_TLS_CERT_FILE');
  return {
    cert: pemFile('LIAISON_HTTP_TLS_CERT_FILE', certFile, /-----BEGIN CERTIFICATE-----/),
    key: pemFile('LIAISON_HTTP_TLS_KEY_FILE', keyFile, /-----BEGIN (EC |RSA |ENCRYPTED )?PRIVATE KEY-----/),
  };
}

/** Defaults: the API as before (10), the inbox one per partition handled at once (3), the relays 2, the ledger 3, attachment chunk batches one per partition (3). */
const POOL_DEFAULTS: PoolSizes = { api: 10, inbox: 3, relay: 2, ledger: 3, attachments: 3 };

function poolSizes(reader: EnvReader): PoolSizes {
  const sizes = {} as PoolSizes;
  for (const name of POOL_NAMES) sizes[name] = reader.integer(`LIAISON_DB_POOL_${name.toUpperCase()}`, POOL_DEFAULTS[name], { min: 1, max: 200 });
  return sizes;
}

/** Where the node's own API answers, for log lines. */
export function httpBaseUrl(config: Pick<NodeConfig, 'httpHost' | 'httpPort' | 'httpTls'>): string {
  const host = config.httpHost.includes(':') ? `[${config.httpHost}]` : config.httpHost;
  return `${config.httpTls ? 'https' : 'http'}://${host}:${config.httpPort}`;
}

function oidcConfig(reader: EnvReader): NodeConfig['oidc'] {
  const issuer = reader.optional('AUTH_OIDC_ISSUER_URL');
  const clientId = reader.optional('AUTH_OIDC_CLIENT_ID');
  if (!issuer && !clientId) return null;
  if (!issuer) throw new ConfigError('AUTH_OIDC_ISSUER_URL', 'is required with AUTH_OIDC_CLIENT_ID');
  if (!clientId) throw new ConfigError('AUTH_OIDC_CLIENT_ID', 'is required with AUTH_OIDC_ISSUER_URL');
  if (!/^https?:\/\/[^\s]+$/.test(issuer)) throw new ConfigError('AUTH_OIDC_ISSUER_URL', 'must be an http(s) URL');
  return { issuer: issuer.replace(/\/+$/, ''), clientId };
}

const DAY_SECONDS = 86_400;

/** One Ed25519 public JWK, or a JWK set of them (several roots while the federation rotates its root). */
function directoryRoots(reader: EnvReader): Record<string, unknown>[] {
  const value = reader.json<Record<string, unknown>>('LIAISON_DIRECTORY_ROOT_JWK');
  const list = value && Array.isArray(value.keys) ? (value.keys as Record<string, unknown>[]) : [value];
  const isRoot = (jwk: Record<string, unknown> | undefined) =>
    !!jwk && typeof jwk === 'object' && jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.x === 'string' && !('d' in jwk);
  if (list.length === 0 || !list.every(isRoot)) {
    throw new ConfigError('LIAISON_DIRECTORY_ROOT_JWK', 'must be the federation root public key as an Ed25519 JWK, or a JWK set of them');
  }
  return list as Record<string, unknown>[];
}

/** The directory's HTTP source must be https, except on the loopback interface (local federations). */
function directoryUrl(reader: EnvReader): string | undefined {
  const raw = reader.optional('LIAISON_DIRECTORY_URL');
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('LIAISON_DIRECTORY_URL', 'must be an https:// URL');
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ConfigError('LIAISON_DIRECTORY_URL', 'must be an https:// URL (plain http only on the loopback interface)');
  }
  return raw;
}

const RETENTION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, y: 365 * 86400 };

/** `kind=<n><s|m|h|d|y>` pairs, comma-separated: how long each kind's attachment content is kept. Off (empty) by default. */
export function parseRetention(raw: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (raw ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z][a-z0-9-]{0,63})=([1-9][0-9]{0,6})([smhdy])$/.exec(part);
    if (!m) throw new ConfigError('LIAISON_ATTACHMENT_RETENTION', `"${part.slice(0, 80)}" is not <notice kind>=<number><s|m|h|d|y>, e.g. identity-query=90d`);
    if (m[1] in out) throw new ConfigError('LIAISON_ATTACHMENT_RETENTION', `names ${m[1]} twice`);
    out[m[1]] = Number(m[2]) * RETENTION_UNITS[m[3]];
  }
  return out;
}

export function loadNodeConfig(env: Env = process.env): NodeConfig {
  const reader = new EnvReader(env);
  const agency = reader.matching('LIAISON_AGENCY', AGENCY_CODE, `an agency code (${AGENCY_CODE.source})`);
  const databaseUrl = checkDatabaseTls('DATABASE_URL', reader.string('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/'));
  const kek = hexKey(reader, 'LIAISON_KEY_ENCRYPTION_KEY');
  const passphrase = reader.optional('LIAISON_KEY_PASSPHRASE');
  if (!kek && !passphrase) {
    throw new ConfigError('LIAISON_KEY_ENCRYPTION_KEY', 'or LIAISON_KEY_PASSPHRASE must be set to open the agency key file');
  }
  const contentSecret = hexKey(reader, 'LIAISON_CONTENT_KEY') ?? kek;
  if (!contentSecret) throw new ConfigError('LIAISON_CONTENT_KEY', 'must be set when the key file is opened with a passphrase');
  const rootJwks = directoryRoots(reader);
  const jwks = reader.json<{ keys: Record<string, unknown>[] }>('AUTH_JWKS');
  const jwksUrl = reader.optional('AUTH_JWKS_URL');
  if (!jwks && !jwksUrl) throw new ConfigError('AUTH_JWKS_URL', 'or AUTH_JWKS must name the identity provider keys');
  if (jwks && !Array.isArray(jwks.keys)) throw new ConfigError('AUTH_JWKS', 'must be a JWK set ({"keys": [...]})');
  const dbName = databaseName(databaseUrl, agency);
  const checkpointEvery = reader.integer('LIAISON_CHECKPOINT_EVERY_SECONDS', 10, { min: 1, max: 86400 });
  return {
    agency,
    httpPort: reader.integer('PORT', 3000, { min: 1, max: 65535 }),
    httpHost: reader.matching('HOST', /^[A-Za-z0-9.:-]{1,253}$/, 'an IP address or host name to bind', '127.0.0.1'),
    httpTls: httpTls(reader),
    databaseUrl: withDatabase(databaseUrl, dbName),
    databaseName: dbName,
    appDatabaseUrl: checkDatabaseTls('DATABASE_APP_URL', reader.string('DATABASE_APP_URL', withDatabase(databaseUrl, dbName, `${dbName}_app`))),
    databasePools: poolSizes(reader),
    kafka: kafkaSettingsFromEnv(reader, `liaison-node-${agency}`),
    inboxPartitions: reader.integer('LIAISON_INBOX_PARTITIONS', 3, { min: 1, max: 256 }),
    keyFile: reader.string('LIAISON_KEY_FILE'),
    keySecret: kek ? { kek } : { passphrase: passphrase as string },
    contentSecret,
    blindIndexSecret: hexKey(reader, 'LIAISON_BLIND_INDEX_KEY') ?? contentSecret,
    attachments: attachmentPolicyFromEnv(reader),
    attachmentTimers: {
      stallSeconds: reader.integer('LIAISON_ATTACHMENT_STALL_SECONDS', 900, { min: 5, max: 30 * 86400 }),
      sweepSeconds: reader.integer('LIAISON_ATTACHMENT_SWEEP_SECONDS', 30, { min: 1, max: 86400 }),
      retentionSeconds: parseRetention(reader.optional('LIAISON_ATTACHMENT_RETENTION')),
    },
    directoryRootJwks: rootJwks,
    directoryUrl: directoryUrl(reader),
    directoryBootstrap: reader.boolean('LIAISON_DIRECTORY_BOOTSTRAP', false),
    directoryMaxSerialJump: reader.integer('LIAISON_DIRECTORY_MAX_SERIAL_JUMP', 1000, { min: 1, max: 1_000_000 }),
    directoryWarningDays: reader.integer('LIAISON_DIRECTORY_WARNING_DAYS', 7, { min: 0, max: 365 }),
    maxEnvelopeLifetimeSeconds: reader.integer('LIAISON_MAX_ENVELOPE_LIFETIME_DAYS', 366, { min: 1, max: 3660 }) * DAY_SECONDS,
    // At least the inbox topics' retention, so a node that was down still reads its whole backlog.
    transitWindowSeconds: reader.integer('LIAISON_TRANSIT_WINDOW_DAYS', 14, { min: INBOX_RETENTION_MS / 1000 / DAY_SECONDS, max: 366 }) * DAY_SECONDS,
    auth: {
      issuer: reader.string('AUTH_ISSUER'),
      audience: reader.string('AUTH_AUDIENCE', `liaison-${agency.toLowerCase()}`),
      jwksUrl,
      jwks,
    },
    deadlines: {
      urgentHours: reader.integer('LIAISON_DEADLINE_URGENT_HOURS', 8, { min: 1, max: 24 * 30 }),
      normalDays: reader.integer('LIAISON_DEADLINE_NORMAL_DAYS', 7, { min: 1, max: 365 }),
    },
    maxEnvelopeBytes: reader.integer('LIAISON_MAX_ENVELOPE_BYTES', 1024 * 1024, { min: 1024, max: 16 * 1024 * 1024 }),
    maxPendingSends: reader.integer('LIAISON_MAX_PENDING_SENDS', 2000, { min: 1, max: 100_000 }),
    clockSkewSeconds: reader.integer('LIAISON_CLOCK_SKEW_SECONDS', 300, { min: 0, max: 3600 }),
    checkpoint: {
      everyEntries: reader.integer('LIAISON_CHECKPOINT_EVERY_ENTRIES', 1000, { min: 1, max: 10_000_000 }),
      everySeconds: checkpointEvery,
      witnessQuorum: reader.integer('LIAISON_WITNESS_QUORUM', 1, { min: 0, max: 100 }),
      silenceSeconds: reader.integer('LIAISON_WITNESS_SILENCE_SECONDS', 3 * checkpointEvery, { min: 1, max: 30 * 86400 }),
    },
    selfAudit: {
      // Paced so that a large log does not starve the exchange on a busy node (the sweep re-reads and
      // re-hashes every entry); new entries are checked every second regardless.
      entriesPerSecond: reader.integer('LIAISON_LEDGER_AUDIT_RATE', 2_000, { min: 100, max: 1_000_000 }),
      pauseSeconds: reader.integer('LIAISON_LEDGER_AUDIT_PAUSE_SECONDS', 60, { min: 1, max: 86400 }),
    },
    consoleDir: reader.optional('LIAISON_CONSOLE_DIR'),
    oidc: oidcConfig(reader),
    idempotencyTtlSeconds: reader.integer('LIAISON_IDEMPOTENCY_TTL_SECONDS', 86400, { min: 60, max: 30 * 86400 }),
    match: matchConfig(reader, agency),
  };
}
