// What the pipeline benchmark counts besides its processes' CPU: PostgreSQL's processes, the
// statements each node sends, PostgreSQL's transaction and row counters per database, and the
// floor (what the same notices cost at the least: their envelope crypto, raw Kafka messages and
// plain batched inserts), measured in the same run. See docs/decisions/0020-*.md.
import { randomBytes } from 'crypto';
import { get } from 'http';
import { Client } from 'pg';
import { makeClaims, makeFederation, makeOpener, makeSealer } from '../../libs/envelope/src/testing/fixtures';
import { cpuSeconds, ProcessGroup, round } from './measure';

/** One connection to the server's `postgres` database for the server-wide views. */
export class PostgresServer {
  private constructor(private readonly client: Client) {}

  static async connect(url: string): Promise<PostgresServer> {
    const u = new URL(url);
    u.pathname = '/postgres';
    const client = new Client({ connectionString: u.toString(), application_name: 'liaison-bench' });
    await client.connect();
    return new PostgresServer(client);
  }

  query<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return this.client.query(text, params).then((r) => r.rows as T[]);
  }

  /**
   * The backends serving the nodes (their pools, application_name liaison-node-*) on the bench's
   * databases; `background`: the server's own processes (WAL writer, checkpointer, autovacuum…),
   * shared with anything else the server runs.
   */
  backends(kind: 'nodes' | 'background', databases: string[] = []): ProcessGroup {
    let pids: number[] = [];
    const [sql, params] =
      kind === 'nodes'
        ? [`SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND datname = ANY($1) AND application_name LIKE 'liaison-node-%'`, [databases]]
        : [`SELECT pid FROM pg_stat_activity WHERE backend_type <> 'client backend'`, []];
    return {
      pids: () => pids,
      refresh: async () => {
        pids = (await this.query<{ pid: number }>(sql, params)).map((r) => r.pid);
      },
    };
  }

  /** Committed transactions and rows written so far in `database` (the statistics lag by up to a second or so). */
  async counters(database: string): Promise<DatabaseCounters> {
    const [row] = await this.query<DatabaseCounters>(
      `SELECT xact_commit::float8 AS commits, xact_rollback::float8 AS rollbacks, tup_inserted::float8 AS inserted, tup_updated::float8 AS updated, tup_deleted::float8 AS deleted
       FROM pg_stat_database WHERE datname = $1`,
      [database],
    );
    return row ?? { commits: 0, rollbacks: 0, inserted: 0, updated: 0, deleted: 0 };
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

export interface DatabaseCounters {
  commits: number;
  rollbacks: number;
  inserted: number;
  updated: number;
  deleted: number;
}

export const countersDelta = (a: DatabaseCounters, b: DatabaseCounters): DatabaseCounters => ({
  commits: b.commits - a.commits,
  rollbacks: b.rollbacks - a.rollbacks,
  inserted: b.inserted - a.inserted,
  updated: b.updated - a.updated,
  deleted: b.deleted - a.deleted,
});

/** `liaison_db_statements_total` of a node (its /metrics; the scrape itself adds a handful). */
export function statementsSent(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        const m = /^liaison_db_statements_total (\d+)/m.exec(text);
        if (m) resolve(Number(m[1]));
        else reject(new Error(`node on port ${port}: no liaison_db_statements_total in /metrics`));
      });
    }).on('error', reject);
  });
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * The envelope crypto of one notice to one recipient, in this process, one at a time: the sender
 * seals it and the recipient opens it (msPerNotice); the recipient seals a receipt and the sender
 * opens it (msPerReceipt: a receipt covers a whole inbox batch, so a phase pays it per receipt).
 */
