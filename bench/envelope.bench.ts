// Seal and open speed of @liaison/envelope: 1 KiB notice, 1 and 5 recipients, keys imported once.
// Build and run:  npx tsc -p tsconfig.build.json && node -r ./deploy/register-paths.js dist/bench/envelope.bench.js [seconds] [in-flight]
// WebCrypto work (X25519, AES-GCM, Ed25519 via jose) runs on libuv's thread pool: many operations
// in flight use every core; one at a time leaves them idle. Both figures are printed.
import { cpus } from 'os';
import { EnvelopeOpener, EnvelopeSealer, SealedEnvelope } from '@liaison/envelope';
import { makeClaims, makeFederation, makeOpener, makeSealer, TestFederation } from '../libs/envelope/src/testing/fixtures';

const SECONDS = Number(process.argv[2] ?? 3);
const IN_FLIGHT = Number(process.argv[3] ?? 64);
const T = new Date('2026-06-01T12:00:00Z');

/** Runs `op` for about SECONDS with `inFlight` concurrent workers; returns operations per second. */
async function measure(inFlight: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const deadline = performance.now() + SECONDS * 1000;
  let done = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < deadline) await op(done++);
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

function claimsFor(sender: string, aud: string[]) {
  const c = makeClaims(sender, aud, T, 1024);
  return c;
}

async function bench(fed: TestFederation, recipients: number): Promise<Record<string, number>> {
  const aud = fed.agencies.slice(1, 1 + recipients).map((a) => a.code);
  const sealer: EnvelopeSealer = makeSealer(fed, 0, T);
  const opener: EnvelopeOpener = makeOpener(fed, 1, T);
  const pool: SealedEnvelope[] = await Promise.all(Array.from({ length: 256 }, () => sealer.seal(claimsFor('AG0', aud))));
  const sample = pool[0];
  const check = await opener.open(sample.value, sample.headersFor('AG1'));
  if (!check.ok) throw new Error(`bench envelope refused: ${check.code}`);
  const seal = (i: number) => sealer.seal(claimsFor('AG0', aud)).then(() => i);
  const open = async (i: number) => {
    const s = pool[i % pool.length];
    const r = await opener.open(s.value, s.headersFor('AG1'));
    if (!r.ok) throw new Error(r.code);
  };
  return {
    bytes: sample.value.length,
    seal_1: await measure(1, seal),
    seal_n: await measure(IN_FLIGHT, seal),
    open_1: await measure(1, open),
    open_n: await measure(IN_FLIGHT, open),
  };
}

async function main(): Promise<void> {
  const fed = await makeFederation(6);
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(8);
  process.stdout.write(`envelope bench: Node ${process.version}, ${cpus().length} CPUs, ${SECONDS}s per figure, 1 KiB body, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}\n`);
  process.stdout.write(`recipients  value bytes  seal/s (1 at a time)  seal/s (${IN_FLIGHT} in flight)  open/s (1 at a time)  open/s (${IN_FLIGHT} in flight)\n`);
  for (const n of [1, 5]) {
    const r = await bench(fed, n);
    process.stdout.write(
      `${String(n).padStart(10)}  ${String(r.bytes).padStart(11)}  ${fmt(r.seal_1).padStart(20)}  ${fmt(r.seal_n).padStart(21)}  ${fmt(r.open_1).padStart(20)}  ${fmt(r.open_n).padStart(21)}\n`,
    );
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
