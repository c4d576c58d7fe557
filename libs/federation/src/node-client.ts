import { randomUUID } from 'crypto';
import { once } from 'events';
import { createWriteStream, renameSync, rmSync } from 'fs';
import { basename, dirname, join } from 'path';
import type { components, paths } from './api-types';

/** Connection failures after which a request may be sent again (with the same Idempotency-Key). */
const RETRIABLE_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'UND_ERR_SOCKET', 'ETIMEDOUT']);
/** The longest Retry-After the client honours: beyond it the node's answer is returned as it is. */
const MAX_RETRY_AFTER_SECONDS = 30;
export const DEFAULT_RETRIES = 3;

/** The node's schemas, as its OpenAPI document declares them (generated: ./api-types.ts). */
export type ApiSchemas = components['schemas'];
type ActionResult = ApiSchemas['ActionResult'];

/** The JSON body of the documented 2xx answer of `method path`. */
export type ApiOk<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends { responses: infer R }
  ? { [S in keyof R]: S extends 200 | 201 ? (R[S] extends { content: { 'application/json': infer B } } ? B : never) : never }[keyof R]
  : never;
/** The query parameters `method path` documents. */
export type ApiQuery<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export interface FieldProblem {
  field: string;
  message: string;
}

/** An error answer of the node: RFC 9457 problem details, or the older `{error, message, fields}`. */
export interface Problem {
  status: number;
  title?: string;
  detail?: string;
  errors: FieldProblem[];
}

export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly problem: Problem,
  ) {
    super(`${method} ${path}: ${describeProblem(problem)}`);
  }
}

/** The node could not be reached (after the retries). */
export class NodeUnreachableError extends Error {}

function fieldList(value: unknown): FieldProblem[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((f): f is Record<string, unknown> => typeof f === 'object' && f !== null)
    .map((f) => ({ field: String(f.field ?? f.pointer ?? ''), message: String(f.message ?? f.detail ?? '') }));
}

/** Reads either error shape; what is missing stays undefined. */
export function parseProblem(status: number, body: unknown): Problem {
  if (typeof body !== 'object' || body === null) return { status, detail: typeof body === 'string' && body ? body.slice(0, 500) : undefined, errors: [] };
  const b = body as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  if (text(b.title) !== undefined || text(b.detail) !== undefined || Array.isArray(b.errors)) {
    return { status, title: text(b.title), detail: text(b.detail), errors: fieldList(b.errors) };
  }
  const message = Array.isArray(b.message) ? b.message.join('; ') : text(b.message);
  const errors = fieldList(b.fields);
  // The older message only joins the field errors: print them once.
  return { status, title: text(b.error), detail: errors.length ? undefined : message, errors };
}

/** One line per problem: status, title, detail, then each field error (which already says what is wrong). */
export function describeProblem(p: Problem): string {
  const head = [`HTTP ${p.status}`, p.title, p.detail].filter(Boolean).join(': ');
  return p.errors.length ? `${head}\n${p.errors.map((e) => `  ${e.field || '(request)'}: ${e.message}`).join('\n')}` : head;
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  body?: unknown;
  /**
   * A streamed body instead (a file upload), opened again for each attempt so a retry sends it
   * whole; `contentType` is its media type.
   */
  stream?: () => ReadableStream<Uint8Array>;
  contentType?: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent on every creating or changing request; one per action, kept across its retries. */
  idempotencyKey?: string;
}

export interface NodeClientOptions {
  baseUrl: string;
  /** A bearer token, or a function minting one (never logged or printed). */
  token?: string | (() => Promise<string>);
  /** How many times a request is sent again after a connection reset/refusal or a 5xx with Retry-After. */
  retries?: number;
  /** Wait before retrying a connection failure, per attempt (ms). */
  backoffMs?: number;
  /** Called before each retry (the CLI says so on stderr). */
  onRetry?: (attempt: number, reason: string) => void;
}

function networkCode(error: unknown): string | undefined {
  let current = error as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; current && depth < 4; depth++) {
    if (typeof current.code === 'string') return current.code;
    current = current.cause as typeof current;
  }
  return undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The HTTP client of a node's API, used by the CLI, the demo, the tests and the bench alike.
 * Every POST carries an Idempotency-Key; a request that met a connection reset or refusal, or a
 * 5xx with Retry-After, is sent again a bounded number of times with the same key, so a node
 * that honours the key does the action once.
 */
export class NodeClient {
  private readonly retries: number;

  constructor(private readonly options: NodeClientOptions) {
    this.retries = options.retries ?? DEFAULT_RETRIES;
  }

  get baseUrl(): string {
    return this.options.baseUrl.replace(/\/+$/, '');
  }

