// Markdown report and SVG latency chart of a pipeline benchmark result.
import { percentile, ProcessUsage, round } from './measure';
import type { RawResult } from './raw-transport';

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface PhaseResult {
  name: string;
  recipients: number;
  mode: 'fixed' | 'saturation' | 'batches';
  offeredPerSecond: number | null;
  seconds: number;
  sent: number;
  accepted: number;
  apiErrors: number;
  delivered: number;
  /** Notices the API accepted per second during the phase. */
  acceptedPerSecond: number;
  /** Notices recorded in the recipients' ledgers per second, first acceptance to last recording. */
  deliveredPerSecond: number;
  latencyMs: LatencySummary;
  /** Percentile curve (p0..p100 in steps of 1) for the chart. */
  curve: number[];
  processes: Record<string, ProcessUsage>;
  accounting: Accounting;
}

/** Per delivered notice (a notice delivered to every measured recipient counts once). */
export interface Accounting {
  /** CPU ms of each process group. */
  cpuMsPerNotice: Record<string, number>;
  /** The nodes, the broker and PostgreSQL (not the load generator). */
  pipelineMsPerNotice: number;
  /** Receipts the recipient sent per notice in the phase (one per inbox batch and sender). */
  receiptsPerNotice: number | null;
  /** Crypto + Kafka messages (notice and its share of a receipt) + PostgreSQL rows of the same notices at their plain cost (1-recipient phases). */
  floorMsPerNotice: number | null;
  ratioToFloor: number | null;
  /** Statements each node sent to PostgreSQL (BEGIN and COMMIT included). */
  statementsPerNotice: Record<string, number>;
  commitsPerNotice: Record<string, number>;
  rowsInsertedPerNotice: Record<string, number>;
}

export interface IdleResult {
  seconds: number;
  processes: Record<string, ProcessUsage>;
  statementsPerSecond: Record<string, number>;
  commitsPerSecond: Record<string, number>;
}

export interface Floor {
  /** Seal + open of the notice, one at a time, in the load generator. */
  cryptoMsPerNotice: number;
  /** Seal + open of a receipt (one per inbox batch and sender). */
  cryptoMsPerReceipt: number;
  cryptoRounds: number;
  /** The raw transport phase's CPU per message produced and consumed. */
  transport: { brokerMsPerMessage: number; clientMsPerMessage: number };
  /** PostgreSQL (backend + background processes) per row of a plain batched insert of envelope-sized rows. */
  insert: { msPerRow: number; backendMs: number; backgroundMs: number; rows: number };
}

/** A fixed-rate load of small notices (NL → ES) and its latency, API 201 → the recipient's ledger. */
export interface SmallNotices {
  rate: number;
  sent: number;
  accepted: number;
  delivered: number;
  latencyMs: LatencySummary;
}

/** One attachment sent with a notice through the nodes (bench/support/attachment-phase.ts). */
export interface TransferResult {
  recipients: string[];
  fileBytes: number;
  uploadSeconds: number;
  uploadMBPerSecond: number;
  /** The file became `available` at every recipient. */
  complete: boolean;
  /** From the send's request to the last recipient's completedAt. */
  seconds: number | null;
  /** File bytes × recipients per second (MB = 10^6 bytes). */
  mbPerSecond: number | null;
  /** Until the sender had published every chunk to every recipient (seen by polling). */
  allChunksSentSeconds: number | null;
  /** Until the sender showed every recipient's `delivered`. */
  deliveredSeenSeconds: number | null;
  /** RSS of each process before the upload, MiB. */
  rssAtStartMiB: Record<string, number>;
  /** Highest RSS sampled (every 200 ms) from the upload's start to the end, per process, MiB. */
  peakRssMiB: Record<string, number>;
  /** CPU seconds each process (or group: PostgreSQL's backends) used from the send to the end. */
  cpuSecondsFromSend: Record<string, number>;
  smallNotices: SmallNotices;
  note: string | null;
}

export interface AttachmentResult {
  fileBytes: number;
  type: string;
  chunkMessageBytes: number;
  rate: number;
  /** kafkajs alone with full chunk messages, to as many topics as the transfer has recipients. */
  raw: { topics: number; result: RawResult }[];
  /** The small-notice load with no transfer running. */
  baseline: SmallNotices;
  transfers: TransferResult[];
}

