import { randomBytes } from 'crypto';
import type { LogLevel } from '@nestjs/common';
import { Role } from '@liaison/auth';
import { AgencyKeyring, AgencyPrivateKeys, EnvelopeSealer, openPrivateKeys } from '@liaison/envelope';
import { createKafka, FederationTopics, KafkaPublisher } from '@liaison/transport';
import { Federation, FederationMaterial, NodeClient, saveStream } from '@liaison/federation';
import { join } from 'path';
import { formatReconcile, reconcileFiles } from '../../apps/cli/src/commands/reconcile';
import { formatReport, verifyBundleFile } from '../../apps/cli/src/commands/verify';
import { RunningNode, startNode } from '../../apps/node/src/bootstrap';
import { loadNodeConfig } from '../../apps/node/src/config/node-config';
import { principalSettings } from './kafka';
import { localSecrets } from './local-secrets';

const PG = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const AGENCY_NAMES: Record<string, [string, string]> = {
  NL: ['Politie Nederland', 'NL'],
  ES: ['Policía Nacional', 'ES'],
  CO: ['Policía Nacional de Colombia', 'CO'],
  DE: ['Bundeskriminalamt', 'DE'],
  PT: ['Polícia Judiciária', 'PT'],
};

/**
 * Test nodes listen below Linux's ephemeral range (32768–60999): a port taken from that range can
 * be grabbed by any outgoing connection (the node's own, to PostgreSQL or Kafka) before the node
 * listens on it. The broker's ports (19092–19095, 29092–29095) lie outside this window.
 */
const TEST_PORTS = { from: 21000, to: 28999 };
let nextPort = TEST_PORTS.from + Math.floor(Math.random() * 4000);

export interface HttpResult<T = any> {
  status: number;
  body: T;
}

/**
 * A private federation for one test file (the shared harness, @liaison/federation, on the real
 * broker and PostgreSQL). Nodes run in-process (real HTTP, Kafka, database); tests that kill
 * nodes spawn processes (process-node.ts).
 */
export class TestFederation {
  readonly nodes = new Map<string, { node: RunningNode; port: number; env: Record<string, string> }>();
  private readonly ports = new Map<string, number>();

  private constructor(readonly harness: Federation) {}

  get material(): FederationMaterial {
    return this.harness.material;
  }

  get topics(): FederationTopics {
    return this.harness.topics;
  }

  get agencies(): string[] {
    return this.harness.agencies;
  }

  get kek(): Uint8Array {
    return this.harness.kek;
  }

  /**
   * `kafkaBrokers`: another bootstrap list than the shared broker's (the local cluster's, with the
   * same SCRAM users); replication then follows its defaults (3 and 2 for three brokers).
   */
  static async create(agencies: string[], options: { kafkaBrokers?: string } = {}): Promise<TestFederation> {
    const brokers: Record<string, string> = options.kafkaBrokers ? { KAFKA_BROKERS: options.kafkaBrokers } : {};
    const admin = principalSettings(localSecrets().KAFKA_ADMIN_USER, brokers);
    const harness = await Federation.create({
      name: 'liaison-test',
      agencies: agencies.map((code) => ({ code, name: AGENCY_NAMES[code]?.[0] ?? code, country: AGENCY_NAMES[code]?.[1] ?? 'XX' })),
      topicPrefix: `t${randomBytes(4).toString('hex')}`,
      kek: Uint8Array.from(Buffer.from(localSecrets().LIAISON_KEY_ENCRYPTION_KEY, 'hex')),
      admin,
      principal: (agency) => principalSettings(agency, brokers),
      postgresUrl: PG,
      nodeDefaults: { LIAISON_CHECKPOINT_EVERY_SECONDS: '2' },
    });
    return new TestFederation(harness);
  }

  /** Publishes a signed directory as the federation admin does. */
  publishDirectory(jws: string): Promise<void> {
    return this.harness.publishDirectory(jws);
  }

