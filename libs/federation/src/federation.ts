import { ChildProcess, spawn } from 'child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { Writable } from 'stream';
import { join } from 'path';
import { dropDatabases, runSql } from './databases.repository';
import { Role } from '@liaison/auth';
import { EnvReader } from '@liaison/config';
import { createKafka, federationTopics, FederationTopics, kafkaSettingsFromEnv, KafkaPublisher, KafkaSettings, provisionFederation } from '@liaison/transport';
import { AgencySpec, ensureFederationMaterial, FederationMaterial, nodeEnvironment } from './material';
import { NodeClient, NodeClientOptions } from './node-client';

/** Kafka record key of the directory on its compacted topic: one key, so only the latest stays. */
export const DIRECTORY_RECORD_KEY = 'directory';

/** A `NAME="value"` file, as deploy/local/secrets.sh writes secrets.env. */
export function readEnvFile(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.includes('=') && !line.trimStart().startsWith('#'))
      .map((line) => {
        const i = line.indexOf('=');
        return [line.slice(0, i), line.slice(i + 1).replace(/^"|"$/g, '')];
      }),
  );
}

/** The broker credentials of one principal of a local broker, built the way a node builds them: from env. */
export function principalFromSecrets(secrets: Record<string, string>, principal: string, clientId: string, overrides: Record<string, string> = {}): KafkaSettings {
  const password = principal === secrets.KAFKA_ADMIN_USER ? secrets.KAFKA_ADMIN_PASSWORD : secrets[`KAFKA_PASSWORD_${principal}`];
  return kafkaSettingsFromEnv(
    new EnvReader({ KAFKA_BROKERS: `127.0.0.1:${process.env.KAFKA_PORT ?? 19092}`, KAFKA_USERNAME: principal, KAFKA_PASSWORD: password ?? '', ...overrides }),
    clientId,
  );
}

/**
 * Creates the federation's topics and ACLs, then waits until every agency's own credentials see
 * its inbox and another's: ACLs reach the broker's authorizer through the metadata log,
 * asynchronously.
 */
export async function provisionTopics(
  admin: KafkaSettings,
  principal: (agency: string) => KafkaSettings,
  topics: FederationTopics,
  agencies: string[],
  inboxPartitions = 3,
  probed: string[] = agencies,
): Promise<string[]> {
  const client = createKafka(admin).admin();
  await client.connect();
  let created: string[];
  try {
    created = (await provisionFederation(client, { topics, agencies, inboxPartitions, replication: admin.replication })).createdTopics;
  } finally {
    await client.disconnect();
  }
  for (const agency of probed) {
    const other = agencies.find((a) => a !== agency) ?? agency;
    // Its log off (0 = NOTHING): the refusals until the ACLs apply are expected.
    const probe = createKafka(principal(agency), { retry: { retries: 0 }, logLevel: 0 }).admin();
    await probe.connect();
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          await probe.fetchTopicMetadata({ topics: [topics.inbox(agency), topics.inbox(other)] });
          break;
        } catch (error) {
          if (attempt >= 50) throw error;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    } finally {
      await probe.disconnect();
    }
  }
  return created;
}

/** Publishes a signed directory to the federation's compacted directory topic. */
export async function publishDirectory(settings: KafkaSettings, topics: FederationTopics, jws: string): Promise<void> {
  const publisher = new KafkaPublisher(createKafka(settings));
  try {
    await publisher.publish([{ topic: topics.directory, key: DIRECTORY_RECORD_KEY, value: Buffer.from(jws), headers: {} }]);
  } finally {
    await publisher.close();
  }
}

export async function deleteTopics(admin: KafkaSettings, topics: FederationTopics): Promise<void> {
  const client = createKafka(admin).admin();
  await client.connect();
  try {
    const mine = (await client.listTopics()).filter((t) => t.startsWith(`${topics.prefix}.`));
    if (mine.length > 0) await client.deleteTopics({ topics: mine });
  } finally {
    await client.disconnect();
  }
}

export interface FederationOptions {
  /** The federation's name (directory, token issuer). */
  name: string;
  agencies: (string | AgencySpec)[];
  topicPrefix: string;
  kek: Uint8Array;
  admin: KafkaSettings;
  principal(agency: string): KafkaSettings;
  /** A PostgreSQL server URL; each agency's database is created on it by its node. */
  postgresUrl: string;
  inboxPartitions?: number;
  /** Agencies whose broker credentials are checked against the new ACLs (default: all; listed-only agencies may have none). */
  probed?: string[];
  /** Environment every node of this federation gets on top of its own. */
  nodeDefaults?: Record<string, string>;
}

/**
 * A private federation on a real broker and PostgreSQL: its own topic prefix (with ACLs),
 * databases, keys, signed directory and development identity provider. Tests run its nodes
 * in-process, the bench as processes (`spawnNode`); `destroy()` removes all of it.
 */
export class Federation {
  private constructor(
    readonly options: FederationOptions,
    readonly material: FederationMaterial,
    readonly topics: FederationTopics,
    readonly agencies: string[],
    private readonly tmp: string,
  ) {}

