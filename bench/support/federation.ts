// A private federation for the benchmark (the shared harness, @liaison/federation) on the local
// broker and PostgreSQL: its own topic prefix, ACLs, databases, keys and signed directory; nodes
// run as separate processes (compiled main.js) so that each one's CPU time and resident memory
// can be read from /proc.
import { randomBytes } from 'crypto';
import { mkdirSync } from 'fs';
import { join } from 'path';
import { Role } from '@liaison/auth';
import { KafkaSettings } from '@liaison/transport';
import { Federation, FederationMaterial, NodeProcess, principalFromSecrets, readEnvFile, spawnNode, stopNodeProcess } from '@liaison/federation';

export const ROOT = join(__dirname, '..', '..', '..');
export const STATE = process.env.LIAISON_STATE ?? join(ROOT, '.local');
export const PG = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const localSecrets = (): Record<string, string> => readEnvFile(join(STATE, 'secrets.env'));

export const principal = (name: string): KafkaSettings => principalFromSecrets(localSecrets(), name, `liaison-bench-${name}`);

export const adminSettings = (): KafkaSettings => principal(localSecrets().KAFKA_ADMIN_USER);

export class BenchFederation {
  readonly nodes = new Map<string, NodeProcess>();

  private constructor(
    private readonly harness: Federation,
    private readonly logDir: string,
  ) {}

  get material(): FederationMaterial {
    return this.harness.material;
  }

  get topics() {
    return this.harness.topics;
  }

  databaseName(agency: string): string {
    return this.harness.databaseName(agency);
  }

  databaseUrl(agency: string): string {
    return this.harness.databaseUrl(agency);
  }

  static async create(agencies: string[], logDir: string): Promise<BenchFederation> {
    const harness = await Federation.create({
      name: 'liaison-bench',
      agencies: agencies.map((code) => ({ code, name: `Bench agency ${code}`, country: code })),
      topicPrefix: `bench${randomBytes(3).toString('hex')}`,
      kek: Uint8Array.from(Buffer.from(localSecrets().LIAISON_KEY_ENCRYPTION_KEY, 'hex')),
      admin: adminSettings(),
      principal,
      // Agencies listed only as recipients (envelope sizes) have no broker credentials.
      probed: agencies.filter((a) => localSecrets()[`KAFKA_PASSWORD_${a}`] !== undefined),
      postgresUrl: PG,
    });
    mkdirSync(logDir, { recursive: true });
    return new BenchFederation(harness, logDir);
  }

  /** Starts the compiled node as its own process; `nodeArgs` may add --cpu-prof. */
  async start(agency: string, port: number, nodeArgs: string[] = []): Promise<NodeProcess> {
    const node = await spawnNode({ agency, port, root: ROOT, env: this.harness.env(agency, port), logFile: join(this.logDir, `${agency}.log`), nodeArgs });
    this.nodes.set(agency, node);
    return node;
  }

  token(agency: string, role: Role): Promise<string> {
    return this.harness.token(agency, role, `bench.${role}@${agency.toLowerCase()}`, 3 * 3600);
  }

  sql<T = any>(agency: string, text: string, params: unknown[] = []): Promise<T[]> {
    return this.harness.sql<T>(agency, text, params);
  }

  async stopNodes(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((n) => stopNodeProcess(n)));
    this.nodes.clear();
  }

  async destroy(): Promise<void> {
    await this.stopNodes();
    await this.harness.destroy();
  }
}
