// The bench's attachment phase (issue 15): a 50 MiB file through the nodes, next to raw kafkajs
// with the same chunk size on the same broker and topic layout.
//  1. raw: kafkajs alone, 262,160-byte values (a full chunk message) with chunk headers, all of a
//     file's chunks under one key (one partition, as the ChunkRelay sends them), acks=all, to 1
//     and to 3 attachment-shaped topics, produced and consumed back;
//  2. the small-notice load alone (NL → ES at a fixed rate): its latency without a transfer;
//  3. for 1 recipient (ES) and for 3 (ES, CO, DE): NL's operator uploads the file (POST
//     /attachments, streamed), sends it with a notice, and the bench polls every recipient's
//     GET /inbox/{id}/attachments until the file is `available` there (and NL's GET
//     /notices/{id}/attachments until each recipient reported it `delivered`), while the same
//     small-notice load runs; the nodes' RSS is sampled from the upload to the end.
// MB/s counts file bytes delivered (size × recipients) from the send's request to the last
// recipient's completedAt; MB = 10^6 bytes. Env: BENCH_ATTACH_MIB (50), BENCH_ATTACH_RATE
// (small notices per second, 30), BENCH_ATTACH_BASELINE_SECONDS (12), BENCH_ATTACH_RAW_SECONDS (6).
import { randomBytes, randomUUID } from 'crypto';
import { request } from 'http';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { chunkHeaders, chunkMessageKey, MAX_CHUNK_MESSAGE_BYTES } from '@liaison/attachments';
import { NodeClient } from '@liaison/federation';
import { uuidv7 } from '@liaison/ids';
import { BenchFederation } from './federation';
import { memory, ProcessGroup, ProcessSampler, Progress, round } from './measure';
import { rawTransport } from './raw-transport';
import { AttachmentResult, SmallNotices, TransferResult } from './report';

const MIB = Number(process.env.BENCH_ATTACH_MIB ?? 50);
const FILE_BYTES = MIB * 1024 * 1024;
const RATE = Number(process.env.BENCH_ATTACH_RATE ?? 30);
const BASELINE_SECONDS = Number(process.env.BENCH_ATTACH_BASELINE_SECONDS ?? 12);
const RAW_SECONDS = Number(process.env.BENCH_ATTACH_RAW_SECONDS ?? 6);
const TYPE = 'application/pdf';
const SENDER = 'NL';
export const ATTACHMENT_RECIPIENTS = [['ES'], ['ES', 'CO', 'DE']];
/** Partitions of the raw topics: the federation's attachment topics have the inbox's (3). */
const PARTITIONS = 3;
/** A transfer that shows no progress (chunks sent, files available, deliveries reported) for this long is reported as stalled. */
const STALL_MS = 60_000;
/** How long the sender may take to show a transfer delivered once the file is available at the recipient. */
const REPORT_WAIT_MS = 30_000;
const POLL_MS = 250;
const MB = 1_000_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface AttachmentPhaseContext {
  fed: BenchFederation;
  ports: Record<string, number>;
  /** Every node process and the broker: their RSS is sampled during each transfer. */
  groups: Map<string, ProcessGroup>;
  /** The notice that carries the file (the bench's identity query), without `attachments`. */
  notice: (recipients: string[]) => Record<string, unknown>;
  /** The small-notice load NL → ES at `rate` per second until `done()` holds; its latencies once delivered. */
  smallNotices: (rate: number, done: () => boolean, label: string) => Promise<SmallNotices>;
  progress: Progress;
}

/** A file of random bytes behind a PDF header, generated 1 MiB at a time (never held whole). */
async function* pdfPieces(size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < size; at += 1024 * 1024) {
    const piece = randomBytes(Math.min(1024 * 1024, size - at));
    if (at === 0) piece.write('%PDF-1.7\n', 'latin1');
    yield piece;
  }
}