  databaseName(agency: string): string {
    return this.harness.databaseName(agency);
  }

  port(agency: string): number {
    if (!this.ports.has(agency)) this.ports.set(agency, nextPort++);
    return this.ports.get(agency) as number;
  }

  url(agency: string): string {
    return `http://127.0.0.1:${this.port(agency)}`;
  }

  env(agency: string, extra: Record<string, string> = {}): Record<string, string> {
    return this.harness.env(agency, this.port(agency), extra);
  }

  /** `logLevels`: what the node logs (default errors and warnings; a test that reads the log asks for more). */
  async start(agency: string, extra: Record<string, string> = {}, logLevels: LogLevel[] = ['error', 'warn']): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const env = this.env(agency, extra);
      try {
        const node = await startNode(loadNodeConfig(env), { logLevels });
        this.nodes.set(agency, { node, port: this.port(agency), env });
        break;
      } catch (error) {
        // A port found free can be taken before the node listens (by an outgoing connection: the
        // test ports lie in the ephemeral range); take another.
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt === 3) throw error;
        this.ports.set(agency, await freePort());
      }
    }
    await this.waitFor(async () => (await this.get(agency, '/directory', 'operator')).body.serial !== null, `${agency} to load the directory`);
  }

  async stop(agency: string): Promise<void> {
    const node = this.nodes.get(agency);
    if (!node) return;
    this.nodes.delete(agency);
    await node.node.close();
  }

  token(agency: string, role: Role, subject = `${role}.${agency.toLowerCase()}@example.test`): Promise<string> {
    return this.harness.token(agency, role, subject);
  }

  /** The API client (the CLI's) acting as `role` of `agency`, on its in-process node; no retries. */
  client(agency: string, role: Role | null): NodeClient {
    return this.harness.client(agency, role, this.url(agency), { retries: 0 });
  }

  async request<T = any>(agency: string, method: string, path: string, role: Role | null, body?: unknown): Promise<HttpResult<T>> {
    const { status, body: parsed } = await this.client(agency, role).request<T>(method, path, { body });
    return { status, body: parsed };
  }

  get<T = any>(agency: string, path: string, role: Role | null): Promise<HttpResult<T>> {
    return this.request<T>(agency, 'GET', path, role);
  }

  post<T = any>(agency: string, path: string, role: Role | null, body?: unknown): Promise<HttpResult<T>> {
    return this.request<T>(agency, 'POST', path, role, body ?? {});
  }

  /** Polls until `condition` holds (a deadline, not a timing assertion). */
  async waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 60000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        if (await condition()) return;
      } catch {
        /* not yet */
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** A SQL query on an agency's database as the owner (tests inspect and tamper with it). */
  sql<T = any>(agency: string, text: string, params: unknown[] = []): Promise<T[]> {
    return this.harness.sql<T>(agency, text, params);
  }

  /** Raw producer for an agency's credentials: writes straight to inbox topics, bypassing nodes. */
  rawPublisher(agency: string): KafkaPublisher {
    return new KafkaPublisher(createKafka(this.harness.options.principal(agency)));
  }

  async destroy(): Promise<void> {
    for (const agency of [...this.nodes.keys()]) await this.stop(agency);
    await this.harness.destroy();
  }
}

export const noticeRequest = (recipients: string[], overrides: Record<string, unknown> = {}) => ({
  kind: 'identity-query',
  recipients,
  handling: { code: 'H0' },
  grades: { source: 'B', information: 2 },
  priority: 'urgent',
  expiresAt: new Date(Date.now() + 14 * 24 * 3600 * 1000).toISOString(),
  body: {
    names: { family: 'Janssen', given: 'Pieter' },
    date_of_birth: '1980-04-12',
    nationality: 'NL',
    reason: 'Suspected document fraud at Schiphol',
    legal_basis: 'EU Directive 2023/977 Art. 4',
    case_reference: 'NL-2026-0042',
  },
  ...overrides,
});

