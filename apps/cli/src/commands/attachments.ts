// Attachments from the command line: files named with `liaison send --attach/--photo` are
// streamed from disk to the node (never read whole), and `liaison attachment fetch` streams one
// back to a file, which it keeps only if its size and SHA-256 are those the signed notice declares.
import { createHash, Hash } from 'crypto';
import { createReadStream, existsSync, statSync } from 'fs';
import { basename } from 'path';
import { Readable } from 'stream';
import { BUILT_IN_MEDIA, MEDIA_TYPE, mediaTypeOfFileName } from '@liaison/attachments';
import { ApiSchemas, NodeClient, saveStream } from '@liaison/federation';
import { UsageError } from '../args';
import type { CliIo } from './cli-io';

/** A file to attach, checked before anything is sent. */
export interface AttachFile {
  file: string;
  name: string;
  type: string;
  size: number;
}

/**
 * `<file>` or `<file>;type=<media type>` (curl's `-F` form): the media type comes from the
 * file's extension unless given (the node checks it against the file's first bytes).
 */
export function attachFile(value: string, option: string): AttachFile {
  const typed = /^(.*);type=([^;]*)$/.exec(value);
  const file = typed ? typed[1] : value;
  const type = typed ? typed[2].trim().toLowerCase() : mediaTypeOfFileName(file, BUILT_IN_MEDIA);
  if (!type) throw new UsageError(`--${option} ${file}: its media type cannot be told from the file name; give it as --${option} '${file};type=<media type>'`);
  if (!MEDIA_TYPE.test(type)) throw new UsageError(`--${option} ${file}: "${type.slice(0, 80)}" is not a media type such as image/jpeg`);
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw Object.assign(new Error('not a file'), { code: 'not a file' });
    size = stat.size;
  } catch (error) {
    throw new UsageError(`--${option} ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return { file, name: basename(file), type, size };
}

/** A web stream of the file through `hash` (the node's SHA-256 is compared with what was read). */
function hashedFileStream(file: string, hash: Hash): ReadableStream<Uint8Array> {
  async function* read() {
    for await (const chunk of createReadStream(file)) {
      hash.update(chunk as Buffer);
      yield chunk as Buffer;
    }
  }
  return Readable.toWeb(Readable.from(read())) as ReadableStream<Uint8Array>;
}

/**
 * Uploads each file in turn, streamed from disk, and checks the node stored exactly the bytes
 * read (its size and SHA-256). Returns the node's facts of each, in order.
 */
export async function uploadFiles(api: NodeClient, files: AttachFile[], io: CliIo): Promise<ApiSchemas['AttachmentFacts'][]> {
  const stored: ApiSchemas['AttachmentFacts'][] = [];
  for (const f of files) {
    // A fresh hash per attempt: a retry sends the file again from its start.
    let hash: Hash | undefined;
    const facts = await api.uploadAttachment(() => hashedFileStream(f.file, (hash = createHash('sha256'))), f.type, f.name);
    const read = hash?.digest('hex');
    if (facts.sha256 !== read) throw new Error(`${f.file}: the node stored SHA-256 ${facts.sha256} but ${read} was read (the file changed while it was sent?)`);
    io.err(`uploaded ${f.name}: ${facts.size} bytes, ${f.type}, SHA-256 ${facts.sha256}\n`);
    stored.push(facts);
  }
  return stored;
}

type Listed = ApiSchemas['SentAttachment'] | ApiSchemas['ReceivedAttachment'];

/** Where an attachment is saved without --out: its file name, reduced to a plain name in this folder. */
export function defaultFileName(a: { id: string; name: string | null }): string {
  const plain = basename(a.name ?? '').replace(/[^\w.@+-]/g, '_').replace(/^\.+/, '');
  return plain || a.id;
}

/**
 * Streams an attachment to `out` (written whole or not at all), checking size and SHA-256 against
 * the node's list (the digest signed in the notice) before the file is kept.
 */
export async function fetchAttachment(
  api: NodeClient,
  at: { noticeId: string; attachmentId: string; sent: boolean; sender?: string },
  out: string | undefined,
): Promise<{ file: string; attachment: Listed }> {
  const list: Listed[] = at.sent ? await api.sentAttachments(at.noticeId) : await api.receivedAttachments(at.noticeId, at.sender);
  const a = list.find((x) => x.id === at.attachmentId);
  if (!a) throw new Error(`notice ${at.noticeId} has no attachment ${at.attachmentId}${list.length ? ` (it has ${list.map((x) => x.id).join(', ')})` : ''}`);
  if ('available' in a && !a.available) throw new Error(`attachment ${a.id} is not available yet (${a.status}): it is offered once it arrived whole and verified`);
  const file = out ?? defaultFileName(a);
  if (out === undefined && existsSync(file)) throw new UsageError(`${file} exists; give --out`);
  const hash = createHash('sha256');
  let size = 0;
  const checked = (await api.downloadAttachment(at.noticeId, a.id, at.sent ? { sent: true } : { sender: at.sender })).pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        hash.update(chunk);
        size += chunk.byteLength;
        controller.enqueue(chunk);
      },
      flush() {
        const digest = hash.digest('hex');
        if (digest !== a.sha256 || size !== a.size) throw new Error(`attachment ${a.id}: received ${size} bytes with SHA-256 ${digest}, the notice declares ${a.size} bytes with ${a.sha256}; nothing was written`);
      },
    }),
  );
  await saveStream(checked, file);
  return { file, attachment: a };
}
