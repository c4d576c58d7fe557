// Private hit/no-hit (@liaison/match): holder evaluations per second on one core, filter size and
// build time for ENTRIES entries at the default rate, and one query's cryptography end to end
// (blind, evaluate with proof, verify and unblind, filter check) without the network.
// Build and run:  npx tsc -p tsconfig.build.json && node -r ./deploy/register-paths.js dist/bench/match.bench.js [seconds] [entries] [batch]
import { randomFillSync } from 'crypto';
import { cpus, loadavg } from 'os';
import { FuseFilter, OprfHolder, OprfRequester, filterKeys, generateOprfKey } from '@liaison/match';

const SECONDS = Number(process.argv[2] ?? 3);
const ENTRIES = Number(process.argv[3] ?? 10_000_000);
const BATCH = Number(process.argv[4] ?? 50);

/** Operations per wall-clock second and per CPU second of this process (the figure that holds on a shared, loaded machine). */
async function perSecond(op: () => Promise<number>): Promise<{ wall: number; cpu: number }> {
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const deadline = start + SECONDS * 1000;
  let done = 0;
  while (performance.now() < deadline) done += await op();
  const cpu = process.cpuUsage(cpu0);
  return { wall: done / ((performance.now() - start) / 1000), cpu: done / ((cpu.user + cpu.system) / 1e6) };
}

async function main(): Promise<void> {
  const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`load average ${cpus().length} CPUs: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  out(`match bench: Node ${process.version}, ${cpus().length} CPUs (one used), ${SECONDS}s per rate, batch ${BATCH}, ${fmt(ENTRIES)} filter entries`);

  const key = await generateOprfKey();
  const holder = await OprfHolder.create(key.privateKey);
  const requester = await OprfRequester.create(key.publicKey);
  const inputs = Array.from({ length: BATCH }, (_, i) => new TextEncoder().encode(`document:ES:X${1_000_000 + i}`));
  const { state, blinded } = await requester.blind(inputs);

  const blindRate = await perSecond(async () => (await holder.blindEvaluate(blinded), BATCH));
  out(`holder blind evaluations/s (batch ${BATCH}, with one DLEQ proof): ${fmt(blindRate.wall)} wall, ${fmt(blindRate.cpu)} per CPU second   target >= 2,000 on one core`);
  let i = 0;
  const directRate = await perSecond(async () => (await holder.evaluate(inputs[i++ % BATCH]), 1));
  out(`holder direct evaluations/s (building its index): ${fmt(directRate.wall)} wall, ${fmt(directRate.cpu)} per CPU second`);

  const outputs = await Promise.all(inputs.map((x) => holder.evaluate(x)));
  const keys = new Uint32Array(ENTRIES * 4);
  randomFillSync(keys);
  keys.set(filterKeys(outputs)); // the queried values are members
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const filter = FuseFilter.build(keys);
  const buildSeconds = (performance.now() - t0) / 1000;
  const c1 = process.cpuUsage(c0);
  const buildCpu = (c1.user + c1.system) / 1e6;
  const mb = filter.byteLength / 1e6;
  out(`filter for ${fmt(ENTRIES)} entries at 2^-${filter.bits}: ${fmt(mb, 1)} MB (${fmt((filter.byteLength * 8) / ENTRIES, 2)} bits/entry), built in ${fmt(buildSeconds, 1)} s (${fmt(buildCpu, 1)} CPU s)   target < 40 MB`);

  const latencies: number[] = [];
  for (let round = 0; round < 20; round++) {
    const start = performance.now();
    const b = await requester.blind(inputs);
    const answer = await holder.blindEvaluate(b.blinded);
    const results = await requester.finalize(b.state, answer.evaluated, answer.proof);
    if (!results.every((r) => filter.has(r))) throw new Error('a member missed');
    latencies.push(performance.now() - start);
  }
  latencies.sort((a, b) => a - b);
  void state;
  out(`one query of ${BATCH} values, cryptography only (blind, evaluate+prove, verify+unblind, filter): median ${fmt(latencies[10], 1)} ms, max ${fmt(latencies[19], 1)} ms   target < 1 s end to end`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