  get kek(): Uint8Array {
    return this.options.kek;
  }

  static async create(options: FederationOptions): Promise<Federation> {
    const tmp = mkdtempSync(join(tmpdir(), `${options.name}-`));
    const specs = options.agencies.map((a) => (typeof a === 'string' ? { code: a, name: a, country: a.slice(0, 2) } : a));
    const agencies = specs.map((a) => a.code);
    const material = await ensureFederationMaterial(tmp, options.name, specs, options.kek);
    const topics = federationTopics(options.topicPrefix);
    await provisionTopics(options.admin, options.principal, topics, agencies, options.inboxPartitions, options.probed);
    await publishDirectory(options.admin, topics, material.directoryJws);
    return new Federation(options, material, topics, agencies, tmp);
  }

  publishDirectory(jws: string): Promise<void> {
    return publishDirectory(this.options.admin, this.topics, jws);
  }

  databaseName(agency: string): string {
    return `${this.topics.prefix}_${agency.toLowerCase()}`;
  }

  databaseUrl(agency: string): string {
    return new URL(`/${this.databaseName(agency)}`, this.options.postgresUrl).toString();
  }

  /** The environment of `agency`'s node listening on `port`. */
  env(agency: string, port: number, extra: Record<string, string> = {}): Record<string, string> {
    const p = this.options.principal(agency);
    return nodeEnvironment(this.material, {
      agency,
      port,
      topicPrefix: this.topics.prefix,
      databaseUrl: this.databaseUrl(agency),
      kafkaBrokers: p.brokers.join(','),
      kafkaPassword: p.password,
      kek: this.kek,
      extra: { ...this.options.nodeDefaults, ...extra },
    });
  }

  token(agency: string, role: Role, subject = `${role}.${agency.toLowerCase()}@example.test`, ttlSeconds?: number): Promise<string> {
    return this.material.idp.mint({ subject, agency, roles: [role], audience: `liaison-${agency.toLowerCase()}`, ttlSeconds });
  }

  /** An API client acting as `role` of `agency` (a token minted per request) at `baseUrl`. */
  client(agency: string, role: Role | null, baseUrl: string, options: Partial<NodeClientOptions> = {}): NodeClient {
    return new NodeClient({ baseUrl, token: role ? () => this.token(agency, role) : undefined, ...options });
  }

  /** A SQL query on an agency's database as the owner (tests inspect and tamper with it). */
  async sql<T = any>(agency: string, text: string, params: unknown[] = []): Promise<T[]> {
    return runSql<T>(this.databaseUrl(agency), text, params);
  }

  /** Drops the databases and topics and deletes the material (the nodes must be stopped). */
  async destroy(): Promise<void> {
    await dropDatabases(this.options.postgresUrl, this.agencies.map((agency) => this.databaseName(agency)));
    await deleteTopics(this.options.admin, this.topics);
    rmSync(this.tmp, { recursive: true, force: true });
  }
}

export interface NodeProcess {
  agency: string;
  port: number;
  child: ChildProcess;
  pid: number;
}

export interface SpawnNodeOptions {
  agency: string;
  port: number;
  /** The repository root (holding deploy/register-paths.js and dist/). */
  root: string;
  env: Record<string, string>;
  /** The node's output is appended to this file, or written to `log` (left open: a restarted node goes on writing to it). */
  logFile: string;
  log?: Writable;
  /** Node.js options such as --cpu-prof. */
  nodeArgs?: string[];
  timeoutMs?: number;
}

/** The node's process environment (the C allocator's settings), relative to the repository root: every way of starting a node applies it. */
export const NODE_PROCESS_ENV_FILE = 'deploy/node-process.env';

/** Starts the compiled node (dist/apps/node/src/main.js) as its own process; resolves once GET /health/ready answers 200. */
export async function spawnNode(o: SpawnNodeOptions): Promise<NodeProcess> {
  const log = o.log ?? createWriteStream(o.logFile, { flags: 'a' });
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), '-r', './deploy/register-paths.js', 'dist/apps/node/src/main.js'], {
    cwd: o.root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'production', ...readEnvFile(join(o.root, NODE_PROCESS_ENV_FILE)), ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: o.log === undefined });
  child.stderr?.pipe(log, { end: o.log === undefined });
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`node ${o.agency} exited during start (code ${child.exitCode}, signal ${child.signalCode}); see ${o.logFile}`);
    try {
      if ((await fetch(`http://127.0.0.1:${o.port}/health/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`node ${o.agency} not ready after ${(o.timeoutMs ?? 60_000) / 1000} s (see ${o.logFile})`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { agency: o.agency, port: o.port, child, pid: child.pid as number };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
export function stopNodeProcess(node: NodeProcess, graceMs = 15_000): Promise<void> {
  return new Promise<void>((resolve) => {
    if (node.child.exitCode !== null || node.child.signalCode !== null) return resolve();
    const timer = setTimeout(() => node.child.kill('SIGKILL'), graceMs);
    node.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    node.child.kill('SIGTERM');
  });
}
