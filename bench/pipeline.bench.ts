// End-to-end benchmark (not a test): `npm run bench` (bench/run.sh builds, starts or reuses the
// broker, then runs dist/bench/pipeline.bench.js). A private federation (own topics, databases,
// keys) on the local broker and PostgreSQL; NL, ES and CO run as separate node processes.
//  1. raw transport: kafkajs produce + consume of envelope-sized messages, acks=all (the ceiling);
//  2. pipeline, 1 recipient (NL → ES): 150 and 1,000 notices/s offered, saturation (closed loop),
//     and saturation through POST /notices/batch (BENCH_BATCH notices per request, default 50);
//  3. the same with 5 recipients (ES, CO running; DE, PT, SE listed but without a node);
//  4. attachments (bench/support/attachment-phase.ts): DE's node starts, raw kafkajs with chunk
//     messages, then a 50 MiB file NL → ES and NL → ES, CO, DE with small notices running.
// Latency: API answered 201 → the `received` entry in the recipient's ledger (ledger_entry.time).
// Accounting (decision 0020): CPU per delivered notice of every process (the nodes, the broker,
// PostgreSQL's backends and background processes, this load generator), statements per notice
// of each node, the idle CPU of nodes without traffic, and the floor measured in the same run.
// Env: BENCH_SECONDS (default 15) per phase, BENCH_CONCURRENCY (default 256) for saturation, BENCH_BATCH,
//      BENCH_IDLE_SECONDS (default 20) for the idle measurement, BENCH_ONLY=idle to stop after it,
//      BENCH_PROFILE=1 starts the nodes with --cpu-prof (profiles in bench/results/profiles),
//      BENCH_ATTACH=0 skips the attachment phase, BENCH_ONLY=attach runs it alone (after a warm-up).
import 'reflect-metadata';
import { randomBytes } from 'crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { Agent, request } from 'http';
import { cpus, totalmem } from 'os';
import { join } from 'path';
import { AgencyKeyring, EnvelopeSealer, openPrivateKeys } from '@liaison/envelope';
import { uuidv7 } from '@liaison/ids';
import { cpuDuring, countersDelta, cryptoPerNotice, DatabaseCounters, insertFloor, PostgresServer, statementsSent } from './support/accounting';
import { BenchFederation, localSecrets, PG, ROOT, STATE } from './support/federation';
import { rawTransport as rawKafka, RawResult } from './support/raw-transport';
import { onePid, ProcessGroup, ProcessSampler, ProcessUsage, Progress, memory, round } from './support/measure';
import { attachmentPhase } from './support/attachment-phase';
import {
  Accounting,
  AttachmentResult,
  attachmentReport,
  attachmentTargets,
  BenchResult,
  Floor,
  IdleResult,
  latencySvg,
  markdown,
  PhaseResult,
  SmallNotices,
  summarise,
} from './support/report';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 256);
/** The batch-send phase: this many clients, each posting BENCH_BATCH notices per request (POST /notices/batch). */
const BATCH_SIZE = Number(process.env.BENCH_BATCH ?? 50);
const BATCH_CLIENTS = Math.max(1, Math.round(CONCURRENCY / BATCH_SIZE));
const PROFILE = process.env.BENCH_PROFILE === '1';
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 20);
const ONLY_IDLE = process.env.BENCH_ONLY === 'idle';
/** BENCH_ATTACH=0 skips the attachment phase; BENCH_ONLY=attach runs it alone. */
const ATTACH = process.env.BENCH_ATTACH !== '0';
const ONLY_ATTACH = process.env.BENCH_ONLY === 'attach';
const NODES = ['NL', 'ES', 'CO'];
const RESULTS = join(ROOT, 'bench', 'results');
const AGENCIES = ['NL', 'ES', 'CO', 'DE', 'PT', 'SE'];
// Below Linux's ephemeral range (32768–60999), where an outgoing connection could hold the port.
const PORTS: Record<string, number> = { NL: 23101, ES: 23102, CO: 23103, DE: 23104 };
const DRAIN_STALL_MS = 30_000;

const progress = new Progress();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const body = {
  names: { family: 'Janssen', given: 'Pieter' },
  date_of_birth: '1980-04-12',
  nationality: 'NL',
  reason: 'Suspected document fraud at Schiphol; '.repeat(20).trim(),
  legal_basis: 'EU Directive 2023/977 Art. 4',
  case_reference: 'NL-2026-0042',
};
const notice = (recipients: string[]) => ({
    kind: 'identity-query',
    recipients,
    handling: { code: 'H0' },
    grades: { source: 'B', information: 2 },
    priority: 'urgent',
    expiresAt: new Date(Date.now() + 14 * 24 * 3600 * 1000).toISOString(),
    body,
  });
