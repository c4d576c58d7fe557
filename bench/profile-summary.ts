// Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by package/area, of the
// whole profile or of a window (seconds from its start; the busy seconds it lists show where a
// phase such as an attachment transfer ran).
//   node dist/bench/profile-summary.js bench/results/profiles/<run>/<file>.cpuprofile [top] [from-s to-s]
import { readFileSync } from 'fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

function area(url: string): string {
  if (!url) return '(native / V8)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return url.split('/')[0];
  const d = /dist\/(apps\/[^/]+\/src\/[^/]+|libs\/[^/]+)/.exec(url);
  return d ? d[1] : url;
}

/** 3,4,5,9 → "3–5, 9". */
function ranges(seconds: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < seconds.length; i++) {
    let j = i;
    while (j + 1 < seconds.length && seconds[j + 1] === seconds[j] + 1) j++;
    parts.push(j > i ? `${seconds[i]}–${seconds[j]}` : `${seconds[i]}`);
    i = j;
  }
  return parts.join(', ') || 'none';
}

function main(): void {
  const file = process.argv[2];
  const top = Number(process.argv[3] ?? 25);
  const [from, to] = [Number(process.argv[4] ?? 0), Number(process.argv[5] ?? Infinity)];
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  // Each sample's second from the start: the window's hits, and which seconds the thread was busy.
  const hitsOf = new Map<number, number>();
  const perSecond = new Map<number, { all: number; idle: number }>();
  let at = 0;
  for (const [i, id] of profile.samples.entries()) {
    at += profile.timeDeltas[i] / 1e6;
    const second = Math.floor(at);
    const tally = perSecond.get(second) ?? { all: 0, idle: 0 };
    tally.all++;
    if (idle.has(id)) tally.idle++;
    perSecond.set(second, tally);
    if (at >= from && at < to) hitsOf.set(id, (hitsOf.get(id) ?? 0) + 1);
  }
  const busy = [...perSecond].filter(([, t]) => t.idle < t.all / 2).map(([second]) => second);
  const total = [...hitsOf.values()].reduce((a, b) => a + b, 0);
  const seconds = (profile.endTime - profile.startTime) / 1e6;
  const byFn = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const n of profile.nodes) {
    const hits = hitsOf.get(n.id) ?? 0;
    if (!hits) continue;
    const name = n.callFrame.functionName || '(anonymous)';
    const where = n.callFrame.url ? `${n.callFrame.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${n.callFrame.lineNumber + 1}` : '';
    const key = `${name} ${where}`;
    byFn.set(key, (byFn.get(key) ?? 0) + hits);
    const a = area(n.callFrame.url);
    byArea.set(a, (byArea.get(a) ?? 0) + hits);
  }
  const pct = (h: number) => `${((100 * h) / total).toFixed(1).padStart(5)} %`;
  const window = Number.isFinite(to) || from > 0 ? `, window ${from}–${to} s` : '';
  process.stdout.write(`${file}: ${seconds.toFixed(1)} s profiled${window}, ${total} samples\nbusy seconds (main thread over half busy): ${ranges(busy)}\n\nby area (self time)\n`);
  for (const [a, h] of [...byArea].sort((x, y) => y[1] - x[1]).slice(0, top)) process.stdout.write(`  ${pct(h)}  ${a}\n`);
  process.stdout.write('\nby function (self time)\n');
  for (const [f, h] of [...byFn].sort((x, y) => y[1] - x[1]).slice(0, top)) process.stdout.write(`  ${pct(h)}  ${f}\n`);
}

main();
