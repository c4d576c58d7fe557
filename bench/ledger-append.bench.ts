// Ledger benchmark (not a test): appends per second against real PostgreSQL, batched as the
// exchange batches them, and offline verification speed of an exported audit bundle.
//   npx tsc -p tsconfig.build.json && node -r ./deploy/register-paths.js dist/bench/ledger-append.bench.js
// Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_ENTRIES (default 100000).
import 'reflect-metadata';
import { createHash, randomBytes } from 'crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'fs';
import { once } from 'events';
import { tmpdir } from 'os';
import { join } from 'path';
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AgencyKeyring, TrustStore, generateAgencyKeys } from '@liaison/envelope';
import { ndjsonLines, verifyBundle } from '@liaison/ledger';
import { MessagePublisher } from '@liaison/transport';
import { bundleNdjson, planBundle } from '../apps/node/src/ledger/audit-bundle';
import { CheckpointService } from '../apps/node/src/ledger/checkpoint.service';
import { DatabasePools } from '../apps/node/src/persistence/pools';
import { Transactions } from '../apps/node/src/persistence/transactions';
import { LedgerEventInput } from '../apps/node/src/ledger/ledger.port';
import { LEDGER_MIGRATIONS } from '../apps/node/src/ledger/migrations';
import { LedgerIntegrity } from '../apps/node/src/ledger/ledger.integrity';
import { LedgerMetrics } from '../apps/node/src/ledger/ledger.metrics';
import { LedgerProofs } from '../apps/node/src/ledger/ledger.proofs';
import { LedgerRepository } from '../apps/node/src/ledger/ledger.repository';
import { LedgerSequencer } from '../apps/node/src/ledger/ledger.sequencer';
import { AppRole1764000000000 } from '../apps/node/src/persistence/migrations/1764000000000-AppRole';
import { withDatabase } from '../apps/node/src/persistence/database';
import { SystemClock } from '../apps/node/src/tokens';
import { federationTopics } from '@liaison/transport';

const SERVER = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const TOTAL = Number(process.env.BENCH_ENTRIES || 100_000);

function events(n: number, tag: string): LedgerEventInput[] {
  return Array.from({ length: n }, (_, i) => ({
    event: 'sent' as const,
    messageId: `${tag}-${i}`,
    kind: 'identity-query',
    counterpart: 'NL',
    channel: { sender: 'EE', recipient: 'NL', seq: i },
    digest: createHash('sha256').update(`${tag}-${i}`).digest('hex'),
    re: null,
    actor: 'operator@ee',
    reason: null,
  }));
}

function source(url: string, pool: number): DataSource {
  return new DataSource({ type: 'postgres', url, entities: [], migrations: [AppRole1764000000000, ...LEDGER_MIGRATIONS], logging: false, extra: { max: pool } });
}