const noticeJson = (recipients: string[]) => JSON.stringify(notice(recipients));

/** Keep-alive HTTP client posting notices to NL. */
class Api {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  constructor(
    private readonly port: number,
    private readonly token: string,
  ) {}

  /** POST /notices: the id of the sent notice, or null. */
  async post(payload: string): Promise<{ status: number; id: string | null; at: number }> {
    const r = await this.send('/notices', payload);
    return { status: r.status, id: r.status === 201 ? (r.json as { id?: string } | null)?.id ?? null : null, at: r.at };
  }

  /** POST /notices/batch: the ids of the notices it sent (the others count as errors). */
  async postBatch(payload: string): Promise<{ ids: string[]; at: number }> {
    const r = await this.send('/notices/batch', payload);
    const results = r.status === 200 ? ((r.json as { results?: { id?: string }[] } | null)?.results ?? []) : [];
    return { ids: results.flatMap((x) => (x.id ? [x.id] : [])), at: r.at };
  }

  private send(path: string, payload: string): Promise<{ status: number; json: unknown; at: number }> {
    return new Promise((resolve) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.port,
          path,
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), authorization: `Bearer ${this.token}` },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const at = Date.now();
            let json: unknown = null;
            try {
              json = JSON.parse(Buffer.concat(chunks).toString());
            } catch {
              /* no id: counted as an error by the caller */
            }
            resolve({ status: res.statusCode ?? 0, json, at });
          });
        },
      );
      req.on('error', () => resolve({ status: 0, json: null, at: Date.now() }));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

interface Sent {
  id: string;
  at: number;
}

/** `rate` notices a second for `seconds`, or until `seconds()` says done. */
async function offered(api: Api, recipients: string[], rate: number, seconds: number | (() => boolean), label: string): Promise<{ sent: Sent[]; errors: number; attempts: number; elapsed: number }> {
  const sent: Sent[] = [];
  let errors = 0;
  let attempts = 0;
  const total = typeof seconds === 'number' ? Math.round(rate * seconds) : Infinity;
  const done = typeof seconds === 'number' ? () => attempts >= total : seconds;
  const start = Date.now();
  const inflight = new Set<Promise<void>>();
  while (!done()) {
    const due = Math.min(total, Math.floor(((Date.now() - start) / 1000) * rate));
    while (attempts < due) {
      attempts++;
      const p = api.post(noticeJson(recipients)).then((r) => {
        if (r.id) sent.push({ id: r.id, at: r.at });
        else errors++;
      });
      inflight.add(p);
      void p.then(() => inflight.delete(p));
    }
    progress.update(label, Number.isFinite(total) ? attempts / total : 0.5, `${attempts} sent, ${inflight.size} in flight`);
    await sleep(2);
  }
  await Promise.all(inflight);
  return { sent, errors, attempts, elapsed: (Date.now() - start) / 1000 };
}

type Run = { sent: Sent[]; errors: number; attempts: number; elapsed: number };

/** A closed loop: `clients` clients, each sending `size` notices per request with `send`, until `seconds` have passed. */
async function closedLoop(clients: number, size: number, seconds: number, label: string, send: () => Promise<{ ids: string[]; at: number }>): Promise<Run> {
  const sent: Sent[] = [];
  let errors = 0;
  let attempts = 0;
  const start = Date.now();
  const end = start + seconds * 1000;
  const timer = setInterval(() => progress.update(label, (Date.now() - start) / (seconds * 1000), `${sent.length} accepted`), 250);
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < end) {
        attempts += size;
        const r = await send();
        for (const id of r.ids) sent.push({ id, at: r.at });
        errors += size - r.ids.length;
      }
    }),
  );
  clearInterval(timer);
  return { sent, errors, attempts, elapsed: (Date.now() - start) / 1000 };
}

/** Closed loop of single sends: CONCURRENCY clients. */
function saturate(api: Api, recipients: string[], seconds: number, label: string): Promise<Run> {
  return closedLoop(CONCURRENCY, 1, seconds, label, async () => {
    const r = await api.post(noticeJson(recipients));
    return { ids: r.id ? [r.id] : [], at: r.at };
  });
}

/** Closed loop of batch sends: BATCH_CLIENTS clients, each posting BATCH_SIZE notices per request. */
function saturateBatches(api: Api, recipients: string[], seconds: number, label: string): Promise<Run> {
  return closedLoop(BATCH_CLIENTS, BATCH_SIZE, seconds, label, () =>
    api.postBatch(`{"notices":[${Array.from({ length: BATCH_SIZE }, () => noticeJson(recipients)).join(',')}]}`),
  );
}

