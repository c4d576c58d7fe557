// Issue 16 at operation scale (a benchmark, not a test):
//  1. an intelligence report with 1,000 selectors sealed once for 30 agencies (the multi-recipient
//     envelope): validation + normalisation, seal time, size on the wire;
//  2. correlation lookups of that report's 1,000 selectors against an agency whose blind index
//     holds 1,000,000 selector terms (notice_term as the casework migration creates it).
// Build and run:  npx tsc -p tsconfig.build.json && node -r ./deploy/register-paths.js dist/bench/selectors.bench.js
// Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_INDEXED (default 1000000).
import { randomBytes, randomUUID } from 'crypto';
import { cpus } from 'os';
import { Client } from 'pg';
import { validateNoticeBody, noticeTerms } from '@liaison/notices';
import { BlindIndex } from '../apps/node/src/casework/blind-index';
import { withDatabase } from '../apps/node/src/persistence/database';
import { makeClaims, makeFederation, makeOpener, makeSealer, uuidv7 } from '../libs/envelope/src/testing/fixtures';

const URL_ = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const INDEXED = Number(process.env.BENCH_INDEXED ?? 1_000_000);
const AGENCIES = 30;
const T = new Date('2026-06-01T12:00:00Z');

function report(n: number, offset = 0) {
  const selectors = Array.from({ length: n }, (_, i) => {
    const k = i + offset;
    switch (k % 4) {
      case 0: return { kind: 'phone', value: `+31 6 ${String(10_000_000 + k).slice(0, 8)}` };
      case 1: return { kind: 'email', value: `recruiter${k}@jobs-abroad.example` };
      case 2: return { kind: 'url', value: `https://t.me/jobs_abroad_${k}` };
      default: return { kind: 'username', value: `@Jobs_Abroad_${k}`, platform: 'telegram' };
    }
  });
  return { narrative: 'Telegram groups recruit for sham modelling contracts abroad.', case_reference: 'NL-2026-0042', subjects: [{ names: { given: 'Pieter', family: 'Janssen' }, date_of_birth: '1980-04-12' }], selectors };
}

const ms = (t0: number) => performance.now() - t0;

async function sealing(): Promise<void> {
  const fed = await makeFederation(AGENCIES + 1);
  const aud = fed.agencies.slice(1).map((a) => a.code);
  const sealer = makeSealer(fed, 0, T);
  const body = report(1000);
  let t0 = performance.now();
  const valid = validateNoticeBody('intelligence-report', body);
  const validateMs = ms(t0);
  if (!valid.ok) throw new Error(`bench report refused: ${valid.errors[0].field} ${valid.errors[0].message}`);
  const claims = { ...makeClaims('AG0', aud, T), kind: 'intelligence-report', body };
  await sealer.seal(claims); // warm up (key import caches)
  const runs: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 5; i++) {
    t0 = performance.now();
    const sealed = await sealer.seal({ ...claims, jti: uuidv7(T.getTime()) });
    runs.push(ms(t0));
    bytes = sealed.value.length;
  }
  const sealed = await sealer.seal(claims);
  const opener = makeOpener(fed, 1, T);
  t0 = performance.now();
  const opened = await opener.open(sealed.value, sealed.headersFor('AG1'));
  const openMs = ms(t0);
  if (!opened.ok) throw new Error(`bench envelope refused: ${opened.code}`);
  const json = Buffer.byteLength(JSON.stringify(body));
  runs.sort((a, b) => a - b);
  process.stdout.write(`1,000-selector report to ${AGENCIES} agencies: body ${json.toLocaleString('en-US')} bytes JSON; envelope on the wire ${bytes.toLocaleString('en-US')} bytes (one value for all recipients)\n`);
  process.stdout.write(`  validate + normalise 1,000 selectors: ${validateMs.toFixed(1)} ms; seal for ${AGENCIES}: median ${runs[2].toFixed(1)} ms (min ${runs[0].toFixed(1)}, max ${runs[4].toFixed(1)}); open + verify at one recipient: ${openMs.toFixed(1)} ms\n`);
}

async function correlation(): Promise<void> {
  const database = `liaison_bench_selectors_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: withDatabase(URL_, 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const db = new Client({ connectionString: withDatabase(URL_, database) });
  await db.connect();
  try {
    // notice_term as migration 1764200000000 creates it (without the foreign key to notice: no notices are stored here).
    await db.query(`CREATE TABLE notice_term (term bytea NOT NULL CHECK (octet_length(term) = 32), notice_sender text NOT NULL, notice_id uuid NOT NULL,
      term_kind text NOT NULL, correlates boolean NOT NULL, PRIMARY KEY (term, notice_sender, notice_id))`);
    await db.query('CREATE INDEX notice_term_notice ON notice_term (notice_sender, notice_id)');
    const index = new BlindIndex(randomBytes(32));
    // 1,000 reports of 1,000 selectors each (offset so that the probe report below meets 250 of them).
    const perNotice = 1000;
    let t0 = performance.now();
    let hashMs = 0;
    for (let n = 0; n * perNotice < INDEXED; n++) {
      const h0 = performance.now();
      const terms = noticeTerms('intelligence-report', report(perNotice, (n + 1) * perNotice - 250)).filter((t) => t.kind !== 'name' && t.kind !== 'person' && t.kind !== 'date_of_birth' && t.kind !== 'case_reference');
      const id = randomUUID();
      const rows = terms.map((t) => [index.hash(t.kind, t.value), 'ES', id, t.kind, true]);
      hashMs += ms(h0);
      const params = rows.flat();
      const tuples = rows.map((_, i) => `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5})`);
      await db.query(`INSERT INTO notice_term VALUES ${tuples.join(',')} ON CONFLICT DO NOTHING`, params);
    }
    await db.query('VACUUM ANALYZE notice_term');
    const [{ count }] = (await db.query('SELECT count(*)::int AS count FROM notice_term')).rows;
    process.stdout.write(`blind index filled: ${count.toLocaleString('en-US')} selector terms in ${(ms(t0) / 1000).toFixed(1)} s (normalise + HMAC ${(hashMs / 1000).toFixed(1)} s)\n`);

    const probe = noticeTerms('intelligence-report', report(1000, 0)).filter((t) => ['phone', 'email', 'url', 'username'].includes(t.kind));
    const hashes = probe.map((t) => index.hash(t.kind, t.value));
    // One lookup per selector, one after another (the worst case: no batching).
    t0 = performance.now();
    let found = 0;
    for (const h of hashes) found += (await db.query('SELECT notice_sender, notice_id, term_kind FROM notice_term WHERE term = $1 AND correlates', [h])).rowCount ?? 0;
    const single = ms(t0) / hashes.length;
    // All 1,000 in one statement, as a report's correlation is asked.
    t0 = performance.now();
    const batch = (await db.query('SELECT notice_sender, notice_id, term_kind FROM notice_term WHERE term = ANY($1::bytea[]) AND correlates', [hashes])).rowCount ?? 0;
    const batched = ms(t0);
    process.stdout.write(`correlation of 1,000 selectors against ${count.toLocaleString('en-US')}: ${single.toFixed(3)} ms per selector one at a time (${found} matches); ${batched.toFixed(1)} ms for all 1,000 in one statement (${(batched / hashes.length).toFixed(4)} ms per selector, ${batch} matches)\n`);
  } finally {
    await db.end();
    await admin.query(`DROP DATABASE ${database}`);
    await admin.end();
  }
}

async function main(): Promise<void> {
  process.stdout.write(`selectors bench: Node ${process.version}, ${cpus().length} CPUs\n`);
  await sealing();
  await correlation();
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
