// The daily actions over a node's API (`liaison send`, `inbox`, `sent`, `show`, `acknowledge`,
// `answer`, `decline`, `pass-on`, `assign`, `note`, `casework`, `search`, `export`, `attachment`), so agencies can script Liaison without writing a
// client. Everything given is validated (with the rules the node applies) before a request goes
// out; every changing request carries one Idempotency-Key for all its retries.
import { readFileSync } from 'fs';
import { Command } from 'commander';
import { isAgencyCode, isUuid, uuidv7 } from '@liaison/ids';
import { MAX_ATTACHMENTS_PER_NOTICE } from '@liaison/attachments';
import { validateDeclineCaseRequest, validateOpenCaseRequest } from '@liaison/cases';
import { NOTICE_STATES, PRIORITIES, REFUSAL_GROUND_CODES, validateAnswerRequest, validateAssignmentRequest, validateComposeRequest, validateDeclineRequest, validateNoteRequest } from '@liaison/notices';
import { ApiError, ApiQuery, ApiSchemas, NodeClient, saveStream } from '@liaison/federation';
import { act, EXIT, option, ParsedArgs, UsageError } from '../args';
import { CliIo, envSetting, printJson, readJsonFile } from './cli-io';
import { attachFile, fetchAttachment, uploadFiles } from './attachments';

const MAX_PAGE = 200;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** Reads a JSON document from a file, or from standard input for "-". */
function readJsonInput(source: string, what: string, io: CliIo): unknown {
  if (source !== '-') {
    try {
      return readJsonFile(source, what);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  let text: string;
  try {
    text = (io.stdin ?? (() => readFileSync(0, 'utf8')))();
  } catch (error) {
    throw new UsageError(`${what}: cannot read standard input (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} on standard input is not valid JSON (${(error as Error).message.replace(/\s+in JSON.*$/s, '')})`);
  }
}

/** Commander's collector of a repeatable option. */
const collect = (value: string, previous: string[]) => [...previous, value];

function refuseFields(what: string, errors: { field: string; message: string }[]): never {
  throw new UsageError(`${what} is not valid:\n${errors.map((e) => `  ${e.field || '(request)'}: ${e.message}`).join('\n')}`);
}

function agencyList(value: string, name: string): string[] {
  const list = value.split(',').map((s) => s.trim());
  if (list.length === 0 || list.some((code) => !isAgencyCode(code))) throw new UsageError(`${name} must be comma-separated agency codes such as ES,CO, got "${value.slice(0, 80)}"`);
  return list;
}

function noticeId(parsed: ParsedArgs): string {
  const id = parsed.positional[0];
  if (!isUuid(id)) throw new UsageError(`notice id "${String(id).slice(0, 60)}" is not a UUID`);
  return id;
}

function limit(parsed: ParsedArgs): number | undefined {
  const text = parsed.options.get('limit');
  if (text === undefined) return undefined;
  if (typeof text !== 'string' || !/^\d{1,3}$/.test(text) || Number(text) < 1 || Number(text) > MAX_PAGE) throw new UsageError(`--limit must be a number from 1 to ${MAX_PAGE}`);
  return Number(text);
}

/** The node's URL and the bearer token, from the options or LIAISON_NODE_URL / LIAISON_TOKEN (never printed). */
export function client(parsed: ParsedArgs, io: CliIo): NodeClient {
  const url = (parsed.options.get('node-url') as string | undefined) ?? envSetting(io, 'LIAISON_NODE_URL');
  if (!url) throw new UsageError('give the node with --node-url or LIAISON_NODE_URL (e.g. http://127.0.0.1:3001)');
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(url);
  } catch {
    throw new UsageError(`--node-url / LIAISON_NODE_URL is not a URL: "${url.slice(0, 80)}"`);
  }
  if (parsedUrl.protocol !== 'http:' && parsedUrl.protocol !== 'https:') throw new UsageError('--node-url / LIAISON_NODE_URL must be an http or https URL');
  const token = (parsed.options.get('token') as string | undefined) ?? envSetting(io, 'LIAISON_TOKEN');
  if (!token) throw new UsageError('give a bearer token with LIAISON_TOKEN or LIAISON_TOKEN_FILE (or --token)');
  const retriesText = (parsed.options.get('retries') as string | undefined) ?? '3';
  if (!/^\d$/.test(retriesText)) throw new UsageError('--retries must be a number from 0 to 9');
  return new NodeClient({
    baseUrl: parsedUrl.toString(),
    token,
    retries: Number(retriesText),
    onRetry: (attempt, reason) => io.err(`retrying (${attempt}) after ${reason}, with the same Idempotency-Key\n`),
  });
}

function idempotencyKey(parsed: ParsedArgs): string | undefined {
  const key = parsed.options.get('idempotency-key');
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) throw new UsageError('--idempotency-key must be 1 to 255 visible ASCII characters');
  return key;
}