/** Waits until every recipient's ledger holds a `received` entry for each id; returns the times (ms). */
async function deliveries(fed: BenchFederation, recipients: string[], ids: string[], label: string): Promise<Map<string, number>[]> {
  const out: Map<string, number>[] = [];
  for (const agency of recipients) {
    const times = new Map<string, number>();
    let lastProgress = Date.now();
    let lastCount = -1;
    for (;;) {
      const rows = await fed.sql<{ message_id: string; t: number }>(
        agency,
        `SELECT message_id, (extract(epoch FROM time) * 1000)::float8 AS t FROM ledger_entry WHERE event = 'received' AND kind = 'identity-query' AND message_id = ANY($1)`,
        [ids],
      );
      for (const r of rows) times.set(r.message_id, r.t);
      progress.update(`${label}: ${agency} ledger`, times.size / ids.length, `${times.size}/${ids.length} recorded`);
      if (times.size === ids.length) break;
      if (times.size !== lastCount) {
        lastCount = times.size;
        lastProgress = Date.now();
      } else if (Date.now() - lastProgress > DRAIN_STALL_MS) {
        progress.done(`  ${agency}: no progress for ${DRAIN_STALL_MS / 1000} s, ${ids.length - times.size} notices not recorded`);
        break;
      }
      await sleep(500);
    }
    out.push(times);
  }
  return out;
}

/** What the nodes and their databases did in a window: statements each node sent, PostgreSQL's counters per database. */
class WorkCounters {
  private statements = new Map<string, number>();
  private database = new Map<string, DatabaseCounters>();

  constructor(
    private readonly fed: BenchFederation,
    private readonly server: PostgresServer,
  ) {}

  private async read(): Promise<{ statements: Map<string, number>; database: Map<string, DatabaseCounters> }> {
    const statements = new Map<string, number>();
    const database = new Map<string, DatabaseCounters>();
    for (const agency of NODES) {
      statements.set(agency, await statementsSent(PORTS[agency]));
      database.set(agency, await this.server.counters(this.fed.databaseName(agency)));
    }
    return { statements, database };
  }

  async begin(): Promise<void> {
    ({ statements: this.statements, database: this.database } = await this.read());
  }

  async end(): Promise<{ statements: Record<string, number>; database: Record<string, DatabaseCounters> }> {
    const now = await this.read();
    return {
      statements: Object.fromEntries(NODES.map((a) => [a, (now.statements.get(a) ?? 0) - (this.statements.get(a) ?? 0)])),
      database: Object.fromEntries(NODES.map((a) => [a, countersDelta(this.database.get(a) as DatabaseCounters, now.database.get(a) as DatabaseCounters)])),
    };
  }
}

const PIPELINE_GROUPS = (name: string) => name.startsWith('node ') || name === 'broker' || name.startsWith('PostgreSQL');

/** CPU and work per delivered notice, and the floor for the same notices (1 recipient only: the floor is per recipient). */
function account(
  notices: number,
  recipients: number,
  processes: Record<string, ProcessUsage>,
  work: { statements: Record<string, number>; database: Record<string, DatabaseCounters> },
  floor: Floor,
  receipts: number,
): Accounting {
  const per = (v: number) => round(v / Math.max(1, notices), 3);
  const cpuMsPerNotice = Object.fromEntries(Object.entries(processes).map(([k, v]) => [k, per(v.cpuSeconds * 1000)]));
  const pipelineMsPerNotice = round(Object.entries(cpuMsPerNotice).filter(([k]) => PIPELINE_GROUPS(k)).reduce((sum, [, v]) => sum + v, 0), 3);
  const rowsPerNotice = per(['NL', 'ES'].reduce((sum, a) => sum + work.database[a].inserted, 0));
  const receiptsPerNotice = recipients === 1 ? round(receipts / Math.max(1, notices), 3) : null;
  const perMessage = floor.transport.brokerMsPerMessage + floor.transport.clientMsPerMessage;
  const floorMsPerNotice =
    receiptsPerNotice === null
      ? null
      : round(floor.cryptoMsPerNotice + receiptsPerNotice * floor.cryptoMsPerReceipt + (1 + receiptsPerNotice) * perMessage + rowsPerNotice * floor.insert.msPerRow, 3);
  return {
    cpuMsPerNotice,
    pipelineMsPerNotice,
    receiptsPerNotice,
    floorMsPerNotice,
    ratioToFloor: floorMsPerNotice === null ? null : round(pipelineMsPerNotice / floorMsPerNotice, 1),
    statementsPerNotice: Object.fromEntries(Object.entries(work.statements).map(([k, v]) => [k, per(v)])),
    commitsPerNotice: Object.fromEntries(Object.entries(work.database).map(([k, v]) => [k, per(v.commits)])),
    rowsInsertedPerNotice: Object.fromEntries(Object.entries(work.database).map(([k, v]) => [k, per(v.inserted)])),
  };
}