async function admin(sql: string): Promise<void> {
  const c = new Client({ connectionString: withDatabase(SERVER, 'postgres') });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** Runs `writers` concurrent loops, each appending `batch` events per transaction, until `total` entries. */
async function appendRun(ledger: LedgerSequencer, ds: DataSource, total: number, batch: number, writers: number): Promise<number> {
  let issued = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      while (issued < total) {
        const n = Math.min(batch, total - issued);
        issued += n;
        await ds.transaction((tx) => ledger.append(tx, events(n, `w${w}-${issued}`)));
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return total / seconds;
}

async function main(): Promise<void> {
  Logger.overrideLogger(['error']);
  const name = `ledger_bench_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE "${name}"`);
  const owner = source(withDatabase(SERVER, name), 1);
  const app = source(withDatabase(SERVER, name, `${name}_app`), 8);
  const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-'));
  try {
    await owner.initialize();
    await owner.runMigrations({ transaction: 'each' });
    await app.initialize();
    const clock = new SystemClock();
    const keyring = await AgencyKeyring.import(await generateAgencyKeys('EE'));
    const nopPublisher: MessagePublisher = { publish: async () => undefined };
    const trust = { current: () => null, currentJws: () => null } as unknown as TrustStore;
    const config = { agency: 'EE', checkpoint: { everyEntries: 1000, everySeconds: 10, witnessQuorum: 0 }, selfAudit: { entriesPerSecond: 10_000, pauseSeconds: 60 } };
    const topics = federationTopics('bench');
    const repo = new LedgerRepository(app);
    const proofs = new LedgerProofs(repo);
    const integrity = new LedgerIntegrity(repo, clock, config, new LedgerMetrics(), keyring, nopPublisher, topics);
    const ledger = new LedgerSequencer(repo, clock, integrity);
    const report = (label: string, perSecond: number) => {
      console.log(`${label.padEnd(58)} ${Math.round(perSecond).toLocaleString('en-US').padStart(10)} /s`);
    };
    console.log(`ledger append benchmark: PostgreSQL ${(await app.query('SHOW server_version'))[0].server_version}, node ${process.version}`);
    await appendRun(ledger, app, 2_000, 100, 1); // warm-up
    report('append, 1 event per transaction, 1 writer', await appendRun(ledger, app, 2_000, 1, 1));
    report('append, 1 event per transaction, 8 concurrent writers', await appendRun(ledger, app, 5_000, 1, 8));
    report('append, batches of 10, 8 concurrent writers', await appendRun(ledger, app, 20_000, 10, 8));
    report('append, batches of 100, 1 writer', await appendRun(ledger, app, TOTAL / 2, 100, 1));
    report('append, batches of 500, 4 concurrent writers', await appendRun(ledger, app, TOTAL / 2, 500, 4));
    const self = process.hrtime.bigint();
    const check = await integrity.auditNow();
    const size = (await proofs.head()).size;
    // The background sweep reads at LIAISON_LEDGER_AUDIT_RATE; this is the most it could read on this machine.
    report(`self-audit, unthrottled (${size} entries, ok=${check.ok})`, Number(size) / (Number(process.hrtime.bigint() - self) / 1e9));

    // The background sweep as a node runs it (one round per second at LIAISON_LEDGER_AUDIT_RATE).
    const metrics = new LedgerMetrics();
    const paced = new LedgerIntegrity(repo, clock, config, metrics, keyring, nopPublisher, topics);
    const sweepStart = process.hrtime.bigint();
    paced.onApplicationBootstrap();
    while (paced.status().sweep.lastCompletedAt === null) await new Promise((r) => setTimeout(r, 100));
    await paced.onApplicationShutdown();
    const sweepSeconds = Number(process.hrtime.bigint() - sweepStart) / 1e9;
    report(`background sweep at ${config.selfAudit.entriesPerSecond}/s (${size} entries in ${sweepSeconds.toFixed(1)} s)`, Number(size) / sweepSeconds);

    // Export and verify a full bundle offline.
    const checkpoints = new CheckpointService(repo, proofs, integrity, clock, nopPublisher, config, keyring, trust, topics, new Transactions(DatabasePools.shared(app)));
    await checkpoints.checkpointNow();
    const file = join(dir, 'bundle.ndjson');
    const deps = { ledger: proofs, repo, checkpoints, keyring, trust, clock, config, db: app };
    const exportRss = process.memoryUsage().rss;
    const exportStart = process.hrtime.bigint();
    const out = createWriteStream(file);
    for await (const line of bundleNdjson(deps, await planBundle(deps))) if (!out.write(line)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
    report(`bundle export (${(statSync(file).size / 1e6).toFixed(1)} MB)`, Number(size) / (Number(process.hrtime.bigint() - exportStart) / 1e9));
    console.log(`rss during export: ${((process.memoryUsage().rss - exportRss) / 1e6).toFixed(1)} MB above the start`);
    const verifyStart = process.hrtime.bigint();
    const rss0 = process.memoryUsage().rss;
    const verified = await verifyBundle(ndjsonLines(createReadStream(file)));
    const verifySeconds = Number(process.hrtime.bigint() - verifyStart) / 1e9;
    report(`offline verification (ok=${verified.ok}, ${verified.entries} entries)`, verified.entries / verifySeconds);
    console.log(`rss during verification: ${((process.memoryUsage().rss - rss0) / 1e6).toFixed(1)} MB above the start`);
  } finally {
    if (app.isInitialized) await app.destroy();
    if (owner.isInitialized) await owner.destroy();
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin(`DROP ROLE IF EXISTS "${name}_app"`);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