const json = (parsed: ParsedArgs) => parsed.options.get('json') === true;

/** A plain table: one row per item, columns padded to the widest cell. */
export function table(rows: Record<string, unknown>[], columns: [string, string][]): string {
  if (rows.length === 0) return '(none)\n';
  const cell = (v: unknown) => (v === null || v === undefined ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const cells = rows.map((r) => columns.map(([key]) => cell(key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], r))));
  const widths = columns.map(([, title], i) => Math.max(title.length, ...cells.map((c) => c[i].length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  return `${[line(columns.map(([, t]) => t)), ...cells.map(line)].join('\n')}\n`;
}

function print(parsed: ParsedArgs, io: CliIo, value: unknown, human: () => string): number {
  if (json(parsed)) printJson(io, value);
  else io.out(human());
  return EXIT.ok;
}

const keyValues = (value: Record<string, unknown>) =>
  `${Object.entries(value)
    .map(([k, v]) => `${k.padEnd(12)} ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
    .join('\n')}\n`;

const NOTICE_COLUMNS: [string, string][] = [
  ['id', 'ID'],
  ['kind', 'KIND'],
  ['priority', 'PRIORITY'],
  ['status', 'STATUS'],
  ['deadline', 'DEADLINE'],
];

/** The options every action takes. */
export function apiCommand(program: Command, name: string, summary: string, changes: boolean): Command {
  const command = program
    .command(name)
    .summary(summary)
    .description(`${summary[0].toUpperCase()}${summary.slice(1)}.`)
    .option('--node-url <url>', 'the node (default: LIAISON_NODE_URL)')
    .option('--token <token>', 'bearer token (default: LIAISON_TOKEN; prefer the variable: options show in process lists)')
    .option('--retries <n>', 'resend after a connection reset or refusal, or a 5xx with Retry-After (default 3)')
    .option('--json', 'print JSON for scripts');
  if (changes) command.option('--idempotency-key <key>', 'the Idempotency-Key of this action (default: a new random UUID); reuse it to retry an action safely');
  return command;
}

/** `liaison case open|invite|accept|decline|leave|close|list|show`: cases (joint operations). */
function registerCaseCommands(program: Command, io: CliIo, code: { value: number }): void {
  const group = program.command('case').summary('cases (joint operations): open, invite, accept, decline, leave, close, list, show').description('Cases (joint operations) shared by several agencies.');
  const caseId = (parsed: ParsedArgs): string => {
    const id = parsed.positional[0];
    if (!isUuid(id)) throw new UsageError(`case id "${String(id).slice(0, 60)}" is not a UUID`);
    return id;
  };
  const showCase = (parsed: ParsedArgs, c: Record<string, unknown>) => print(parsed, io, c, () => keyValues(c));

  const open = apiCommand(group, 'open', 'open a case owned by this agency (operator)', true)
    .option('--title <text>', 'the case title')
    .option('--purpose <text>', 'its purpose')
    .option('--legal-basis <text>', 'its legal basis')
    .option('--handling <code>', 'default handling code of its notices, H0 to H3 (default H0)')
    .option('--restriction <text>', 'the restriction, with H3')
    .option('--from <date>', 'first day, YYYY-MM-DD (default today)')
    .option('--until <date>', 'last day, YYYY-MM-DD')
    .option('--invite <AGENCIES>', 'agencies to invite at once, comma-separated: ES,CO');
  act(open, code, async (parsed) => {
    const restriction = parsed.options.get('restriction') as string | undefined;
    const invite = parsed.options.get('invite') as string | undefined;
    const request = {
      title: option(parsed, 'title'), purpose: option(parsed, 'purpose'), legalBasis: option(parsed, 'legal-basis'),
      handling: { code: option(parsed, 'handling', 'H0'), ...(restriction === undefined ? {} : { restriction }) },
      period: { from: option(parsed, 'from', new Date().toISOString().slice(0, 10)), until: option(parsed, 'until') },
      ...(invite === undefined ? {} : { invite: agencyList(invite, '--invite') }),
    };
    const valid = validateOpenCaseRequest(request, '');
    if (!valid.ok) refuseFields('the case', valid.errors);
    const opened = await client(parsed, io).openCase(request as ApiSchemas['OpenCaseRequest'], idempotencyKey(parsed));
    return print(parsed, io, opened, () => keyValues(opened));
  });

  const invite = apiCommand(group, 'invite', 'invite an agency to a case this agency owns (operator)', true).argument('<id>', 'case id').option('--agency <CODE>', 'the agency to invite');
  act(invite, code, async (parsed) => {
    const id = caseId(parsed);
    const agency = option(parsed, 'agency');
    if (!isAgencyCode(agency)) throw new UsageError('--agency must be an agency code such as ES');
    return showCase(parsed, await client(parsed, io).caseStep(id, 'invite', { agency }, idempotencyKey(parsed)));
  });

  for (const [step, summary] of [['accept', 'accept an invitation to a case (operator)'], ['leave', 'leave a case (operator)'], ['close', 'close a case this agency owns (operator)']] as const) {
    const command = apiCommand(group, step, summary, true).argument('<id>', 'case id');
    act(command, code, async (parsed) => showCase(parsed, await client(parsed, io).caseStep(caseId(parsed), step, {}, idempotencyKey(parsed))));
  }

  const decline = apiCommand(group, 'decline', 'decline an invitation to a case (operator)', true).argument('<id>', 'case id').option('--reason <text>', 'why (optional)');
  act(decline, code, async (parsed) => {
    const id = caseId(parsed);
    const reason = parsed.options.get('reason') as string | undefined;
    const valid = validateDeclineCaseRequest(reason === undefined ? {} : { reason });
    if (!valid.ok) refuseFields('the decline', valid.errors);
    return showCase(parsed, await client(parsed, io).caseStep(id, 'decline', valid.value, idempotencyKey(parsed)));
  });

  const list = apiCommand(group, 'list', 'list the cases this agency knows', false).option('--limit <n>', `1 to ${MAX_PAGE} (default 50)`);
  act(list, code, async (parsed) => {
    const rows = await client(parsed, io).cases(limit(parsed));
    return print(parsed, io, rows, () => table(rows as Record<string, unknown>[], [['id', 'ID'], ['reference', 'REFERENCE'], ['owner', 'OWNER'], ['status', 'STATUS'], ['standing', 'STANDING'], ['members', 'MEMBERS'], ['title', 'TITLE']]));
  });

  const show = apiCommand(group, 'show', 'show a case: members, events and the timeline of its notices', false).argument('<id>', 'case id');
  act(show, code, async (parsed) => showCase(parsed, await client(parsed, io).caseView(caseId(parsed))));
}

/** `liaison attachment list|fetch`: the attachments of a sent or received notice. */
function registerAttachmentCommands(program: Command, io: CliIo, code: { value: number }): void {
  const group = program.command('attachment').summary("a notice's attachments: list, fetch").description('The files sent with a notice, end to end encrypted: list them, fetch one.');
  const where = (command: Command) => command
    .option('--sent', 'the notice is one this agency sent (operator); default: one of the inbox (liaison officer)')
    .option('--sender <CODE>', 'the agency that sent the notice, when two used its id (inbox only)');
  const fromOf = (parsed: ParsedArgs) => {
    const sender = parsed.options.get('sender') as string | undefined;
    if (sender !== undefined && !isAgencyCode(sender)) throw new UsageError('--sender must be an agency code such as NL');
    if (sender !== undefined && parsed.options.has('sent')) throw new UsageError('--sender is for a notice of the inbox, not with --sent');
    return { sent: parsed.options.has('sent'), sender };
  };

  const list = where(apiCommand(group, 'list', "list a notice's attachments: type, size, SHA-256; per recipient delivered or not (--sent), or available (inbox)", false).argument('<notice-id>', 'notice id'));
  act(list, code, async (parsed) => {
    const id = noticeId(parsed);
    const from = fromOf(parsed);
    const api = client(parsed, io);
    const rows = from.sent ? await api.sentAttachments(id) : await api.receivedAttachments(id, from.sender);
    const shown = rows.map((r) => ({ ...r, delivery: 'recipients' in r ? r.recipients.map((x) => `${x.agency}:${x.status}${x.deliveredAt ? `@${x.deliveredAt}` : ''}`).join(',') : undefined }));
    return print(parsed, io, rows, () => table(shown, [['id', 'ID'], ['name', 'NAME'], ['type', 'TYPE'], ['size', 'BYTES'], ['sha256', 'SHA-256'], from.sent ? ['delivery', 'DELIVERY'] : ['available', 'AVAILABLE']]));
  });

  const fetch = where(apiCommand(group, 'fetch', 'save an attachment to a file, streamed; kept only if its SHA-256 is the one the signed notice declares', false)
    .argument('<notice-id>', 'notice id')
    .argument('<attachment-id>', 'attachment id (see liaison attachment list)')
    .option('--out <file>', "the file to write (default: the attachment's file name, in this folder; never overwritten)"));
  act(fetch, code, async (parsed) => {
    const id = noticeId(parsed);
    const attachmentId = parsed.positional[1];
    if (!isUuid(attachmentId)) throw new UsageError(`attachment id "${String(attachmentId).slice(0, 60)}" is not a UUID`);
    const { file, attachment } = await fetchAttachment(client(parsed, io), { noticeId: id, attachmentId, ...fromOf(parsed) }, parsed.options.get('out') as string | undefined);
    const facts = { file, id: attachment.id, name: attachment.name, type: attachment.type, size: attachment.size, sha256: attachment.sha256 };
    return print(parsed, io, facts, () => `wrote ${attachment.size} bytes to ${file} (${attachment.type}); SHA-256 ${attachment.sha256} verified\n`);
  });
}

export function registerActions(program: Command, io: CliIo, code: { value: number }): void {
  registerCaseCommands(program, io, code);
  registerAttachmentCommands(program, io, code);
  const send = apiCommand(program, 'send', 'send a notice (operator): body from a file or stdin', true)
    .option('--to <AGENCIES>', 'recipients, comma-separated: ES,CO')
    .option('--kind <kind>', 'notice kind (default identity-query)')
    .option('--priority <priority>', `${PRIORITIES.join(' or ')} (default normal)`)
    .option('--handling <code>', 'handling code H0, H1, H2 or H3 (default H0)')
    .option('--restriction <text>', 'the restriction, with H3')
    .option('--source-grade <grade>', 'source reliability A, B, C or X (default B)')
    .option('--information-grade <grade>', 'information grade 1 to 4 (default 2)')
    .option('--expires-in-days <days>', 'expiry, in days from now (default 14)')
    .option('--body <file>', 'the notice body as JSON, or - for standard input')
    .option('--attach <file>', "a file to send with the notice, streamed from disk (repeat for more); its media type from the extension, or given as '<file>;type=<media type>'", collect, [])
    .option('--photo <file>', "the person's photo (an image, also attached): sets the body's photo to it; '<file>;type=<media type>' as for --attach");
  act(send, code, async (parsed, command) => {
    const days = option(parsed, 'expires-in-days', '14');
    if (!/^\d{1,3}$/.test(days) || Number(days) < 1) throw new UsageError('--expires-in-days must be a whole number of days from 1');
    const restriction = parsed.options.get('restriction') as string | undefined;
    const request = {
      kind: option(parsed, 'kind', 'identity-query'),
      recipients: agencyList(option(parsed, 'to'), '--to'),
      handling: { code: option(parsed, 'handling', 'H0'), ...(restriction === undefined ? {} : { restriction }) },
      grades: { source: option(parsed, 'source-grade', 'B'), information: Number(option(parsed, 'information-grade', '2')) },
      priority: option(parsed, 'priority', 'normal'),
      expiresAt: new Date(Date.now() + Number(days) * 24 * 3600 * 1000).toISOString(),
      body: readJsonInput(option(parsed, 'body'), 'notice body', io),
    };
    const photoArg = parsed.options.get('photo') as string | undefined;
    const files = [...((command.opts().attach as string[]) ?? []).map((f) => attachFile(f, 'attach')), ...(photoArg === undefined ? [] : [attachFile(photoArg, 'photo')])];
    if (files.length > MAX_ATTACHMENTS_PER_NOTICE) throw new UsageError(`a notice carries at most ${MAX_ATTACHMENTS_PER_NOTICE} attachments`);
    if (photoArg !== undefined && !files[files.length - 1].type.startsWith('image/')) throw new UsageError(`--photo must be an image, not ${files[files.length - 1].type}`);
    const body = request.body as Record<string, unknown>;
    if (photoArg !== undefined && typeof body === 'object' && body !== null && 'photo' in body) throw new UsageError('the body already has a photo: give --photo or the body\'s photo, not both');
    // Checked whole before any file is uploaded: the ids the uploads will get stand in meanwhile.
    const withAttachments = (ids: string[]) => ({
      ...request,
      ...(ids.length ? { attachments: ids } : {}),
      ...(photoArg === undefined ? {} : { body: { ...body, photo: { attachment: ids[ids.length - 1] } } }),
    });
    const valid = validateComposeRequest(withAttachments(files.map(() => uuidv7())));
    if (!valid.ok) refuseFields('the notice', valid.errors);
    const api = client(parsed, io);
    const uploaded = await uploadFiles(api, files, io);
    // Checked above with the node's own rules, which the document's schema is generated from.
    const sent = await api.send(withAttachments(uploaded.map((a) => a.id)) as ApiSchemas['ComposeRequest'], idempotencyKey(parsed));
    const result = uploaded.length ? { ...sent, attachments: uploaded.map((a) => ({ id: a.id, name: a.name, type: a.type, size: a.size, sha256: a.sha256 })) } : sent;
    return print(parsed, io, result, () => keyValues(sent) + uploaded.map((a) => `attachment  ${a.id} ${a.name ?? ''} ${a.type} ${a.size} bytes sha256:${a.sha256}\n`).join(''));
  });

  const inbox = apiCommand(program, 'inbox', 'list the inbox (liaison officer), open work first', false)
    .option('--status <status>', NOTICE_STATES.join(', '))
    .option('--kind <kind>', 'notice kind')
    .option('--priority <priority>', PRIORITIES.join(' or '))
    .option('--sender <CODE>', 'sending agency')
    .option('--overdue', 'only notices past their deadline')
    .option('--limit <n>', `1 to ${MAX_PAGE} (default 50)`);
  act(inbox, code, async (parsed) => {
    const status = parsed.options.get('status') as string | undefined;
    if (status !== undefined && !(NOTICE_STATES as readonly string[]).includes(status)) throw new UsageError(`--status must be one of ${NOTICE_STATES.join(', ')}`);
    const priority = parsed.options.get('priority') as string | undefined;
    if (priority !== undefined && !(PRIORITIES as readonly string[]).includes(priority)) throw new UsageError(`--priority must be ${PRIORITIES.join(' or ')}`);
    const sender = parsed.options.get('sender') as string | undefined;
    if (sender !== undefined && !isAgencyCode(sender)) throw new UsageError('--sender must be an agency code such as NL');
    const kind = parsed.options.get('kind') as string | undefined;
    if (kind !== undefined && !/^[a-z][a-z0-9-]{0,63}$/.test(kind)) throw new UsageError('--kind must be a notice kind such as identity-query');
    // Each value checked above against the rules the document's parameters are generated from.
    const filter = { status, priority, sender, kind, overdue: parsed.options.get('overdue') === true ? 'true' : undefined, limit: limit(parsed)?.toString() } as ApiQuery<'/inbox', 'get'>;
    const rows = await client(parsed, io).inbox(filter);
    return print(parsed, io, rows, () => table(rows, [NOTICE_COLUMNS[0], ['sender', 'FROM'], ...NOTICE_COLUMNS.slice(1)]));
  });

  const sent = apiCommand(program, 'sent', 'list the notices sent (operator)', false).option('--limit <n>', `1 to ${MAX_PAGE} (default 50)`);
  act(sent, code, async (parsed) => {
    const rows = await client(parsed, io).sent(limit(parsed));
    return print(parsed, io, rows, () => table(rows, [NOTICE_COLUMNS[0], ['recipients', 'TO'], ...NOTICE_COLUMNS.slice(1)]));
  });

  const show = apiCommand(program, 'show', 'show one notice, from the inbox or the notices sent', false)
    .argument('<id>', 'notice id')
    .option('--from <where>', 'inbox or sent (default: the inbox, then the notices sent)');
  act(show, code, async (parsed) => {
    const id = noticeId(parsed);
    const from = parsed.options.get('from');
    if (from !== undefined && from !== 'inbox' && from !== 'sent') throw new UsageError('--from must be inbox or sent');
    const api = client(parsed, io);
    let notice: Record<string, unknown>;
    if (from === 'sent') notice = await api.sentNotice(id);
    else {
      try {
        notice = await api.inboxNotice(id);
      } catch (error) {
        // Not in the inbox, or this token may not read it (an operator): the notices sent.
        if (from === 'inbox' || !(error instanceof ApiError) || ![403, 404].includes(error.problem.status)) throw error;
        notice = await api.sentNotice(id).catch((second: unknown) => {
          // In neither: the inbox's answer says why (this token's own role, or not found).
          throw second instanceof ApiError && [403, 404].includes(second.problem.status) ? error : second;
        });
      }
    }
    return print(parsed, io, notice, () => keyValues(notice));
  });

  const acknowledge = apiCommand(program, 'acknowledge', 'acknowledge a notice of the inbox', true).argument('<id>', 'notice id');
  act(acknowledge, code, async (parsed) => {
    const id = noticeId(parsed);
    const result = await client(parsed, io).acknowledge(id, idempotencyKey(parsed));
    return print(parsed, io, result, () => `${result.id} ${result.status}\n`);
  });

  const answer = apiCommand(program, 'answer', 'answer a notice of the inbox: hit or no-hit', true)
    .argument('<id>', 'notice id')
    .option('--outcome <outcome>', 'hit or no-hit')
    .option('--details <file>', 'the details as JSON, or - for standard input');
  act(answer, code, async (parsed) => {
    const id = noticeId(parsed);
    const details = parsed.options.get('details');
    const request = { outcome: option(parsed, 'outcome'), ...(typeof details === 'string' ? { details: readJsonInput(details, 'answer details', io) } : {}) };
    const valid = validateAnswerRequest(request);
    if (!valid.ok) refuseFields('the answer', valid.errors);
    const result = await client(parsed, io).answer(id, request as ApiSchemas['AnswerRequest'], idempotencyKey(parsed));
    return print(parsed, io, result, () => `${result.id} ${result.status}\n`);
  });

  const decline = apiCommand(program, 'decline', 'decline a notice of the inbox, with a reason and a Directive 2023/977 Art. 6 ground', true)
    .argument('<id>', 'notice id')
    .option('--reason <text>', 'why it is declined')
    .option('--ground <code>', `refusal ground: ${REFUSAL_GROUND_CODES.join(', ')}`);
  act(decline, code, async (parsed) => {
    const id = noticeId(parsed);
    const ground = parsed.options.get('ground');
    const request = { reason: option(parsed, 'reason'), ...(ground !== undefined ? { ground } : {}) };
    const valid = validateDeclineRequest(request);
    if (!valid.ok) refuseFields('the decline', valid.errors);
    const result = await client(parsed, io).decline(id, valid.value as ApiSchemas['DeclineRequest'], idempotencyKey(parsed));
    return print(parsed, io, result, () => `${result.id} ${result.status}\n`);
  });

  const assign = apiCommand(program, 'assign', 'assign a notice of the inbox to an officer (kept by this agency, never sent)', true)
    .argument('<id>', 'notice id')
    .option('--officer <name>', 'who handles it');
  act(assign, code, async (parsed) => {
    const id = noticeId(parsed);
    const valid = validateAssignmentRequest({ officer: option(parsed, 'officer') });
    if (!valid.ok) refuseFields('the assignment', valid.errors);
    const result = await client(parsed, io).assign(id, valid.value.officer, idempotencyKey(parsed));
    return print(parsed, io, result, () => keyValues(result));
  });

  const note = apiCommand(program, 'note', 'add an internal note to a notice (kept by this agency, never sent)', true)
    .argument('<id>', 'notice id')
    .option('--text <text>', 'the note')
    .option('--sent', 'the notice is one this agency sent (operator), not one of the inbox');
  act(note, code, async (parsed) => {
    const id = noticeId(parsed);
    const valid = validateNoteRequest({ text: option(parsed, 'text') });
    if (!valid.ok) refuseFields('the note', valid.errors);
    const result = await client(parsed, io).note(id, valid.value.text, parsed.options.has('sent') ? 'notices' : 'inbox', idempotencyKey(parsed));
    return print(parsed, io, result, () => keyValues(result));
  });

  const casework = apiCommand(program, 'casework', "a notice's assignment, internal notes and correlations", false)
    .argument('<id>', 'notice id')
    .option('--sent', 'the notice is one this agency sent (operator), not one of the inbox');
  act(casework, code, async (parsed) => {
    const id = noticeId(parsed);
    const result = await client(parsed, io).casework(id, parsed.options.has('sent') ? 'notices' : 'inbox');
    return print(parsed, io, result, () => [
      `assigned to: ${result.assignedTo ?? '—'}\n`,
      ...result.notes.map((n) => `note ${n.createdAt} ${n.author}: ${n.text}\n`),
      ...result.correlations.map((c) => `${c.id} ${c.text}\n`),
    ].join(''));
  });

  const search = apiCommand(program, 'search', "search this agency's notices through the blind index (all criteria must match)", false)
    .option('--case-reference <ref>', 'case reference')
    .option('--name <name>', 'person name: given names then family name, or the family name alone')
    .option('--date-of-birth <date>', 'YYYY, YYYY-MM or YYYY-MM-DD')
    .option('--document <number>', 'document number (with --document-country)')
    .option('--document-country <CC>', 'issuing country of the document')
    .option('--selector <value>', 'a selector (with --selector-kind)')
    .option('--selector-kind <kind>', 'phone, email, url or username')
    .option('--platform <platform>', 'platform of a username')
    .option('--country <CC>', 'country of a phone number written without its country code')
    .option('--limit <n>', 'at most this many (1–100, default 50)');
  act(search, code, async (parsed) => {
    const query: Record<string, string> = {};
    for (const name of ['case-reference', 'name', 'date-of-birth', 'document', 'document-country', 'selector', 'selector-kind', 'platform', 'country', 'limit']) {
      const value = parsed.options.get(name);
      if (typeof value === 'string') query[name.replace(/-/g, '_')] = value;
    }
    if (Object.keys(query).filter((k) => k !== 'limit').length === 0) throw new UsageError('name at least one criterion (--case-reference, --name, --date-of-birth, --document, --selector)');
    const found = await client(parsed, io).search(query);
    return print(parsed, io, found, () => found.map((n) => `${(n as Record<string, unknown>).id} ${(n as Record<string, unknown>).kind} ${(n as Record<string, unknown>).sender} ${(n as Record<string, unknown>).caseReference ?? '—'}\n`).join(''));
  });

  const passOn = apiCommand(program, 'pass-on', 'pass a notice of the inbox on to other agencies (if its handling code allows)', true)
    .argument('<id>', 'notice id')
    .option('--to <AGENCIES>', 'recipients, comma-separated: ES,CO');
  act(passOn, code, async (parsed) => {
    const id = noticeId(parsed);
    const recipients = agencyList(option(parsed, 'to'), '--to');
    const result = await client(parsed, io).passOn(id, recipients, idempotencyKey(parsed));
    return print(parsed, io, result, () => keyValues(result));
  });

  const exported = apiCommand(program, 'export', "save the node's audit bundle (auditor) to a file, streamed", false)
    .option('--out <file>', 'the bundle file to write (NDJSON; written whole or not at all)')
    .option('--from <seq>', 'first ledger sequence number')
    .option('--to <seq>', 'end of the range (exclusive)');
  act(exported, code, async (parsed) => {
    const out = option(parsed, 'out');
    const range: Record<string, string> = {};
    for (const name of ['from', 'to']) {
      const value = parsed.options.get(name);
      if (value === undefined) continue;
      if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) throw new UsageError(`--${name} must be a ledger sequence number`);
      range[name] = value;
    }
    const bytes = await saveStream(await client(parsed, io).auditBundle(range), out);
    io.err(`wrote ${bytes} bytes to ${out}; check it with \`liaison verify ${out}\`\n`);
    return EXIT.ok;
  });
}