/** POST /attachments with the file streamed as the body; the upload's id. */
function upload(port: number, token: string, size: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/attachments?name=bench.pdf',
        method: 'POST',
        headers: { 'content-type': TYPE, 'content-length': size, authorization: `Bearer ${token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode === 201 || res.statusCode === 200) resolve((JSON.parse(text) as { id: string }).id);
          else reject(new Error(`upload: HTTP ${res.statusCode} ${text.slice(0, 300)}`));
        });
      },
    );
    req.on('error', reject);
    pipeline(Readable.from(pdfPieces(size)), req).catch(reject);
  });
}

/** kafkajs alone: full chunk messages to `recipients.length` attachment topics, one key (one partition) per topic. */
function rawChunks(prefix: string, recipients: string[], progress: Progress) {
  const attachment = uuidv7();
  const notice = uuidv7();
  const next = new Map<string, number>();
  return rawTransport(
    {
      label: `attachments: raw kafkajs, ${recipients.length} topic(s)`,
      topics: recipients.map((r) => `${prefix}.bench-raw.attach.${r}`),
      partitions: PARTITIONS,
      value: randomBytes(MAX_CHUNK_MESSAGE_BYTES),
      message: (topic) => {
        const index = next.get(topic) ?? 0;
        next.set(topic, index + 1);
        const recipient = topic.slice(topic.lastIndexOf('.') + 1);
        return { key: chunkMessageKey(SENDER, attachment), headers: chunkHeaders({ sender: SENDER, recipient, notice, attachment, index }) };
      },
      // Three full chunks are the most one record batch (1 MiB) holds.
      batch: 3,
      inFlight: 4,
      seconds: RAW_SECONDS,
      maxBytesPerPartition: 4 * 1024 * 1024,
    },
    progress,
  );
}

interface InboundView {
  available?: boolean;
  completedAt?: string | null;
}
interface OutboundView {
  recipients?: { agency: string; status: string; chunksSent: number; deliveredAt: string | null }[];
}

const complete = (available: Map<string, number>, recipients: string[]) => available.size === recipients.length;

/** What the recipients that lack the file recorded of it (their databases): for a transfer that did not complete. */
async function whereItStands(fed: BenchFederation, agencies: string[], id: string): Promise<string> {
  const parts: string[] = [];
  for (const agency of agencies) {
    const [row] = await fed.sql<{ status: string; recorded: number; chunks: number; code: string | null }>(
      agency,
      `SELECT status, chunks_recorded AS recorded, chunks, status_code AS code FROM attachment WHERE id = $1 AND direction = 'inbound'`,
      [id],
    );
    const [{ held }] = await fed.sql<{ held: number }>(agency, `SELECT count(*)::int AS held FROM held_chunk WHERE attachment_id = $1`, [id]);
    parts.push(`${agency}: ${row ? `${row.status}${row.code ? ` (${row.code})` : ''}, ${row.recorded}/${row.chunks} chunks recorded` : 'not declared (no envelope recorded)'}, ${held} chunks held`);
  }
  return parts.join('; ');
}

/** One transfer: upload, send, then poll until every recipient has the file available (and NL saw each delivered), with the small-notice load running. */
async function transfer(ctx: AttachmentPhaseContext, recipients: string[]): Promise<TransferResult> {
  const { fed, ports, progress } = ctx;
  const label = `attachment to ${recipients.length} recipient(s)`;
  const sender = new NodeClient({ baseUrl: `http://127.0.0.1:${ports[SENDER]}`, token: await fed.token(SENDER, 'operator') });
  const officers = new Map<string, NodeClient>();
  for (const r of recipients) officers.set(r, new NodeClient({ baseUrl: `http://127.0.0.1:${ports[r]}`, token: await fed.token(r, 'liaison_officer') }));
  const rssAtStartMiB = Object.fromEntries([...ctx.groups].map(([k, g]) => [k, round(memory(g.pids()[0])?.rss ?? NaN, 1)]));
  const sampler = new ProcessSampler(ctx.groups);
  await sampler.begin();
  try {
    progress.update(label, 0.05, 'uploading');
    const uploadStart = Date.now();
    const id = await upload(ports[SENDER], await fed.token(SENDER, 'operator'), FILE_BYTES);
    const uploadSeconds = (Date.now() - uploadStart) / 1000;
    const fromSend = new ProcessSampler(ctx.groups);
    await fromSend.begin();
    let finished = false;
    let sentAt = 0;
    let noticeId = '';
    const load = ctx.smallNotices(RATE, () => finished, `${label}: small notices`);
    const available = new Map<string, number>();
    const delivered = new Map<string, number>();
    let allSentAt: number | null = null;
    let note: string | null = null;
    try {
      sentAt = Date.now();
      noticeId = (await sender.send({ ...ctx.notice(recipients), attachments: [id] } as never, randomUUID())).id;
      let lastChange = Date.now();
      let lastProgress = -1;
      while (available.size < recipients.length || delivered.size < recipients.length) {
        for (const [agency, client] of officers) {
          if (available.has(agency)) continue;
          const r = await client.request<InboundView[]>('GET', `/inbox/${noticeId}/attachments`);
          const a = r.status === 200 && Array.isArray(r.body) ? r.body.find((x) => x.available) : undefined;
          if (a) available.set(agency, a.completedAt ? Date.parse(a.completedAt) : Date.now());
        }
        const [view] = await sender.call<OutboundView[]>('GET', `/notices/${noticeId}/attachments`);
        const transfers = view?.recipients ?? [];
        for (const t of transfers) if (t.status === 'delivered' && !delivered.has(t.agency)) delivered.set(t.agency, t.deliveredAt ? Date.parse(t.deliveredAt) : Date.now());
        const chunks = transfers.reduce((sum, t) => sum + t.chunksSent, 0);
        if (allSentAt === null && transfers.length > 0 && transfers.every((t) => t.status !== 'sending')) allSentAt = Date.now();
        const failed = transfers.find((t) => t.status === 'failed');
        if (failed) {
          note = `the transfer to ${failed.agency} failed`;
          break;
        }
        if (available.size === recipients.length && Date.now() - Math.max(...available.values()) > REPORT_WAIT_MS) {
          note = `available at every recipient, but ${recipients.length - delivered.size} delivered report(s) not seen by the sender within ${REPORT_WAIT_MS / 1000} s`;
          break;
        }
        const progressed = chunks + available.size + delivered.size;
        if (progressed !== lastProgress) {
          lastProgress = progressed;
          lastChange = Date.now();
        } else if (Date.now() - lastChange > STALL_MS) {
          note = `no progress for ${STALL_MS / 1000} s: ${chunks} chunks sent, available at ${available.size}/${recipients.length}, delivered reported by ${delivered.size}/${recipients.length}`;
          break;
        }
        progress.update(label, 0.1 + 0.9 * (available.size / recipients.length), `${chunks} chunks sent, available at ${available.size}/${recipients.length}`);
        await sleep(POLL_MS);
      }
    } finally {
      finished = true;
    }
    const small = await load;
    if (!complete(available, recipients)) note = `${note ?? 'not available everywhere'}; ${await whereItStands(fed, recipients.filter((r) => !available.has(r)), id)}`;
    const processes = sampler.end();
    const cpuSecondsFromSend = Object.fromEntries(Object.entries(fromSend.end()).map(([k, v]) => [k, round(v.cpuSeconds, 1)]));
    fromSend.stop();
    const seconds = complete(available, recipients) ? (Math.max(...available.values()) - sentAt) / 1000 : null;
    const result: TransferResult = {
      recipients,
      fileBytes: FILE_BYTES,
      uploadSeconds: round(uploadSeconds, 1),
      uploadMBPerSecond: round(FILE_BYTES / MB / uploadSeconds, 1),
      complete: complete(available, recipients),
      seconds: seconds === null ? null : round(seconds, 2),
      mbPerSecond: seconds === null ? null : round((FILE_BYTES * recipients.length) / MB / seconds, 1),
      allChunksSentSeconds: allSentAt === null ? null : round((allSentAt - sentAt) / 1000, 1),
      deliveredSeenSeconds: delivered.size === recipients.length ? round((Math.max(...delivered.values()) - sentAt) / 1000, 2) : null,
      rssAtStartMiB,
      peakRssMiB: Object.fromEntries(Object.entries(processes).filter(([, v]) => !Number.isNaN(v.peakRssMiB)).map(([k, v]) => [k, v.peakRssMiB])),
      cpuSecondsFromSend,
      smallNotices: small,
      note,
    };
    progress.done(
      `${label}: ${result.complete ? `${result.mbPerSecond} MB/s (${result.seconds} s from the send to available at every recipient)` : `NOT COMPLETE (${note ?? 'available nowhere'})`}; upload ${result.uploadSeconds} s; ` +
        `peak RSS ${Object.entries(result.peakRssMiB).map(([k, v]) => `${k} ${v}`).join(', ')} MiB; small notices p99 ${small.latencyMs.p99} ms (${small.delivered}/${small.accepted})`,
    );
    return result;
  } finally {
    sampler.stop();
  }
}

export async function attachmentPhase(ctx: AttachmentPhaseContext): Promise<AttachmentResult> {
  const { fed, progress } = ctx;
  const raw: AttachmentResult['raw'] = [];
  for (const recipients of ATTACHMENT_RECIPIENTS) {
    const result = await rawChunks(fed.topics.prefix, recipients, progress);
    raw.push({ topics: recipients.length, result });
    progress.done(`attachments: raw kafkajs to ${recipients.length} topic(s): ${result.endToEndMBPerSecond} MB/s produced and consumed (${result.endToEndPerSecond} chunks/s)`);
  }
  const baselineEnd = Date.now() + BASELINE_SECONDS * 1000;
  const baseline = await ctx.smallNotices(RATE, () => Date.now() >= baselineEnd, 'small notices, no transfer');
  progress.done(`small notices at ${RATE}/s without a transfer: p50 ${baseline.latencyMs.p50} ms, p99 ${baseline.latencyMs.p99} ms (${baseline.delivered}/${baseline.accepted})`);
  const transfers: TransferResult[] = [];
  for (const recipients of ATTACHMENT_RECIPIENTS) transfers.push(await transfer(ctx, recipients));
  return { fileBytes: FILE_BYTES, type: TYPE, chunkMessageBytes: MAX_CHUNK_MESSAGE_BYTES, rate: RATE, raw, baseline, transfers };
}