async function pipelinePhase(
  fed: BenchFederation,
  api: Api,
  sampler: ProcessSampler,
  counters: WorkCounters,
  floor: Floor,
  spec: { name: string; recipients: string[]; measured: string[]; mode: 'fixed' | 'saturation' | 'batches'; rate?: number },
): Promise<PhaseResult> {
  await counters.begin();
  await sampler.begin();
  const startedAt = new Date();
  const run =
    spec.mode === 'fixed'
      ? await offered(api, spec.recipients, spec.rate as number, SECONDS, spec.name)
      : spec.mode === 'batches'
        ? await saturateBatches(api, spec.recipients, SECONDS, spec.name)
        : await saturate(api, spec.recipients, SECONDS, spec.name);
  const ids = run.sent.map((s) => s.id);
  const delivered = await deliveries(fed, spec.measured, ids, spec.name);
  const processes = sampler.end();
  // Receipts the (first) recipient sent in the phase: one per inbox batch and sender (PROTOCOL.md §2).
  const [{ receipts }] = await fed.sql<{ receipts: number }>(
    spec.measured[0],
    `SELECT count(*)::int AS receipts FROM ledger_entry WHERE event = 'sent' AND kind = 'receipt' AND time >= $1`,
    [startedAt],
  );
  const work = await counters.end();
  const latencies: number[] = [];
  let lastRecorded = 0;
  let recorded = 0;
  for (const times of delivered) {
    for (const s of run.sent) {
      const t = times.get(s.id);
      if (t === undefined) continue;
      recorded++;
      latencies.push(Math.max(0, t - s.at));
      lastRecorded = Math.max(lastRecorded, t);
    }
  }
  const firstAccepted = Math.min(...run.sent.map((s) => s.at));
  const { summary, curve } = summarise(latencies);
  const deliveredNotices = Math.min(...delivered.map((m) => m.size));
  const result: PhaseResult = {
    name: spec.name,
    recipients: spec.recipients.length,
    mode: spec.mode,
    offeredPerSecond: spec.rate ?? null,
    seconds: round(run.elapsed, 1),
    sent: run.attempts,
    accepted: run.sent.length,
    apiErrors: run.errors,
    delivered: deliveredNotices,
    acceptedPerSecond: round(run.sent.length / run.elapsed),
    deliveredPerSecond: round(deliveredNotices / Math.max(0.001, (lastRecorded - firstAccepted) / 1000)),
    latencyMs: summary,
    curve,
    processes,
    accounting: account(deliveredNotices, spec.recipients.length, processes, work, floor, receipts),
  };
  progress.done(
    `${spec.name}: accepted ${result.acceptedPerSecond}/s, delivered ${result.deliveredPerSecond}/s (${recorded} deliveries), p50 ${summary.p50} ms, p95 ${summary.p95} ms, p99 ${summary.p99} ms, API errors ${run.errors}; ` +
      `CPU ${result.accounting.pipelineMsPerNotice} ms/notice${result.accounting.ratioToFloor === null ? '' : ` (${result.accounting.ratioToFloor} × the floor)`}`,
  );
  return result;
}

/** The attachment phase's small-notice load: NL → ES at `rate`/s until `done()`, each notice's latency once recorded. */
async function smallNotices(fed: BenchFederation, api: Api, rate: number, done: () => boolean, label: string): Promise<SmallNotices> {
  const run = await offered(api, ['ES'], rate, done, label);
  const [times] = await deliveries(fed, ['ES'], run.sent.map((s) => s.id), label);
  const latencies = run.sent.flatMap((s) => (times.has(s.id) ? [Math.max(0, (times.get(s.id) as number) - s.at)] : []));
  return { rate, sent: run.attempts, accepted: run.sent.length, delivered: times.size, latencyMs: summarise(latencies).summary };
}