export interface BenchResult {
  startedAt: string;
  machine: { cpus: number; model: string; memoryGiB: number; node: string; platform: string; note: string };
  envelopeBytes: { oneRecipient: number; fiveRecipients: number };
  raw: RawResult;
  idle: IdleResult;
  floor: Floor;
  phases: PhaseResult[];
  peakRssMiB: Record<string, number>;
  targets: { name: string; target: string; measured: string; met: boolean }[];
  durationSeconds: number;
  integrity: { ok: boolean; notes: string[] };
  /** The attachment phase (absent with BENCH_ATTACH=0). */
  attachments?: AttachmentResult;
}

export function summarise(latencies: number[]): { summary: LatencySummary; curve: number[] } {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    summary: {
      count: sorted.length,
      p50: round(percentile(sorted, 50), 1),
      p95: round(percentile(sorted, 95), 1),
      p99: round(percentile(sorted, 99), 1),
      max: round(sorted[sorted.length - 1] ?? NaN, 1),
    },
    curve: Array.from({ length: 101 }, (_, p) => round(percentile(sorted, Math.max(p, 0.01)), 1)),
  };
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

/** Latency percentile curves, log-scaled milliseconds, with the 50 ms target line. */
export function latencySvg(phases: PhaseResult[]): string {
  const W = 760;
  const H = 420;
  const m = { l: 70, r: 230, t: 30, b: 50 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const all = phases.flatMap((p) => p.curve).filter((v) => Number.isFinite(v) && v > 0);
  const lo = Math.max(0.5, Math.min(...all, 10));
  const hi = Math.max(...all, 100);
  const logLo = Math.log10(lo);
  const logHi = Math.log10(hi);
  const y = (v: number) => m.t + ph - ((Math.log10(Math.max(v, lo)) - logLo) / (logHi - logLo)) * ph;
  const x = (p: number) => m.l + (p / 100) * pw;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  parts.push(`<text x="${m.l}" y="18" font-size="14" font-weight="bold">Latency from API acceptance to the recipient's ledger (percentiles)</text>`);
  for (let e = Math.floor(logLo); e <= Math.ceil(logHi); e++) {
    for (const k of [1, 2, 5]) {
      const v = k * 10 ** e;
      if (v < lo || v > hi) continue;
      parts.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`);
      parts.push(`<text x="${m.l - 6}" y="${y(v) + 4}" text-anchor="end">${v >= 1000 ? `${v / 1000} s` : `${v} ms`}</text>`);
    }
  }
  for (const p of [0, 25, 50, 75, 90, 95, 99, 100]) {
    parts.push(`<line x1="${x(p)}" x2="${x(p)}" y1="${m.t}" y2="${m.t + ph}" stroke="#f2f2f2"/>`);
    parts.push(`<text x="${x(p)}" y="${m.t + ph + 16}" text-anchor="middle">p${p}</text>`);
  }
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  if (50 >= lo && 50 <= hi) {
    parts.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${y(50)}" y2="${y(50)}" stroke="#000" stroke-dasharray="6 4"/>`);
    parts.push(`<text x="${m.l + 4}" y="${y(50) - 4}">p99 target 50 ms (at 1,000/s)</text>`);
  }
  phases.forEach((phase, i) => {
    const pts = phase.curve.map((v, p) => `${x(p).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    const c = COLOURS[i % COLOURS.length];
    parts.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts}"/>`);
    const ly = m.t + 10 + i * 36;
    parts.push(`<line x1="${m.l + pw + 12}" x2="${m.l + pw + 32}" y1="${ly}" y2="${ly}" stroke="${c}" stroke-width="3"/>`);
    parts.push(`<text x="${m.l + pw + 38}" y="${ly + 4}">${escapeXml(phase.name)}</text>`);
    parts.push(`<text x="${m.l + pw + 38}" y="${ly + 18}" fill="#555">p99 ${phase.latencyMs.p99} ms, ${phase.deliveredPerSecond}/s</text>`);
  });
  parts.push(`<text x="${m.l + pw / 2}" y="${H - 10}" text-anchor="middle">percentile of notices</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] as string);
}

const n = (v: number) => (Number.isFinite(v) ? v.toLocaleString('en-US') : 'n/a');

export function markdown(r: BenchResult, svgFile: string): string {
  const lines: string[] = [];
  lines.push(`# Liaison pipeline benchmark — ${r.startedAt}`);
  lines.push('');
  lines.push(machineLine(r.machine));
  lines.push(`Envelope value: ${n(r.envelopeBytes.oneRecipient)} bytes (1 recipient), ${n(r.envelopeBytes.fiveRecipients)} bytes (5 recipients). Run time ${n(r.durationSeconds)} s.`);
  lines.push('');
  lines.push(...targetsTable(r.targets));
  lines.push('## Raw transport (the ceiling)');
  lines.push('');
  lines.push(`kafkajs, same broker, acks=all, ${n(r.raw.bytes)}-byte values with the four envelope headers, 3 partitions: ` +
    `${n(r.raw.messages)} messages in ${r.raw.seconds} s — produced ${n(r.raw.producedPerSecond)}/s, produced and consumed end to end ${n(r.raw.endToEndPerSecond)}/s.`);
  lines.push('');
  lines.push('## Pipeline');
  lines.push('');
  lines.push('API → seal → outbox + ledger (one transaction) → relay → Kafka → recipient batch → open → received + ledger + receipt (one transaction). Latency: from the API answering 201 to the `received` entry in the recipient\'s ledger.');
  lines.push('');
  lines.push('| phase | offered | accepted/s | delivered/s | notices | p50 ms | p95 ms | p99 ms | max ms | API errors |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const p of r.phases) {
    lines.push(`| ${p.name} | ${p.offeredPerSecond ? `${n(p.offeredPerSecond)}/s` : 'closed loop'} | ${n(p.acceptedPerSecond)} | ${n(p.deliveredPerSecond)} | ${n(p.delivered)}/${n(p.accepted)} | ${n(p.latencyMs.p50)} | ${n(p.latencyMs.p95)} | ${n(p.latencyMs.p99)} | ${n(p.latencyMs.max)} | ${n(p.apiErrors)} |`);
  }
  lines.push('');
  lines.push(`![latency](${svgFile})`);
  lines.push('');
  lines.push(`Integrity after the run: ${r.integrity.ok ? 'ok' : '**problems**'} — ${r.integrity.notes.join('; ')}.`);
  lines.push('');
  lines.push('## CPU and memory per process');
  lines.push('');
  const names = Object.keys(r.phases[0]?.processes ?? {});
  lines.push(`| phase | ${names.map((x) => `${x} CPU % / peak RSS MiB`).join(' | ')} |`);
  lines.push(`|---|${names.map(() => '---').join('|')}|`);
  for (const p of r.phases) lines.push(`| ${p.name} | ${names.map((x) => `${p.processes[x].cpuPercent} / ${p.processes[x].peakRssMiB}`).join(' | ')} |`);
  lines.push('');
  lines.push(`Peak RSS over the whole run (VmHWM): ${Object.entries(r.peakRssMiB).map(([k, v]) => `${k} ${v} MiB`).join(', ')}. CPU % is of one core (200 % = both cores).`);
  lines.push('');
  lines.push(...accountingMarkdown(r));
  if (r.attachments) lines.push(...attachmentMarkdown(r.attachments));
  return lines.join('\n');
}

const machineLine = (m: BenchResult['machine']) => `Machine: ${m.cpus} × ${m.model}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}. ${m.note}`;

function targetsTable(targets: BenchResult['targets']): string[] {
  const lines = ['## Targets', '', '| target | goal | measured | met |', '|---|---|---|---|'];
  for (const t of targets) lines.push(`| ${t.name} | ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`);
  lines.push('');
  return lines;
}

/** The report of a run of the attachment phase alone (BENCH_ONLY=attach). */
export function attachmentReport(startedAt: string, machine: BenchResult['machine'], a: AttachmentResult): string {
  return [`# Liaison attachment benchmark — ${startedAt}`, '', machineLine(machine), '', ...targetsTable(attachmentTargets(a)), ...attachmentMarkdown(a)].join('\n');
}

/** The raw chunk transport of as many topics as `t` has recipients. */
export const rawFor = (a: AttachmentResult, t: TransferResult): RawResult | undefined => a.raw.find((x) => x.topics === t.recipients.length)?.result;

/** The attachment phase's figures against issue 15's targets. */
export function attachmentTargets(a: AttachmentResult): BenchResult['targets'] {
  const targets: BenchResult['targets'] = [];
  for (const t of a.transfers) {
    const raw = rawFor(a, t);
    const ratio = t.mbPerSecond !== null && raw ? t.mbPerSecond / raw.endToEndMBPerSecond : NaN;
    targets.push({
      name: `attachment MB/s ÷ raw kafkajs, ${t.recipients.length} recipient(s)`,
      target: '≥ 50 %',
      measured: t.complete ? `${round(100 * ratio, 1)} % (${t.mbPerSecond} / ${raw?.endToEndMBPerSecond} MB/s)` : `not complete: ${t.note ?? ''}`,
      met: ratio >= 0.5,
    });
  }
  const nodes = a.transfers.flatMap((t) => Object.entries(t.peakRssMiB).filter(([k]) => k.startsWith('node')).map(([name, peak]) => ({ name, peak, before: t.rssAtStartMiB[name], to: t.recipients.length })));
  const top = nodes.reduce((x, y) => (y.peak > x.peak ? y : x));
  targets.push({
    name: 'resident memory per node during a transfer',
    target: '< 256 MB',
    measured: `${top.peak} MiB = ${n(round(top.peak * 1.048576))} MB peak (${top.name}, transfer to ${top.to}; ${top.before} MiB before the upload)`,
    met: top.peak * 1.048576 < 256,
  });
  for (const t of a.transfers) {
    const ratio = t.smallNotices.latencyMs.p99 / a.baseline.latencyMs.p99;
    targets.push({
      name: `small-notice p99 during the transfer to ${t.recipients.length} ÷ without`,
      target: '≤ 2 ×',
      measured: `${round(ratio, 2)} × (${t.smallNotices.latencyMs.p99} / ${a.baseline.latencyMs.p99} ms at ${a.rate}/s)`,
      met: ratio <= 2 && t.smallNotices.delivered === t.smallNotices.accepted,
    });
  }
  return targets;
}

export function attachmentMarkdown(a: AttachmentResult): string[] {
  const lines: string[] = [];
  const mib = round(a.fileBytes / 2 ** 20, 1);
  lines.push(`## Attachments: ${mib} MiB (${a.type}) through the nodes`);
  lines.push('');
  lines.push(
    `NL's operator uploads the file (POST /attachments, streamed), sends it with an identity query; the time runs from the send's request to the last recipient's \`completedAt\` (the file \`available\`: every chunk recorded, SHA-256 and type checked). ` +
      `Raw: kafkajs alone, ${n(a.chunkMessageBytes)}-byte values (a full chunk message) with the chunk headers, one key (one partition) per topic as the chunk relay sends a file, 3 chunks per produce request, 4 requests in flight, acks=all, to as many topics as recipients, produced and consumed back. MB = 10^6 bytes (file bytes × recipients for the pipeline, value bytes for raw). ` +
      `Small notices: NL → ES at ${a.rate}/s, API 201 → ES's ledger.`,
  );
  lines.push('');
  lines.push('| recipients | upload | send → available everywhere | MB/s | raw kafkajs MB/s | ÷ raw | all chunks published | sender sees all delivered | small notices p50 / p99 ms (delivered) | RSS MiB before → peak |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const t of a.transfers) {
    const raw = rawFor(a, t);
    const s = t.smallNotices;
    lines.push(
      `| ${t.recipients.join(', ')} | ${t.uploadSeconds} s (${t.uploadMBPerSecond} MB/s) | ${t.seconds === null ? `**not complete** (${t.note ?? ''})` : `${t.seconds} s`} | ${t.mbPerSecond ?? '—'} | ${raw?.endToEndMBPerSecond ?? '—'} | ` +
        `${t.mbPerSecond !== null && raw ? `${round((100 * t.mbPerSecond) / raw.endToEndMBPerSecond, 1)} %` : '—'} | ${t.allChunksSentSeconds ?? '—'} s | ${t.deliveredSeenSeconds ?? '—'} s | ` +
        `${s.latencyMs.p50} / ${s.latencyMs.p99} (${n(s.delivered)}/${n(s.accepted)}) | ${Object.entries(t.peakRssMiB).map(([k, v]) => `${k} ${t.rssAtStartMiB[k]} → ${v}`).join(', ')} |`,
    );
  }
  lines.push('');
  const b = a.baseline;
  lines.push(`Without a transfer, the same small notices: p50 ${b.latencyMs.p50} ms, p99 ${b.latencyMs.p99} ms (${n(b.delivered)}/${n(b.accepted)} delivered).`);
  lines.push(`Raw kafkajs with chunk messages: ${a.raw.map((x) => `${x.topics} topic(s) ${x.result.endToEndMBPerSecond} MB/s (${n(x.result.endToEndPerSecond)} chunks/s over ${x.result.seconds} s)`).join('; ')}.`);
  for (const t of a.transfers) lines.push(`CPU seconds from the send to the end, to ${t.recipients.length}: ${Object.entries(t.cpuSecondsFromSend).map(([k, v]) => `${k} ${v}`).join(', ')}.`);
  for (const t of a.transfers) if (t.note) lines.push(`Note (${t.recipients.length} recipient(s)): ${t.note}.`);
  lines.push('');
  return lines;
}

/** CPU per notice of every process, the floor and the ratio, statements per notice, idle CPU. */
function accountingMarkdown(r: BenchResult): string[] {
  const lines: string[] = [];
  const f = r.floor;
  lines.push('## CPU per delivered notice (ms of one core)');
  lines.push('');
  lines.push(
    `Floor, measured in this run: envelope crypto ${f.cryptoMsPerNotice} ms per notice and ${f.cryptoMsPerReceipt} ms per receipt (seal and open, ${f.cryptoRounds} rounds one at a time), × the receipts per notice the phase sent (one per inbox batch); ` +
      `raw Kafka ${f.transport.brokerMsPerMessage} ms broker + ${f.transport.clientMsPerMessage} ms client per message (× 1 + receipts per notice); ` +
      `PostgreSQL ${f.insert.msPerRow} ms per row of a plain batched insert (${n(f.insert.rows)} envelope-sized rows; backend ${n(f.insert.backendMs)} ms, background ${n(f.insert.backgroundMs)} ms), × the rows the phase inserted per notice. ` +
      'Pipeline = the nodes + the broker + PostgreSQL (not the load generator).',
  );
  lines.push('');
  const names = Object.keys(r.phases[0]?.accounting.cpuMsPerNotice ?? {});
  lines.push(`| phase | ${names.join(' | ')} | pipeline | receipts per notice | floor | pipeline ÷ floor |`);
  lines.push(`|---|${names.map(() => '---').join('|')}|---|---|---|---|`);
  for (const p of r.phases) {
    const a = p.accounting;
    lines.push(`| ${p.name} | ${names.map((x) => a.cpuMsPerNotice[x]).join(' | ')} | ${a.pipelineMsPerNotice} | ${a.receiptsPerNotice ?? '—'} | ${a.floorMsPerNotice ?? '—'} | ${a.ratioToFloor === null ? '—' : `${a.ratioToFloor} ×`} |`);
  }
  lines.push('');
  lines.push('## Statements per delivered notice');
  lines.push('');
  lines.push('Statements: what each node sent to PostgreSQL (`liaison_db_statements_total`, BEGIN and COMMIT included). Commits and rows inserted: `pg_stat_database` of its database.');
  lines.push('');
  const nodes = Object.keys(r.phases[0]?.accounting.statementsPerNotice ?? {});
  lines.push(`| phase | ${nodes.map((x) => `${x} statements / commits / rows inserted`).join(' | ')} |`);
  lines.push(`|---|${nodes.map(() => '---').join('|')}|`);
  for (const p of r.phases) {
    const a = p.accounting;
    lines.push(`| ${p.name} | ${nodes.map((x) => `${a.statementsPerNotice[x]} / ${a.commitsPerNotice[x]} / ${a.rowsInsertedPerNotice[x]}`).join(' | ')} |`);
  }
  lines.push('');
  lines.push(`## Idle: no traffic for ${r.idle.seconds} s`);
  lines.push('');
  lines.push(`| ${Object.keys(r.idle.processes).join(' | ')} |`);
  lines.push(`|${Object.keys(r.idle.processes).map(() => '---').join('|')}|`);
  lines.push(`| ${Object.values(r.idle.processes).map((v) => `${v.cpuPercent} %`).join(' | ')} |`);
  lines.push('');
  lines.push(`Statements per second: ${Object.entries(r.idle.statementsPerSecond).map(([k, v]) => `${k} ${v}`).join(', ')}; commits per second: ${Object.entries(r.idle.commitsPerSecond).map(([k, v]) => `${k} ${v}`).join(', ')}.`);
  lines.push('');
  return lines;
}