  private async headers(method: string, options: RequestOptions): Promise<Record<string, string>> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    const token = typeof this.options.token === 'function' ? await this.options.token() : this.options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.contentType !== undefined) headers['content-type'] = options.contentType;
    if (method !== 'GET' && method !== 'HEAD') headers['idempotency-key'] = options.idempotencyKey ?? randomUUID();
    return headers;
  }

  private url(path: string, query: RequestOptions['query']): string {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  /** Sends the request (with the retries); the response is returned whatever its status. */
  async fetch(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const headers = await this.headers(method, options);
    const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        // A stream body needs half duplex (the answer may start before the upload ends).
        const init: RequestInit & { duplex?: 'half' } = options.stream ? { method, headers, body: options.stream(), duplex: 'half' } : { method, headers, body };
        response = await fetch(this.url(path, options.query), init);
      } catch (error) {
        const code = networkCode(error);
        if (code !== undefined && RETRIABLE_NETWORK_CODES.has(code) && attempt < this.retries) {
          this.options.onRetry?.(attempt + 1, code);
          await sleep((this.options.backoffMs ?? 250) * (attempt + 1));
          continue;
        }
        throw new NodeUnreachableError(`${method} ${path}: cannot reach ${this.baseUrl} (${code ?? (error as Error).message})`);
      }
      const retryAfter = Number(response.headers.get('retry-after'));
      if (response.status >= 500 && response.headers.has('retry-after') && Number.isFinite(retryAfter) && retryAfter <= MAX_RETRY_AFTER_SECONDS && attempt < this.retries) {
        await response.body?.cancel();
        this.options.onRetry?.(attempt + 1, `HTTP ${response.status}, retry after ${retryAfter} s`);
        await sleep(Math.max(0, retryAfter) * 1000);
        continue;
      }
      return response;
    }
  }

  /** The response with its body parsed (JSON, else text), whatever its status. */
  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const response = await this.fetch(method, path, options);
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: body as T };
  }

  /** The parsed body of a 2xx answer; an ApiError otherwise. */
  async call<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.request<T>(method, path, options);
    if (response.status < 200 || response.status > 299) throw new ApiError(method, path, parseProblem(response.status, response.body));
    return response.body;
  }

  /** A streamed 2xx body (audit bundles and attachments are never held in memory); an ApiError otherwise. */
  async stream(path: string, query?: RequestOptions['query']): Promise<ReadableStream<Uint8Array>> {
    const response = await this.fetch('GET', path, { query });
    if (response.status !== 200 || !response.body) {
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON
      }
      throw new ApiError('GET', path, parseProblem(response.status, body));
    }
    return response.body;
  }

  // The node's actions, by name, with the request and answer types of its OpenAPI document
  // (docs/PROTOCOL.md); a change of the document that is not regenerated fails the type-check or
  // test/e2e/node-openapi.spec.ts.

  send(notice: ApiSchemas['ComposeRequest'], idempotencyKey?: string): Promise<ApiSchemas['SendResult']> {
    return this.call('POST', '/notices', { body: notice, idempotencyKey });
  }

  sendBatch(notices: ApiSchemas['ComposeRequest'][], idempotencyKey?: string): Promise<ApiSchemas['BatchSendResult']> {
    return this.call('POST', '/notices/batch', { body: { notices }, idempotencyKey });
  }

  openCase(request: ApiSchemas['OpenCaseRequest'], idempotencyKey?: string): Promise<{ id: string; reference: string }> {
    return this.call('POST', '/cases', { body: request, idempotencyKey });
  }

  cases(limit?: number): Promise<ApiSchemas['Case'][]> {
    return this.call('GET', '/cases', { query: { limit } });
  }

  caseView(id: string): Promise<ApiSchemas['Case']> {
    return this.call('GET', `/cases/${encodeURIComponent(id)}`);
  }

  /** A membership step of a case: invite (body `{agency}`), accept, decline (body `{reason?}`), leave or close. */
  caseStep(id: string, step: 'invite' | 'accept' | 'decline' | 'leave' | 'close', body: Record<string, unknown> = {}, idempotencyKey?: string): Promise<ApiSchemas['Case']> {
    return this.call('POST', `/cases/${encodeURIComponent(id)}/${step}`, { body, idempotencyKey });
  }

  thread(id: string): Promise<ApiOk<'/notices/{id}/thread', 'get'>> {
    return this.call('GET', `/notices/${encodeURIComponent(id)}/thread`);
  }

  sent(limit?: number): Promise<ApiOk<'/notices', 'get'>> {
    return this.call('GET', '/notices', { query: { limit } });
  }

  sentNotice(id: string): Promise<ApiOk<'/notices/{id}', 'get'>> {
    return this.call('GET', `/notices/${encodeURIComponent(id)}`);
  }

  inbox(filter: ApiQuery<'/inbox', 'get'> = {}): Promise<ApiOk<'/inbox', 'get'>> {
    return this.call('GET', '/inbox', { query: filter });
  }

  inboxNotice(id: string): Promise<ApiOk<'/inbox/{id}', 'get'>> {
    return this.call('GET', `/inbox/${encodeURIComponent(id)}`);
  }

  acknowledge(id: string, idempotencyKey?: string): Promise<ActionResult> {
    return this.call('POST', `/inbox/${encodeURIComponent(id)}/acknowledge`, { idempotencyKey });
  }

  answer(id: string, answer: ApiSchemas['AnswerRequest'], idempotencyKey?: string): Promise<ActionResult> {
    return this.call('POST', `/inbox/${encodeURIComponent(id)}/answer`, { body: answer, idempotencyKey });
  }

  /** A reason alone, or `{ground, reason}` with a Directive 2023/977 Art. 6 ground. */
  decline(id: string, reason: ApiSchemas['DeclineRequest']['reason'] | ApiSchemas['DeclineRequest'], idempotencyKey?: string): Promise<ActionResult> {
    return this.call('POST', `/inbox/${encodeURIComponent(id)}/decline`, { body: typeof reason === 'string' ? { reason } : reason, idempotencyKey });
  }

  /** Assigns a received notice to an officer (local to this agency). */
  assign(id: string, officer: string, idempotencyKey?: string): Promise<ApiOk<'/inbox/{id}/assign', 'post'>> {
    return this.call('POST', `/inbox/${encodeURIComponent(id)}/assign`, { body: { officer }, idempotencyKey });
  }

  /** Adds an internal note (never sent) to a received (`inbox`) or sent (`notices`) notice. */
  note(id: string, text: string, on: 'inbox' | 'notices' = 'inbox', idempotencyKey?: string): Promise<ApiOk<'/inbox/{id}/notes', 'post'>> {
    return this.call('POST', `/${on}/${encodeURIComponent(id)}/notes`, { body: { text }, idempotencyKey });
  }

  /** Assignment, notes and correlations of a received (`inbox`) or sent (`notices`) notice. */
  casework(id: string, on: 'inbox' | 'notices' = 'inbox'): Promise<ApiSchemas['Casework']> {
    return this.call('GET', `/${on}/${encodeURIComponent(id)}/casework`);
  }

  search(query: ApiQuery<'/search', 'get'>): Promise<ApiOk<'/search', 'get'>> {
    return this.call('GET', '/search', { query });
  }

  passOn(id: string, recipients: ApiSchemas['PassOnRequest']['recipients'], idempotencyKey?: string): Promise<ApiSchemas['Created']> {
    return this.call('POST', `/inbox/${encodeURIComponent(id)}/pass-on`, { body: { recipients }, idempotencyKey });
  }

  /**
   * Streams a file into the node's encrypted storage (POST /attachments) to send with a notice:
   * `open` gives the file's bytes (called again for a retry: a broken upload leaves nothing
   * behind, so the retry is a new upload), `type` its media type. Name the answer's id in the
   * notice's `attachments`.
   */
  uploadAttachment(open: () => ReadableStream<Uint8Array>, type: string, name?: string): Promise<ApiSchemas['AttachmentFacts']> {
    return this.call('POST', '/attachments', { stream: open, contentType: type, query: { name } });
  }

  /** The attachments of a notice this agency sent, with each recipient's transfer. */
  sentAttachments(noticeId: string): Promise<ApiOk<'/notices/{id}/attachments', 'get'>> {
    return this.call('GET', `/notices/${encodeURIComponent(noticeId)}/attachments`);
  }

  /** The attachments of a received notice (`sender` when two agencies used its id), `available` once verified whole. */
  receivedAttachments(noticeId: string, sender?: string): Promise<ApiOk<'/inbox/{id}/attachments', 'get'>> {
    return this.call('GET', `/inbox/${encodeURIComponent(noticeId)}/attachments`, { query: { sender } });
  }

  /** An attachment's bytes, streamed: of a notice this agency sent (`sent`), or of a received one. */
  downloadAttachment(noticeId: string, attachmentId: string, from: { sent: true } | { sent?: false; sender?: string }): Promise<ReadableStream<Uint8Array>> {
    const path = `/${from.sent ? 'notices' : 'inbox'}/${encodeURIComponent(noticeId)}/attachments/${encodeURIComponent(attachmentId)}`;
    return this.stream(path, from.sent ? undefined : { sender: from.sender });
  }

  auditBundle(query?: RequestOptions['query']): Promise<ReadableStream<Uint8Array>> {
    return this.stream('/audit/bundle', query);
  }
}

/**
 * Writes a streamed body to `file` chunk by chunk (memory stays flat), through a temporary file
 * renamed at the end: a cut stream leaves no half-written file behind. Returns the bytes written.
 */
export async function saveStream(stream: ReadableStream<Uint8Array>, file: string, mode = 0o600): Promise<number> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomUUID()}.tmp`);
  const out = createWriteStream(tmp, { mode, flags: 'wx' });
  let bytes = 0;
  try {
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (!out.write(Buffer.from(value))) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    renameSync(tmp, file);
    return bytes;
  } catch (error) {
    out.destroy();
    rmSync(tmp, { force: true });
    throw error;
  }
}