/** The attachment phase (bench/support/attachment-phase.ts): DE's node joins as the third recipient. */
async function attachments(fed: BenchFederation, api: Api, pids: Map<string, number>, server: PostgresServer, nodeArgs: string[]): Promise<AttachmentResult> {
  progress.update('starting node DE (attachments)', 0.5);
  const de = await fed.start('DE', PORTS.DE, nodeArgs);
  const groups = new Map<string, ProcessGroup>([...pids, ['node DE', de.pid] as const].map(([k, pid]) => [k, onePid(pid)]));
  groups.set('PostgreSQL backends', server.backends('nodes', [...NODES, 'DE'].map((a) => fed.databaseName(a))));
  groups.set('PostgreSQL background', server.backends('background'));
  groups.set('load generator', onePid(process.pid));
  progress.done(`node DE running (pid ${de.pid})`);
  return attachmentPhase({ fed, ports: PORTS, groups, notice, smallNotices: (rate, done, label) => smallNotices(fed, api, rate, done, label), progress });
}

/** Warm-up: JIT, connection pools, consumer group joins. */
async function warmUp(fed: BenchFederation, api: Api): Promise<void> {
  const warm = await offered(api, ['ES', 'CO'], 200, 3, 'warm-up');
  await deliveries(fed, ['ES', 'CO'], warm.sent.map((s) => s.id), 'warm-up');
  progress.done(`warm-up: ${warm.sent.length} notices delivered`);
}

const machine = (): BenchResult['machine'] => ({
  cpus: cpus().length,
  model: cpus()[0]?.model ?? 'unknown',
  memoryGiB: round(totalmem() / 2 ** 30, 1),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  note: 'Broker, PostgreSQL, the nodes and this load generator share the machine.',
});

/** The nodes with no traffic: CPU of every process and statements per second, after `settle` seconds. */
async function idle(sampler: ProcessSampler, counters: WorkCounters, settleSeconds: number): Promise<IdleResult> {
  for (let s = 0; s < settleSeconds; s++) {
    progress.update('idle: settling', s / settleSeconds);
    await sleep(1000);
  }
  await counters.begin();
  await sampler.begin();
  const start = Date.now();
  while (Date.now() - start < IDLE_SECONDS * 1000) {
    progress.update('idle: no traffic', (Date.now() - start) / (IDLE_SECONDS * 1000));
    await sleep(500);
  }
  const processes = sampler.end();
  const work = await counters.end();
  const seconds = (Date.now() - start) / 1000;
  const result: IdleResult = {
    seconds: round(seconds, 1),
    processes,
    statementsPerSecond: Object.fromEntries(Object.entries(work.statements).map(([k, v]) => [k, round(v / seconds, 2)])),
    commitsPerSecond: Object.fromEntries(Object.entries(work.database).map(([k, v]) => [k, round(v.commits / seconds, 2)])),
  };
  progress.done(
    `idle ${result.seconds} s: ${Object.entries(processes).map(([k, v]) => `${k} ${v.cpuPercent} %`).join(', ')}; statements/s ${Object.entries(result.statementsPerSecond).map(([k, v]) => `${k} ${v}`).join(', ')}`,
  );
  return result;
}

/** kafkajs alone on the same broker: envelope-sized values with the four envelope headers, 3 partitions, acks=all. */
async function rawTransport(prefix: string, bytes: number): Promise<RawResult> {
  const raw = await rawKafka(
    {
      label: 'raw transport (kafkajs)',
      topics: [`${prefix}.bench-raw`],
      partitions: 3,
      value: randomBytes(Math.ceil(bytes * 0.75)).toString('base64').slice(0, bytes),
      message: () => {
        const id = uuidv7();
        return { key: id, headers: { 'liaison-message-id': id, 'liaison-sender': 'NL', 'liaison-recipient': 'ES', 'liaison-digest': randomBytes(32).toString('hex') } };
      },
      batch: 500,
      inFlight: 4,
      seconds: SECONDS,
    },
    progress,
  );
  progress.done(`raw transport: produced ${raw.producedPerSecond}/s, produced+consumed ${raw.endToEndPerSecond}/s (${bytes}-byte values)`);
  return raw;
}

async function envelopeSizes(fed: BenchFederation): Promise<{ oneRecipient: number; fiveRecipients: number }> {
  const keys = await openPrivateKeys(readFileSync(fed.material.keyFile('NL'), 'utf8'), { kek: Uint8Array.from(Buffer.from(localSecrets().LIAISON_KEY_ENCRYPTION_KEY, 'hex')) });
  const sealer = new EnvelopeSealer(await AgencyKeyring.import(keys), () => fed.material.directory);
  const size = async (aud: string[]) => {
    const iat = Math.floor(Date.now() / 1000);
    const sealed = await sealer.seal({
      iss: 'NL', aud, jti: uuidv7(), iat, exp: iat + 14 * 86400, kind: 'identity-query', handling: { code: 'H0' },
      grades: { source: 'B', information: 2 }, priority: 'urgent', chseq: Object.fromEntries(aud.map((a) => [a, 1])), body,
    });
    return sealed.value.length;
  };
  return { oneRecipient: await size(['ES']), fiveRecipients: await size(['ES', 'CO', 'DE', 'PT', 'SE']) };
}