/** A message read back from a topic by a test (dead-letter copies, captured envelopes). */
export interface ReadMessage {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

/** The agency's private keys, opened from its key file as the node opens them. */
export async function agencyKeys(fed: TestFederation, agency: string): Promise<AgencyPrivateKeys> {
  const { readFile } = await import('fs/promises');
  return openPrivateKeys(await readFile(fed.material.keyFile(agency), 'utf8'), { kek: fed.kek });
}

/** A sealer holding the agency's real keys and the federation's directory: it seals valid envelopes as that agency. */
export async function sealerFor(fed: TestFederation, agency: string): Promise<EnvelopeSealer> {
  const keyring = await AgencyKeyring.import(await agencyKeys(fed, agency));
  return new EnvelopeSealer(keyring, () => fed.material.directory);
}

/**
 * Reads every message of `topic` with `agency`'s credentials (through a fresh group of its own)
 * until `until(messages)` holds; the deadline throws.
 */
export async function readTopic(
  fed: TestFederation,
  agency: string,
  topic: string,
  until: (messages: ReadMessage[]) => boolean,
  timeoutMs = 60000,
): Promise<ReadMessage[]> {
  const kafka = createKafka(principalSettings(agency));
  const consumer = kafka.consumer({ groupId: `${fed.topics.groupPrefix(agency)}test-${Date.now()}-${Math.random().toString(36).slice(2)}` });
  const messages: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = Buffer.isBuffer(v) ? v.toString() : String(v);
        messages.push({ partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value ?? Buffer.alloc(0), headers });
        if (until(messages)) done();
      },
    });
    if (!until(messages)) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        finished,
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out reading ${topic} (${messages.length} messages)`)), timeoutMs))),
      ]).finally(() => clearTimeout(timer));
    }
    return messages;
  } finally {
    await consumer.disconnect();
  }
}

/** Row count of a table of an agency's database (optionally filtered). */
export async function countRows(fed: TestFederation, agency: string, table: string, where = 'true', params: unknown[] = []): Promise<number> {
  const rows = await fed.sql<{ n: number }>(agency, `SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params);
  return rows[0].n;
}

/**
 * Every notice in `ids` from `sender` to `recipient` was receipted once: the sender recorded one
 * 'delivered' entry each, naming (re) a receipt the recipient's ledger sent and the sender's
 * ledger received. Receipts are per inbox batch (PROTOCOL.md §2), so there are at most as many
 * receipts as notices; returns how many distinct receipts delivered them.
 */
export async function expectReceiptedOnce(fed: TestFederation, sender: string, recipient: string, ids: string[]): Promise<number> {
  const delivered = await fed.sql<{ id: string; re: string }>(
    sender,
    `SELECT message_id AS id, re FROM ledger_entry WHERE event = 'delivered' AND counterpart = $1 AND message_id = ANY($2::text[])`,
    [recipient, ids],
  );
  expect(delivered).toHaveLength(ids.length);
  expect(new Set(delivered.map((d) => d.id)).size).toBe(ids.length);
  const receipts = (agency: string, event: string, counterpart: string) =>
    fed.sql<{ id: string }>(agency, `SELECT message_id AS id FROM ledger_entry WHERE event = $1 AND kind = 'receipt' AND counterpart = $2`, [event, counterpart]);
  const sentByRecipient = new Set((await receipts(recipient, 'sent', sender)).map((r) => r.id));
  const receivedBySender = new Set((await receipts(sender, 'received', recipient)).map((r) => r.id));
  expect(receivedBySender).toEqual(sentByRecipient);
  expect(delivered.filter((d) => !sentByRecipient.has(d.re))).toEqual([]);
  return new Set(delivered.map((d) => d.re)).size;
}

/** Downloads the agency's audit bundle (GET /audit/bundle as an auditor) to `file`, from `baseUrl` (default: the in-process node's port). */
export async function downloadAuditBundle(fed: TestFederation, agency: string, file: string, baseUrl = fed.url(agency)): Promise<string> {
  await saveStream(await fed.harness.client(agency, 'auditor', baseUrl, { retries: 0 }).auditBundle(), file);
  return file;
}

