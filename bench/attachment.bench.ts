// The attachment format over Kafka, next to raw kafkajs with the same chunk size on the same broker.
//
//   npm run build && node -r ./deploy/register-paths.js dist/bench/attachment.bench.js [MiB]
//
// For 1 and 3 recipients, a file of MiB (default 50) goes out as 256 KiB chunks, one copy per
// recipient topic, acks=all, and is consumed back:
//   - raw: kafkajs alone, random 262,160-byte values, nothing checked;
//   - format: `@liaison/attachments` end to end — streamed sealing (AttachmentSealer), chunk headers,
//     and on the consuming side parseChunkHeaders, decideChunk against the descriptor, and
//     AttachmentOpener (decryption, SHA-256, magic bytes) for each recipient's copy.
// MB/s counts file bytes delivered (size × recipients). Both sides run in this one process, so the
// peak RSS printed is sender and receivers together. This measures the format and the transport,
// not the node (which does not carry attachments yet): no HTTP upload, database or outbox.
import { createHash, randomBytes } from 'crypto';
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { Kafka } from 'kafkajs';
import {
  AttachmentDescriptor,
  AttachmentOpener,
  AttachmentSealer,
  CHUNK_BYTES,
  chunkHeaders,
  chunkMessageKey,
  decideChunk,
  DEFAULT_ATTACHMENT_POLICY,
  HEADER_CHUNK_INDEX,
  MAX_CHUNK_MESSAGE_BYTES,
  parseChunkHeaders,
} from '@liaison/attachments';
import { uuidv7 } from '@liaison/ids';
import { createKafka } from '@liaison/transport';
import { adminSettings, ROOT } from './support/federation';

const MIB = Number(process.argv[2] ?? 50);
const SIZE = MIB * 1024 * 1024;
const RECIPIENTS = ['ES', 'CO', 'VE'];
/** Chunks per produce request and partition: the broker refuses record batches over 1 MiB (message.max.bytes), so at most 3. */
const IN_FLIGHT_CHUNKS = 3;
const MB = 1_000_000;
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pieces of a deterministic PDF-like file, generated as needed (the file is never held whole). */
function* filePieces(): Generator<Buffer> {
  const piece = Buffer.alloc(1024 * 1024);
  for (let at = 0; at < SIZE; at += piece.length) {
    for (let i = 0; i < piece.length; i += 4) piece.writeUInt32LE((at + i) * 2654435761 >>> 0, i);
    if (at === 0) piece.write('%PDF-1.7\n', 'latin1');
    yield piece.subarray(0, Math.min(piece.length, SIZE - at));
  }
}

interface Run {
  seconds: number;
  /** Of which spent checking and opening chunks on the consuming side (all receivers share this one thread). */
  checkSeconds: number;
  mbPerSecond: number;
}

/** Produces via `send`, consumes `topics` until `expected` messages arrived, `check` on each. */
async function transfer(
  kafka: Kafka,
  topics: string[],
  expected: number,
  send: (producer: ReturnType<Kafka['producer']>) => Promise<void>,
  check: (topic: string, value: Buffer, headers: Record<string, string>) => void,
): Promise<{ seconds: number; checkSeconds: number }> {
  let checkMs = 0;
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId: `${topics[0]}.bench`, maxBytes: 16 * 1024 * 1024, maxBytesPerPartition: 4 * 1024 * 1024 });
  await producer.connect();
  await consumer.connect();
  for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
  let consumed = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  await consumer.run({
    eachBatchAutoResolve: true,
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        const headers = Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)]));
        const t = performance.now();
        check(batch.topic, m.value!, headers);
        checkMs += performance.now() - t;
        if (++consumed === expected) done();
      }
    },
  });
  await sleep(3000); // group join
  const start = performance.now();
  await send(producer);
  await Promise.race([finished, sleep(300_000).then(() => Promise.reject(new Error(`consumed ${consumed} of ${expected}`)))]);
  const seconds = (performance.now() - start) / 1000;
  await consumer.disconnect();
  await producer.disconnect();
  return { seconds, checkSeconds: checkMs / 1000 };
}

async function raw(kafka: Kafka, topics: string[]): Promise<Run> {
  const chunks = Math.ceil(SIZE / CHUNK_BYTES);
  const value = randomBytes(MAX_CHUNK_MESSAGE_BYTES);
  const { seconds, checkSeconds } = await transfer(
    kafka,
    topics,
    chunks * topics.length,
    async (producer) => {
      for (let i = 0; i < chunks; i += IN_FLIGHT_CHUNKS) {
        const n = Math.min(IN_FLIGHT_CHUNKS, chunks - i);
        const messages = Array.from({ length: n }, (_, k) => ({ key: 'NL/raw', value, headers: { [HEADER_CHUNK_INDEX]: String(i + k) } }));
        await producer.sendBatch({ acks: -1, topicMessages: topics.map((topic) => ({ topic, messages })) });
      }
    },
    () => undefined,
  );
  return { seconds: round(seconds, 2), checkSeconds: round(checkSeconds, 2), mbPerSecond: round((SIZE * topics.length) / MB / seconds) };
}