/** Every channel NL sent on is numbered without gap or repeat, and ES recorded each notice once. */
async function checkIntegrity(fed: BenchFederation): Promise<{ ok: boolean; notes: string[] }> {
  const notes: string[] = [];
  let ok = true;
  const channels = await fed.sql<{ recipient: string; n: number; distinct_seqs: number; lo: number; hi: number }>(
    'NL',
    `SELECT channel_recipient AS recipient, count(*)::int AS n, count(DISTINCT channel_seq)::int AS distinct_seqs, min(channel_seq)::int AS lo, max(channel_seq)::int AS hi
     FROM ledger_entry WHERE event = 'sent' GROUP BY channel_recipient ORDER BY 1`,
  );
  for (const c of channels) {
    const good = c.n === c.distinct_seqs && c.lo === 0 && c.hi === c.n - 1;
    ok &&= good;
    notes.push(`NL→${c.recipient} ${c.n} sent, seqs ${c.lo}..${c.hi}${good ? '' : ' (GAP OR REPEAT)'}`);
  }
  const received = await fed.sql<{ n: number; ids: number }>('ES', `SELECT count(*)::int AS n, count(DISTINCT message_id)::int AS ids FROM ledger_entry WHERE event = 'received' AND counterpart = 'NL'`);
  const once = received[0].n === received[0].ids;
  ok &&= once;
  notes.push(`ES recorded ${received[0].ids} envelopes from NL${once ? ' once each' : ` with ${received[0].n - received[0].ids} repeats`}`);
  return { ok, notes };
}