export async function cryptoPerNotice(bodyBytes: number, rounds = 400): Promise<{ msPerNotice: number; msPerReceipt: number; rounds: number }> {
  const at = new Date('2026-06-01T12:00:00Z');
  const fed = await makeFederation(2);
  const sealer = [makeSealer(fed, 0, at), makeSealer(fed, 1, at)];
  const opener = [makeOpener(fed, 0, at), makeOpener(fed, 1, at)];
  const notice = async () => {
    const sealed = await sealer[0].seal(makeClaims('AG0', ['AG1'], at, bodyBytes));
    const opened = await opener[1].open(sealed.value, sealed.headersFor('AG1'));
    if (!opened.ok) throw new Error(`floor: notice refused (${opened.code})`);
  };
  const receipt = async () => {
    const sealed = await sealer[1].seal({ ...makeClaims('AG1', ['AG0'], at, 40), kind: 'receipt', re: makeClaims('AG0', ['AG1'], at, 1).jti });
    const back = await opener[0].open(sealed.value, sealed.headersFor('AG0'));
    if (!back.ok) throw new Error(`floor: receipt refused (${back.code})`);
  };
  const measure = async (once: () => Promise<void>) => {
    for (let i = 0; i < 50; i++) await once(); // warm-up
    const start = cpuMs();
    for (let i = 0; i < rounds; i++) await once();
    return round((cpuMs() - start) / rounds, 3);
  };
  return { msPerNotice: await measure(notice), msPerReceipt: await measure(receipt), rounds };
}

/** CPU of this process and of `pid` (the broker) while `work` runs, in ms. */
export async function cpuDuring<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; selfMs: number; pidMs: number }> {
  const self = cpuMs();
  const other = cpuSeconds(pid) ?? 0;
  const result = await work();
  return { result, selfMs: cpuMs() - self, pidMs: ((cpuSeconds(pid) ?? 0) - other) * 1000 };
}

/**
 * PostgreSQL's CPU per row for a plain batched insert (multi-row INSERT, one transaction per
 * batch) of envelope-sized rows into a table shaped like the outbox, in `databaseUrl`: the
 * backend's CPU plus the server's background processes (WAL writer…) while it runs.
 */
export async function insertFloor(
  server: PostgresServer,
  databaseUrl: string,
  valueBytes: number,
  rows = 20_000,
  batch = 200,
): Promise<{ msPerRow: number; backendMs: number; backgroundMs: number; rows: number }> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'liaison-bench-floor' });
  await client.connect();
  const background = server.backends('background');
  try {
    await client.query('CREATE TABLE bench_floor (id bigserial PRIMARY KEY, topic text NOT NULL, key text NOT NULL, value bytea NOT NULL, headers jsonb NOT NULL, created_at timestamptz NOT NULL)');
    const [{ pid }] = (await client.query('SELECT pg_backend_pid() AS pid')).rows as { pid: number }[];
    const value = randomBytes(valueBytes);
    const headers = JSON.stringify({ 'liaison-message-id': '0190f1e2-0000-7000-8000-000000000000', 'liaison-sender': 'NL', 'liaison-recipient': 'ES', 'liaison-digest': randomBytes(32).toString('hex') });
    const statement = `INSERT INTO bench_floor (topic, key, value, headers, created_at) VALUES ${Array.from({ length: batch }, (_, i) => `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5})`).join(', ')}`;
    const params = Array.from({ length: batch }, (_, i) => ['bench.inbox.ES', `key-${i}`, value, headers, new Date()]).flat();
    await background.refresh?.();
    const bgPids = background.pids();
    const before = { backend: cpuSeconds(pid) ?? 0, background: bgPids.map((p) => cpuSeconds(p) ?? 0) };
    for (let done = 0; done < rows; done += batch) {
      await client.query('BEGIN');
      await client.query(statement, params);
      await client.query('COMMIT');
    }
    const backendMs = ((cpuSeconds(pid) ?? 0) - before.backend) * 1000;
    const backgroundMs = bgPids.reduce((sum, p, i) => sum + ((cpuSeconds(p) ?? before.background[i]) - before.background[i]) * 1000, 0);
    return { msPerRow: round((backendMs + backgroundMs) / rows, 4), backendMs: round(backendMs), backgroundMs: round(backgroundMs), rows };
  } finally {
    await client.query('DROP TABLE IF EXISTS bench_floor').catch(() => undefined);
    await client.end();
  }
}