async function format(kafka: Kafka, topics: string[], recipients: string[]): Promise<Run & { verified: number }> {
  // The sender seals once (streamed) to learn the descriptor, as it must before signing the envelope;
  // the sealed chunks are then produced from a second streamed sealing with the same key and id.
  const key = randomBytes(32);
  const id = uuidv7();
  const notice = uuidv7();
  const first = new AttachmentSealer(key, id);
  for (const p of filePieces()) first.push(p);
  const { summary } = first.finish();
  const d: AttachmentDescriptor = { id, type: 'application/pdf', key: key.toString('base64url'), ...summary };
  const openers = new Map(recipients.map((r, i) => [topics[i], { recipient: r, opener: new AttachmentOpener(d, DEFAULT_ATTACHMENT_POLICY) }]));
  let verified = 0;
  const { seconds, checkSeconds } = await transfer(
    kafka,
    topics,
    d.chunks * topics.length,
    async (producer) => {
      const sealer = new AttachmentSealer(key, id);
      let index = 0;
      let pending: Buffer[] = [];
      const flush = async () => {
        const base = index - pending.length;
        await producer.sendBatch({
          acks: -1,
          topicMessages: recipients.map((recipient, r) => ({
            topic: topics[r],
            messages: pending.map((value, k) => ({
              key: chunkMessageKey('NL', id),
              value,
              headers: chunkHeaders({ sender: 'NL', recipient, notice, attachment: id, index: base + k }),
            })),
          })),
        });
        pending = [];
      };
      for (const p of filePieces()) {
        for (const c of sealer.push(p)) {
          pending.push(c);
          index++;
          if (pending.length === IN_FLIGHT_CHUNKS) await flush();
        }
      }
      pending.push(sealer.finish().last);
      index++;
      await flush();
    },
    (topic, value, headers) => {
      const { recipient, opener } = openers.get(topic)!;
      const parsed = parseChunkHeaders(headers);
      if (!parsed.ok) throw new Error(parsed.code);
      const digest = createHash('sha256').update(value).digest('hex');
      const decision = decideChunk({ self: recipient, address: parsed.address, length: value.length, digest, declared: { notice, sender: 'NL', descriptor: d } });
      if (!decision.ok) throw new Error(decision.code);
      const r = opener.push(value);
      if (!r.ok) throw new Error(r.code);
      if (parsed.address.index === d.chunks - 1) {
        const f = opener.finish();
        if (!f.ok) throw new Error(f.code);
        verified++;
      }
    },
  );
  return { seconds: round(seconds, 2), checkSeconds: round(checkSeconds, 2), mbPerSecond: round((SIZE * topics.length) / MB / seconds), verified };
}

async function main(): Promise<void> {
  const kafka = createKafka(adminSettings(), { clientId: 'liaison-bench-attachment' });
  const admin = kafka.admin();
  await admin.connect();
  const prefix = `bench-att-${randomBytes(3).toString('hex')}`;
  const results: Record<string, unknown> = { fileMiB: MIB, chunkBytes: CHUNK_BYTES };
  try {
    for (const n of [1, 3]) {
      for (const mode of ['raw', 'format'] as const) {
        const topics = RECIPIENTS.slice(0, n).map((r) => `${prefix}.${mode}${n}.attach.${r}`);
        await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 })), waitForLeaders: true });
        const run = mode === 'raw' ? await raw(kafka, topics) : await format(kafka, topics, RECIPIENTS.slice(0, n));
        results[`${mode}_${n}`] = run;
        process.stdout.write(`[bench] ${mode}, ${n} recipient(s): ${run.mbPerSecond} MB/s (${run.seconds} s for ${MIB} MiB × ${n}, ${run.checkSeconds} s of it checking)\n`);
        await admin.deleteTopics({ topics }).catch(() => undefined);
      }
    }
  } finally {
    await admin.disconnect();
  }
  results.peakRssMiB = round(process.resourceUsage().maxRSS / 1024);
  for (const n of [1, 3]) results[`ratio_${n}`] = round((results[`format_${n}`] as Run).mbPerSecond / (results[`raw_${n}`] as Run).mbPerSecond, 2);
  process.stdout.write(`[bench] format/raw: ${results.ratio_1} (1 recipient), ${results.ratio_3} (3); peak RSS of this process (sender and receivers): ${results.peakRssMiB} MiB\n`);
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'attachment.json'), JSON.stringify(results, null, 2) + '\n');
}

// Exits once done: after writing its results the process was once seen to stay alive (an open kafkajs handle), and run.sh waits for it.
main().then(() => process.exit(0), (e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
