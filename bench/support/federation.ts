// A private federation for the benchmark on the local broker and PostgreSQL: its own topic prefix,
// ACLs, databases, keys and signed directory; nodes run as separate processes (compiled main.js)
// so that each one's CPU time and resident memory can be read from /proc.
import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Client } from 'pg';
import { EnvReader } from '@liaison/config';
import { createKafka, federationTopics, FederationTopics, kafkaSettingsFromEnv, KafkaPublisher, KafkaSettings, provisionFederation } from '@liaison/transport';
import { ensureFederationMaterial, FederationMaterial, nodeEnvironment } from '../../apps/cli/src/federation-material';

export const ROOT = join(__dirname, '..', '..', '..');
const STATE = process.env.LIAISON_STATE ?? join(ROOT, '.local');
const PG = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function localSecrets(): Record<string, string> {
  const text = readFileSync(join(STATE, 'secrets.env'), 'utf8');
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).replace(/^"|"$/g, '')]),
  );
}

export function principal(name: string): KafkaSettings {
  const s = localSecrets();
  const password = name === s.KAFKA_ADMIN_USER ? s.KAFKA_ADMIN_PASSWORD : s[`KAFKA_PASSWORD_${name}`];
  return kafkaSettingsFromEnv(new EnvReader({ KAFKA_USERNAME: name, KAFKA_PASSWORD: password ?? 'none' }), `liaison-bench-${name}`);
}

export const adminSettings = (): KafkaSettings => principal(localSecrets().KAFKA_ADMIN_USER);

export interface NodeProcess {
  agency: string;
  port: number;
  child: ChildProcess;
  pid: number;
}

export class BenchFederation {
  readonly nodes = new Map<string, NodeProcess>();

  private constructor(
    readonly material: FederationMaterial,
    readonly topics: FederationTopics,
    readonly agencies: string[],
    private readonly kek: Uint8Array,
    private readonly tmp: string,
    private readonly logDir: string,
  ) {}

  static async create(agencies: string[], logDir: string): Promise<BenchFederation> {
    const tmp = mkdtempSync(join(tmpdir(), 'liaison-bench-'));
    const kek = Uint8Array.from(Buffer.from(localSecrets().LIAISON_KEY_ENCRYPTION_KEY, 'hex'));
    const material = await ensureFederationMaterial(
      tmp,
      'liaison-bench',
      agencies.map((code) => ({ code, name: `Bench agency ${code}`, country: code })),
      kek,
    );
    const topics = federationTopics(`bench${randomBytes(3).toString('hex')}`);
    const admin = createKafka(adminSettings()).admin();
    await admin.connect();
    try {
      await provisionFederation(admin, { topics, agencies, inboxPartitions: 3 });
    } finally {
      await admin.disconnect();
    }
    const publisher = new KafkaPublisher(createKafka(adminSettings()));
    await publisher.publish([{ topic: topics.directory, key: 'directory', value: Buffer.from(material.directoryJws), headers: {} }]);
    await publisher.close();
    mkdirSync(logDir, { recursive: true });
    return new BenchFederation(material, topics, agencies, kek, tmp, logDir);
  }

  databaseName(agency: string): string {
    return `${this.topics.prefix}_${agency.toLowerCase()}`;
  }

  /** Starts the compiled node as its own process; `nodeArgs` may add --cpu-prof. */
  async start(agency: string, port: number, nodeArgs: string[] = []): Promise<NodeProcess> {
    const p = principal(agency);
    const env = nodeEnvironment(this.material, {
      agency,
      port,
      topicPrefix: this.topics.prefix,
      databaseUrl: new URL(`/${this.databaseName(agency)}`, PG).toString(),
      kafkaBrokers: p.brokers.join(','),
      kafkaPassword: p.password,
      kek: this.kek,
    });
    const log = createWriteStream(join(this.logDir, `${agency}.log`));
    const child = spawn(process.execPath, [...nodeArgs, '-r', './deploy/register-paths.js', 'dist/apps/node/src/main.js'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'production', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const node = { agency, port, child, pid: child.pid as number };
    this.nodes.set(agency, node);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`node ${agency} exited during start (see ${join(this.logDir, `${agency}.log`)})`);
      try {
        const r = await fetch(`http://127.0.0.1:${port}/health/ready`);
        if (r.ok) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error(`node ${agency} not ready after 60 s`);
      await new Promise((r) => setTimeout(r, 250));
    }
    return node;
  }

  token(agency: string, role: 'operator' | 'auditor' | 'admin' | 'liaison_officer'): Promise<string> {
    return this.material.idp.mint({ subject: `bench.${role}@${agency.toLowerCase()}`, agency, roles: [role], audience: `liaison-${agency.toLowerCase()}`, ttlSeconds: 3 * 3600 });
  }

  async sql<T = any>(agency: string, text: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: new URL(`/${this.databaseName(agency)}`, PG).toString() });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async stopNodes(): Promise<void> {
    await Promise.all(
      [...this.nodes.values()].map(
        (n) =>
          new Promise<void>((resolve) => {
            if (n.child.exitCode !== null) return resolve();
            const timer = setTimeout(() => n.child.kill('SIGKILL'), 15_000);
            n.child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            n.child.kill('SIGTERM');
          }),
      ),
    );
    this.nodes.clear();
  }

  async destroy(): Promise<void> {
    await this.stopNodes();
    const client = new Client({ connectionString: PG });
    await client.connect();
    try {
      for (const agency of this.agencies) {
        await client.query(`DROP DATABASE IF EXISTS "${this.databaseName(agency)}" WITH (FORCE)`);
        await client.query(`DROP ROLE IF EXISTS "${this.databaseName(agency)}_app"`);
      }
    } finally {
      await client.end();
    }
    const admin = createKafka(adminSettings()).admin();
    await admin.connect();
    try {
      const mine = (await admin.listTopics()).filter((t) => t.startsWith(`${this.topics.prefix}.`));
      if (mine.length) await admin.deleteTopics({ topics: mine });
    } finally {
      await admin.disconnect();
    }
    rmSync(this.tmp, { recursive: true, force: true });
  }
}