/**
 * Whether the agencies' audit bundles (downloaded into `dir`) all verify offline and reconcile
 * pairwise as `liaison reconcile` requires (nothing unreceived, mismatched, unreceipted, missing
 * or twice); for `fed.waitFor`, since receipts and
 * checkpoints arrive a little after the traffic.
 */
export async function bundlesReconcile(fed: TestFederation, agencies: string[], dir: string): Promise<boolean> {
  return (await bundlesDisagreement(fed, agencies, dir)) === null;
}

/** Null when the bundles verify and reconcile (as bundlesReconcile); else what `liaison verify` or `liaison reconcile` reports of the first that does not. */
export async function bundlesDisagreement(fed: TestFederation, agencies: string[], dir: string): Promise<string | null> {
  const root = fed.material.rootPublicJwk;
  const files = await Promise.all(agencies.map((a) => downloadAuditBundle(fed, a, join(dir, `${a}.ndjson`))));
  const reports = await Promise.all(files.map((f) => verifyBundleFile(f, { root })));
  const broken = reports.find((r) => !r.ok);
  if (broken) return formatReport(broken);
  for (let a = 0; a < files.length; a++) {
    for (let b = a + 1; b < files.length; b++) {
      // What `liaison reconcile` exits 0 on: both verify, and every notice pairs with its receipt.
      const reconciled = await reconcileFiles(files[a], files[b], { root });
      if (!reconciled.ok) return formatReconcile(reconciled);
    }
  }
  return null;
}

/** Sends `count` notices from `sender` through its API, `concurrency` at a time; returns their ids. */
export async function sendNotices(
  fed: TestFederation,
  sender: string,
  recipients: string[],
  count: number,
  concurrency = 8,
  baseUrl = fed.url(sender),
): Promise<string[]> {
  const token = await fed.token(sender, 'operator');
  const client = new NodeClient({ baseUrl, token, retries: 0 });
  const ids: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      // A 5xx wrote nothing (one transaction): try again, as a client would, a few times.
      for (let attempt = 1; ; attempt++) {
        const response = await client.request<{ id?: string }>('POST', '/notices', { body: noticeRequest(recipients, { priority: 'normal' }) });
        if (response.status === 201 && response.body.id) {
          ids.push(response.body.id);
          break;
        }
        if (response.status < 500 || attempt >= 5) throw new Error(`POST /notices at ${sender}: ${response.status}`);
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ids;
}

/**
 * Starts another in-process replica of an agency's node (same environment, its own HTTP port).
 * Returns the key it is registered under in `fed.nodes` (`fed.stop(key)` stops it; destroy() too).
 */
export async function startReplica(fed: TestFederation, agency: string, name: string): Promise<{ key: string; port: number }> {
  const key = `${agency}#${name}`;
  const port = fed.port(key);
  const env = fed.env(agency, { PORT: String(port) });
  const node = await startNode(loadNodeConfig(env), { logLevels: ['error', 'warn'] });
  fed.nodes.set(key, { node, port, env });
  return { key, port };
}

/** A random port of the test window that is free right now (listened on and closed again). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('net');
  const tryPort = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = TEST_PORTS.from + Math.floor(Math.random() * (TEST_PORTS.to - TEST_PORTS.from + 1));
    if (await tryPort(port)) return port;
  }
  throw new Error(`no free port between ${TEST_PORTS.from} and ${TEST_PORTS.to}`);
}

/**
 * Gives each agency (or replica key such as `ES#b`) a port the OS reports free, before its node
 * starts: the default ports are drawn at random per test file and can collide between Jest workers
 * or with other processes on the machine.
 */
export async function useFreePorts(fed: TestFederation, keys: string[]): Promise<void> {
  const ports = (fed as unknown as { ports: Map<string, number> }).ports;
  for (const key of keys) ports.set(key, await freePort());
}
