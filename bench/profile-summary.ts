// Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by package/area.
//   node dist/bench/profile-summary.js bench/results/profiles/<run>/<file>.cpuprofile [top]
import { readFileSync } from 'fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

function area(url: string): string {
  if (!url) return '(native / V8)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return url.split('/')[0];
  const d = /dist\/(apps\/[^/]+\/src\/[^/]+|libs\/[^/]+)/.exec(url);
  return d ? d[1] : url;
}

function main(): void {
  const file = process.argv[2];
  const top = Number(process.argv[3] ?? 25);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] };
  const total = profile.samples.length;
  const seconds = (profile.endTime - profile.startTime) / 1e6;
  const byFn = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    if (!hits) continue;
    const name = n.callFrame.functionName || '(anonymous)';
    const where = n.callFrame.url ? `${n.callFrame.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${n.callFrame.lineNumber + 1}` : '';
    const key = `${name} ${where}`;
    byFn.set(key, (byFn.get(key) ?? 0) + hits);
    const a = area(n.callFrame.url);
    byArea.set(a, (byArea.get(a) ?? 0) + hits);
  }
  const pct = (h: number) => `${((100 * h) / total).toFixed(1).padStart(5)} %`;
  process.stdout.write(`${file}: ${seconds.toFixed(1)} s profiled, ${total} samples\n\nby area (self time)\n`);
  for (const [a, h] of [...byArea].sort((x, y) => y[1] - x[1]).slice(0, top)) process.stdout.write(`  ${pct(h)}  ${a}\n`);
  process.stdout.write('\nby function (self time)\n');
  for (const [f, h] of [...byFn].sort((x, y) => y[1] - x[1]).slice(0, top)) process.stdout.write(`  ${pct(h)}  ${f}\n`);
}

main();