async function main(): Promise<void> {
  const started = Date.now();
  mkdirSync(RESULTS, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const logDir = join(RESULTS, 'logs', stamp);
  process.stderr.write(`liaison bench: ${cpus().length} CPUs, ${SECONDS} s per phase, saturation with ${CONCURRENCY} clients${PROFILE ? ', CPU profiles on' : ''}\n`);
  progress.update('setting up federation', 0.1);
  const fed = await BenchFederation.create(AGENCIES, logDir);
  let api: Api | null = null;
  let sampler: ProcessSampler | null = null;
  let server: PostgresServer | null = null;
  try {
    const nodeArgs = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${join(RESULTS, 'profiles', stamp)}`, '-r', './dist/bench/support/exit-on-signal.js'] : [];
    for (const [i, agency] of ['NL', 'ES', 'CO'].entries()) {
      progress.update('starting nodes', (i + 0.5) / 3, agency);
      await fed.start(agency, PORTS[agency], nodeArgs);
    }
    const pids = new Map<string, number>([...fed.nodes.values()].map((n) => [`node ${n.agency}`, n.pid]));
    const brokerPid = Number(readFileSync(join(STATE, 'kafka', 'broker.pid'), 'utf8').trim());
    if (brokerPid) pids.set('broker', brokerPid);
    server = await PostgresServer.connect(PG);
    const groups = new Map<string, ProcessGroup>([...pids].map(([k, pid]) => [k, onePid(pid)]));
    groups.set('PostgreSQL backends', server.backends('nodes', NODES.map((a) => fed.databaseName(a))));
    groups.set('PostgreSQL background', server.backends('background'));
    groups.set('load generator', onePid(process.pid));
    sampler = new ProcessSampler(groups);
    const counters = new WorkCounters(fed, server);
    progress.done(`nodes NL, ES, CO running (pids ${[...fed.nodes.values()].map((n) => n.pid).join(', ')}); logs in ${logDir}`);
    if (ONLY_ATTACH) {
      api = new Api(PORTS.NL, await fed.token('NL', 'operator'));
      await warmUp(fed, api);
      const a = await attachments(fed, api, pids, server, nodeArgs);
      writeFileSync(join(RESULTS, 'attach-phase.json'), JSON.stringify({ startedAt: new Date(started).toISOString(), attachments: a }, null, 2));
      const report = attachmentReport(new Date(started).toISOString(), machine(), a);
      writeFileSync(join(RESULTS, 'attach-phase.md'), report);
      process.stdout.write(`${report}\nWritten: bench/results/attach-phase.md, attach-phase.json\n`);
      return;
    }
    const sizes = await envelopeSizes(fed);

    const idleResult = await idle(sampler, counters, 5);
    if (ONLY_IDLE) {
      writeFileSync(join(RESULTS, 'idle.json'), JSON.stringify({ startedAt: new Date(started).toISOString(), idle: idleResult }, null, 2));
      process.stdout.write(`Written: bench/results/idle.json\n`);
      return;
    }

    const measuredRaw = await cpuDuring(brokerPid, () => rawTransport(fed.topics.prefix, sizes.oneRecipient));
    const raw = measuredRaw.result;
    progress.update('floor: envelope crypto', 0.3);
    const crypto = await cryptoPerNotice(Buffer.byteLength(JSON.stringify(body)));
    progress.update('floor: batched insert', 0.7);
    const insert = await insertFloor(server, fed.databaseUrl('NL'), sizes.oneRecipient);
    const floor: Floor = {
      cryptoMsPerNotice: crypto.msPerNotice,
      cryptoMsPerReceipt: crypto.msPerReceipt,
      cryptoRounds: crypto.rounds,
      transport: { brokerMsPerMessage: round(measuredRaw.pidMs / raw.messages, 4), clientMsPerMessage: round(measuredRaw.selfMs / raw.messages, 4) },
      insert,
    };
    progress.done(
      `floor: crypto ${floor.cryptoMsPerNotice} ms/notice + ${floor.cryptoMsPerReceipt} ms/receipt; raw Kafka broker ${floor.transport.brokerMsPerMessage} + client ${floor.transport.clientMsPerMessage} ms/message; PostgreSQL ${insert.msPerRow} ms/row inserted`,
    );

    api = new Api(PORTS.NL, await fed.token('NL', 'operator'));
    await warmUp(fed, api);

    const one = ['ES'];
    const five = ['ES', 'CO', 'DE', 'PT', 'SE'];
    const phases: PhaseResult[] = [];
    // A load the pipeline sustains on a shared 2-core machine: the latency without queueing.
    phases.push(await pipelinePhase(fed, api, sampler, counters, floor, { name: '1 recipient, 150/s offered', recipients: one, measured: ['ES'], mode: 'fixed', rate: 150 }));
    phases.push(await pipelinePhase(fed, api, sampler, counters, floor, { name: '1 recipient, 1,000/s offered', recipients: one, measured: ['ES'], mode: 'fixed', rate: 1000 }));
    phases.push(await pipelinePhase(fed, api, sampler, counters, floor, { name: '1 recipient, saturation', recipients: one, measured: ['ES'], mode: 'saturation' }));
    phases.push(await pipelinePhase(fed, api, sampler, counters, floor, { name: `1 recipient, batch sends of ${BATCH_SIZE}`, recipients: one, measured: ['ES'], mode: 'batches' }));
    phases.push(await pipelinePhase(fed, api, sampler, counters, floor, { name: '5 recipients, 1,000/s offered', recipients: five, measured: ['ES', 'CO'], mode: 'fixed', rate: 1000 }));
    phases.push(await pipelinePhase(fed, api, sampler, counters, floor, { name: '5 recipients, saturation', recipients: five, measured: ['ES', 'CO'], mode: 'saturation' }));

    // Before the attachment phase: this peak is the notices' (the transfers report their own).
    const peakRssMiB: Record<string, number> = {};
    for (const [name, pid] of pids) peakRssMiB[name] = round(memory(pid)?.hwm ?? NaN, 1);
    const attached = ATTACH ? await attachments(fed, api, pids, server, nodeArgs) : undefined;

    const integrity = await checkIntegrity(fed);
    progress.done(`integrity: ${integrity.ok ? 'ok' : 'PROBLEMS'} — ${integrity.notes.join('; ')}`);
    const fixed1 = phases.find((p) => p.name === '1 recipient, 1,000/s offered') as PhaseResult;
    // Sustained: the best delivery rate of a 1-recipient phase in which every notice arrived.
    const sat1 = phases.filter((p) => p.recipients === 1 && p.mode !== 'batches' && p.delivered === p.accepted).sort((a, b) => b.deliveredPerSecond - a.deliveredPerSecond)[0] ?? phases[0];
    const nodePeak = Math.max(...Object.entries(peakRssMiB).filter(([k]) => k.startsWith('node')).map(([, v]) => v));
    const ratio = sat1.deliveredPerSecond / raw.endToEndPerSecond;
    const byName = (name: string) => phases.find((p) => p.name === name) as PhaseResult;
    const at150 = byName('1 recipient, 150/s offered');
    const satOne = byName('1 recipient, saturation');
    const satFive = byName('5 recipients, saturation');
    const batches = phases.find((p) => p.mode === 'batches') as PhaseResult;
    const idleNode = Math.max(...Object.entries(idleResult.processes).filter(([k]) => k.startsWith('node')).map(([, v]) => v.cpuPercent));
    const lowToSat = at150.accounting.pipelineMsPerNotice / satOne.accounting.pipelineMsPerNotice;
    const floorRatio = satOne.accounting.ratioToFloor ?? NaN;
    const result: BenchResult = {
      startedAt: new Date(started).toISOString(),
      machine: machine(),
      envelopeBytes: sizes,
      raw,
      idle: idleResult,
      floor,
      phases,
      peakRssMiB,
      targets: [
        { name: 'sustained end to end, 1 recipient', target: '≥ 3,000 notices/s', measured: `${sat1.deliveredPerSecond.toLocaleString('en-US')}/s (${sat1.name})`, met: sat1.deliveredPerSecond >= 3000 },
        { name: 'pipeline / raw transport', target: '≥ 30 %', measured: `${round(100 * ratio, 1)} % (${sat1.deliveredPerSecond} / ${raw.endToEndPerSecond})`, met: ratio >= 0.3 },
        {
          name: 'pipeline / raw transport, batch sends',
          target: '≥ 30 %',
          measured: `${round((100 * batches.deliveredPerSecond) / raw.endToEndPerSecond, 1)} % (${batches.deliveredPerSecond} / ${raw.endToEndPerSecond}, ${BATCH_SIZE} per request)`,
          met: batches.deliveredPerSecond / raw.endToEndPerSecond >= 0.3 && batches.delivered === batches.accepted,
        },
        {
          name: 'p99 latency at 1,000 notices/s, 1 recipient',
          target: '< 50 ms',
          measured: `${fixed1.latencyMs.p99} ms (delivered ${fixed1.deliveredPerSecond}/s)`,
          met: fixed1.latencyMs.p99 < 50 && fixed1.delivered === fixed1.accepted,
        },
        { name: 'resident memory per node', target: '< 256 MB', measured: `${nodePeak} MiB peak`, met: nodePeak * 1.048576 < 256 },
        { name: 'idle node (no traffic)', target: '< 1 % of a core', measured: `${idleNode} % (busiest of NL, ES, CO over ${idleResult.seconds} s)`, met: idleNode < 1 },
        {
          name: 'total CPU per notice vs the floor, 1 recipient, saturation',
          target: '≤ 2 × the floor',
          measured: `${floorRatio} × (${satOne.accounting.pipelineMsPerNotice} ms / ${satOne.accounting.floorMsPerNotice} ms)`,
          met: floorRatio <= 2,
        },
        {
          name: 'CPU per notice at 150/s vs saturation',
          target: '≤ 1.5 ×',
          measured: `${round(lowToSat, 2)} × (${at150.accounting.pipelineMsPerNotice} ms / ${satOne.accounting.pipelineMsPerNotice} ms)`,
          met: lowToSat <= 1.5,
        },
        { name: 'p99 latency at 150 notices/s, 1 recipient', target: '< 50 ms', measured: `${at150.latencyMs.p99} ms`, met: at150.latencyMs.p99 < 50 && at150.delivered === at150.accepted },
        {
          name: '5 recipients vs 1 recipient (saturation)',
          target: '≥ 40 %',
          measured: `${round((100 * satFive.deliveredPerSecond) / satOne.deliveredPerSecond, 1)} % (${satFive.deliveredPerSecond} / ${satOne.deliveredPerSecond})`,
          met: satFive.deliveredPerSecond >= 0.4 * satOne.deliveredPerSecond,
        },
        ...(attached ? attachmentTargets(attached) : []),
      ],
      durationSeconds: round((Date.now() - started) / 1000),
      integrity,
      attachments: attached,
    };
    const json = JSON.stringify(result, null, 2);
    writeFileSync(join(RESULTS, `bench-${stamp}.json`), json);
    writeFileSync(join(RESULTS, 'latest.json'), json);
    writeFileSync(join(RESULTS, 'latency.svg'), latencySvg(phases));
    writeFileSync(join(RESULTS, `latency-${stamp}.svg`), latencySvg(phases));
    writeFileSync(join(RESULTS, 'report.md'), markdown(result, 'latency.svg'));
    process.stdout.write(`${markdown(result, 'latency.svg')}\nWritten: bench/results/report.md, latest.json, latency.svg (and bench-${stamp}.json)\n`);
  } finally {
    sampler?.stop();
    api?.close();
    await server?.close().catch(() => undefined);
    progress.update('cleaning up', 0.5);
    await fed.destroy().catch((e: unknown) => process.stderr.write(`cleanup: ${(e as Error).message}\n`));
    progress.done('cleaned up (nodes stopped, bench databases and topics removed)');
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`\nbench failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
