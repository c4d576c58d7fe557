// What a batch of the inbox does, decided by plain functions: no broker, no database, no clock.
// The handler reads the rows a batch refers to, calls decideBatch, writes what it returns.
import { HEADER_MESSAGE_ID, HEADER_SENDER, NoticeClaims, OpenResult, sha256Hex } from '@liaison/envelope';
import { isAgencyCode, isUuidV7 } from '@liaison/ids';
import { FederationDeadlines, NoticeEvent, NoticeState, RECEIPT_KINDS, RECEIPT_MAX_ENVELOPES, ReceiptBody, getNoticeKind, kindBehaviour, replyDeadlineOf, transitionOf } from '@liaison/notices';
import type { InboundMessage } from '@liaison/transport';
import type { LedgerEventInput } from '../ledger/ledger.port';
import type { EnvelopeDraft } from './dispatcher';
import { noticeRecordOf, receiptDraft } from './envelope-records';
import {
  InboxPosition,
  NoticeRow,
  OutboundMove,
  OutboundState,
  OutboxRow,
  ReceivedRow,
  RecipientRow,
  RedeliveredRow,
  RejectedRow,
  senderKey,
} from './exchange.repository';

export const RECEIPT = 'receipt';
export const ACKNOWLEDGEMENT = 'acknowledgement';
export const RESPONSE = 'response';
export const ATTACHMENT_RECEIPT = 'attachment-receipt';
/** Protocol kinds that are recorded (received, in the ledger) but neither stored as notices nor receipted. */
const NOT_STORED: ReadonlySet<string> = new Set(RECEIPT_KINDS);
/** Kinds whose arrival moves our outbound notices: the one named by `re`, or each a batch receipt names. */
const MOVES_OUTBOUND: ReadonlySet<string> = new Set([RECEIPT, ACKNOWLEDGEMENT, RESPONSE]);

/** Our notices an accepted envelope refers to, with the digest a batch receipt says it recorded. */
function namedNotices(claims: NoticeClaims): { id: string; digest: string | null }[] {
  if (!MOVES_OUTBOUND.has(claims.kind)) return [];
  const batch = claims.kind === RECEIPT ? (claims.body as ReceiptBody).received : undefined;
  if (batch) return batch;
  return claims.re ? [{ id: claims.re, digest: null }] : [];
}

/** The outbound rows (our notice, its recipient) that a batch's accepted envelopes may move: the handler locks them. */
export function outboundRefs(accepted: NoticeClaims[]): { noticeId: string; agency: string }[] {
  return accepted.flatMap((c) => namedNotices(c).map(({ id }) => ({ noticeId: id, agency: c.iss })));
}

/** Longest refusal detail kept in rows, ledger reasons and dead-letter headers. */
const MAX_DETAIL = 500;

/** A refusal decided after opening, by a feature's judgement (extensions.ts): same shape as the opener's. */
export type LateRefusal = { ok: false; code: string; detail: string; digest: string };
export type Opened = { message: InboundMessage; result: OpenResult | LateRefusal };

/** What one message is, decided exactly once. */
export type Classification =
  /** This offset was already refused or recorded as a redelivery (our own consumer, after a crash). */
  | { as: 'seen' }
  /** Accepted before from this very offset: our consumer read it again before committing. */
  | { as: 'recorded' }
  /** The same envelope (sender, id and digest) again at another offset: a sender's outbox re-published it. */
  | { as: 'redelivered'; claims: NoticeClaims; digest: string }
  | { as: 'refused'; code: string; detail: string; digest: string }
  | { as: 'new'; claims: NoticeClaims; digest: string };

export interface BatchContext {
  /** This agency. */
  me: string;
  now: Date;
  deadlines: FederationDeadlines;
  deadLetterTopic: string;
  /** Received records of the batch's (sender, id) pairs, as stored before this batch. */
  received: ReceivedRow[];
  /** Positions of the batch already refused or recorded as redelivered. */
  recorded: InboxPosition[];
  /** Our outbound workflow rows the batch's receipts, acknowledgements and responses refer to, locked. */
  outbound: OutboundState[];
  /**
   * Envelopes we sent without a workflow row (case events, match messages) that the batch's
   * receipts name and that have no 'delivered' entry yet (from our ledger's 'sent' entries).
   */
  untracked: UntrackedSent[];
}

/** An envelope we sent that no workflow row follows: its receipt is still recorded as its delivery. */
export interface UntrackedSent {
  messageId: string;
  counterpart: string;
  kind: string | null;
  digest: string | null;
}

/** The effects of a batch; rows tied to a refusal or redelivery carry its position (written once per position). */
export interface BatchEffects {
  received: ReceivedRow[];
  notices: { row: Omit<NoticeRow, 'content'>; body: unknown }[];
  recipients: RecipientRow[];
  outboundMoves: OutboundMove[];
  redelivered: RedeliveredRow[];
  rejected: RejectedRow[];
  /** Ledger entries in the batch's order; a refusal's or redelivery's entry only if its row is new. */
  ledger: { event: LedgerEventInput; position?: InboxPosition }[];
  /** Dead-letter copies of refused messages. */
  deadLetters: { row: OutboxRow; position: InboxPosition }[];
  /** Receipts to seal and send: one per sender of the batch's accepted queries and responses (or per RECEIPT_MAX_ENVELOPES of them). */
  receipts: EnvelopeDraft[];
  /** Steps that changed nothing (late or repeated), for the log: ids and states only. */
  ignored: string[];
  /** How each message of the batch was classified, in order. */
  classified: Classification[];
}

export const positionKey = (p: InboxPosition): string => `${p.partition}@${p.offset}`;

/**
 * Classifies every message of one partition's batch, in order. A (sender, message id) accepted
 * before, or earlier in the batch, is a redelivery when its digest is the same and a replay
 * when it differs; replay keys are per sender, so no agency can pre-empt another's ids.
 */
export function classifyBatch(opened: Opened[], received: ReceivedRow[], recorded: InboxPosition[]): Classification[] {
  const seenPositions = new Set(recorded.map(positionKey));
  const known = new Map(received.map((r) => [senderKey(r.sender, r.messageId), r]));
  const inBatch = new Map<string, string>(); // (sender, id) → digest accepted earlier in this batch
  return opened.map(({ message, result }): Classification => {
    if (seenPositions.has(positionKey(message))) return { as: 'seen' };
    if (!result.ok) return { as: 'refused', code: result.code, detail: result.detail, digest: result.digest ?? sha256Hex(message.value ?? Buffer.alloc(0)) };
    const key = senderKey(result.claims.iss, result.claims.jti);
    const before = known.get(key);
    const earlier = before?.digest ?? inBatch.get(key);
    if (before && before.partition === message.partition && before.offset === message.offset) return { as: 'recorded' };
    if (earlier === undefined) {
      inBatch.set(key, result.digest);
      return { as: 'new', claims: result.claims, digest: result.digest };
    }
    if (earlier === result.digest) return { as: 'redelivered', claims: result.claims, digest: result.digest };
    return { as: 'refused', code: 'replay', detail: `message id ${result.claims.jti} from ${result.claims.iss} was already received with another digest`, digest: result.digest };
  });
}

/** Decides everything one batch does. Pure: the same inputs give the same effects. */
export function decideBatch(opened: Opened[], ctx: BatchContext): BatchEffects {
  const effects: BatchEffects = {
    received: [], notices: [], recipients: [], outboundMoves: [], redelivered: [], rejected: [],
    ledger: [], deadLetters: [], receipts: [], ignored: [], classified: classifyBatch(opened, ctx.received, ctx.recorded),
  };
  const outbound = new Map(ctx.outbound.map((r) => [senderKey(r.agency, r.noticeId), { ...r }]));
  const untracked = new Map(ctx.untracked.map((u) => [senderKey(u.counterpart, u.messageId), u]));
  const moves = new Map<string, OutboundMove>();
  const toReceipt: Receipted[] = [];
  effects.classified.forEach((c, i) => {
    const { message } = opened[i];
    if (c.as === 'new') accept(effects, { outbound, untracked, moves }, toReceipt, message, c.claims, c.digest, ctx);
    else if (c.as === 'redelivered') redeliver(effects, message, c.claims, c.digest, ctx);
    else if (c.as === 'refused') refuse(effects, message, c.code, c.detail, c.digest, ctx);
  });
  effects.outboundMoves = [...moves.values()];
  effects.receipts = receiptsFor(toReceipt, ctx);
  return effects;
}

type Receipted = Parameters<typeof receiptDraft>[2][number] & { sender: string };

/** One receipt per sender, in the order of their first envelope, each naming at most RECEIPT_MAX_ENVELOPES. */
function receiptsFor(receipted: Receipted[], ctx: Pick<BatchContext, 'me' | 'now'>): EnvelopeDraft[] {
  const bySender = new Map<string, Receipted[]>();
  for (const r of receipted) bySender.set(r.sender, [...(bySender.get(r.sender) ?? []), r]);
  return [...bySender].flatMap(([sender, envelopes]) => {
    const drafts: EnvelopeDraft[] = [];
    for (let i = 0; i < envelopes.length; i += RECEIPT_MAX_ENVELOPES) drafts.push(receiptDraft(ctx.me, sender, envelopes.slice(i, i + RECEIPT_MAX_ENVELOPES), ctx.now));
    return drafts;
  });
}

/** A refusal of a message whose recording failed for a reason of its own (the message, not the infrastructure). */
export function decideRecordingFailure(message: InboundMessage, reason: string, ctx: Pick<BatchContext, 'now' | 'deadLetterTopic'>): BatchEffects {
  const effects: BatchEffects = {
    received: [], notices: [], recipients: [], outboundMoves: [], redelivered: [], rejected: [],
    ledger: [], deadLetters: [], receipts: [], ignored: [], classified: [],
  };
  const digest = sha256Hex(message.value ?? Buffer.alloc(0));
  effects.classified.push({ as: 'refused', code: 'recording_failed', detail: reason, digest });
  refuse(effects, message, 'recording_failed', reason, digest, ctx);
  return effects;
}

function position(message: InboundMessage): InboxPosition {
  return { partition: message.partition, offset: message.offset };
}

/** Our sent envelopes as the batch moves them: workflow rows, envelopes without one, the moves so far. */
type Sent = { outbound: Map<string, OutboundState>; untracked: Map<string, UntrackedSent>; moves: Map<string, OutboundMove> };

function accept(
  effects: BatchEffects,
  sent: Sent,
  toReceipt: Receipted[],
  message: InboundMessage,
  claims: NoticeClaims,
  digest: string,
  ctx: BatchContext,
): void {
  const { me, now } = ctx;
  effects.received.push({ sender: claims.iss, messageId: claims.jti, kind: claims.kind, ...position(message), digest, receivedAt: now });
  effects.ledger.push({
    event: {
      event: 'received', messageId: claims.jti, kind: claims.kind, counterpart: claims.iss,
      channel: { sender: claims.iss, recipient: me, seq: claims.chseq[me] }, digest, re: claims.re ?? null, actor: null, reason: null,
    },
  });
  const step = outboundStep(claims);
  if (step) for (const named of namedNotices(claims)) advance(effects, sent, claims, named, step, now);
  if (NOT_STORED.has(claims.kind)) return;
  // Every other kind is stored (content encrypted at rest) and receipted; queries and reports (the
  // kinds operators send, isQuery) get a workflow row, with a reply deadline if they expect an answer.
  const isQuery = getNoticeKind(claims.kind)?.isQuery === true;
  const issuedAt = new Date(claims.iat * 1000);
  effects.notices.push({
    row: noticeRecordOf(claims, 'inbound', { digest, deadline: isQuery ? replyDeadlineOf(claims.kind, claims.priority, issuedAt, ctx.deadlines) : null, createdBy: null }),
    body: claims.body,
  });
  if (isQuery) {
    effects.recipients.push({
      noticeSender: claims.iss, noticeId: claims.jti, agency: me, status: 'DELIVERED', channelSeq: claims.chseq[me], updatedAt: now, actedBy: null, responseId: null,
    });
  }
  toReceipt.push({ sender: claims.iss, id: claims.jti, digest, expiresAt: new Date(claims.exp * 1000), priority: claims.priority });
}

type OutboundStep = { event: NoticeEvent; ledgerEvent: 'delivered' | 'acknowledged' | 'answered' | 'declined'; actor: string | null; responseId: string | null };

/** How an accepted receipt, acknowledgement or response moves the outbound notices it names. */
function outboundStep(claims: NoticeClaims): OutboundStep | null {
  if (!MOVES_OUTBOUND.has(claims.kind)) return null;
  if (claims.kind === RECEIPT) return { event: 'deliver', ledgerEvent: 'delivered', actor: null, responseId: null };
  if (claims.kind === ACKNOWLEDGEMENT) {
    const by = (claims.body as { acknowledged_by: { ref: string } }).acknowledged_by.ref;
    return { event: 'acknowledge', ledgerEvent: 'acknowledged', actor: `${claims.iss}:${by}`, responseId: null };
  }
  const declined = (claims.body as { outcome: string }).outcome === 'declined';
  return { event: declined ? 'decline' : 'answer', ledgerEvent: declined ? 'declined' : 'answered', actor: null, responseId: claims.jti };
}

/** Moves our outbound notice `named.id` for recipient `claims.iss`; a late or repeated step is a no-op. */
function advance(
  effects: BatchEffects,
  { outbound, untracked, moves }: Sent,
  claims: NoticeClaims,
  named: { id: string; digest: string | null },
  step: OutboundStep,
  now: Date,
): void {
  const key = senderKey(claims.iss, named.id);
  const row = outbound.get(key);
  if (!row) {
    // No workflow follows it, but its receipt is still the evidence of delivery that reconciliation pairs.
    const other = step.event === 'deliver' ? untracked.get(key) : undefined;
    if (other && (named.digest === null || named.digest === other.digest)) {
      untracked.delete(key);
      effects.ledger.push({ event: { event: 'delivered', messageId: other.messageId, kind: other.kind, counterpart: claims.iss, channel: null, digest: null, re: claims.jti, actor: null, reason: null } });
    }
    return; // otherwise it refers to nothing we sent to this agency: recorded as received, no effect
  }
  if (named.digest !== null && named.digest !== row.digest) {
    // The recipient says it recorded another envelope under our id: not a delivery of ours.
    effects.ignored.push(`${claims.kind} ${claims.jti} from ${claims.iss} names ${named.id} with another digest than we sent`);
    return;
  }
  const entry = (event: OutboundStep['ledgerEvent'], actor: string | null): LedgerEventInput => ({
    event, messageId: row.noticeId, kind: row.kind, counterpart: claims.iss, channel: null, digest: null, re: claims.jti, actor, reason: null,
  });
  // A response or acknowledgement implies delivery, even if its receipt is still on its way.
  let state: NoticeState = row.status;
  if (state === 'SENT' && step.event !== 'deliver') {
    state = 'DELIVERED';
    effects.ledger.push({ event: entry('delivered', null) });
  }
  const result = transitionOf(kindBehaviour(row.kind), state, step.event);
  if (!result.ok) {
    effects.ignored.push(`${step.event} of ${row.noticeId} from ${claims.iss}: ${result.message}`);
    return;
  }
  if (result.state === row.status) return;
  row.status = result.state;
  const previous = moves.get(key);
  moves.set(key, {
    noticeId: row.noticeId, agency: row.agency, status: result.state, updatedAt: now,
    actedBy: step.actor ?? previous?.actedBy ?? null, responseId: step.responseId ?? previous?.responseId ?? null,
  });
  if (result.state !== 'DELIVERED' || step.ledgerEvent === 'delivered') effects.ledger.push({ event: entry(step.ledgerEvent, step.actor) });
}

function redeliver(effects: BatchEffects, message: InboundMessage, claims: NoticeClaims, digest: string, ctx: BatchContext): void {
  const at = position(message);
  effects.redelivered.push({ sender: claims.iss, messageId: claims.jti, digest, ...at, redeliveredAt: ctx.now });
  effects.ledger.push({
    position: at,
    event: { event: 'redelivered', messageId: claims.jti, kind: claims.kind, counterpart: claims.iss, channel: null, digest, re: null, actor: null, reason: null },
  });
}

function refuse(effects: BatchEffects, message: InboundMessage, code: string, detail: string, digest: string, ctx: Pick<BatchContext, 'now' | 'deadLetterTopic'>): void {
  const at = position(message);
  const headerId = message.headers[HEADER_MESSAGE_ID];
  const headerSender = message.headers[HEADER_SENDER];
  const messageId = isUuidV7(headerId) ? headerId : null;
  const claimedSender = isAgencyCode(headerSender) ? headerSender : null;
  const shortDetail = detail.slice(0, MAX_DETAIL);
  effects.rejected.push({ messageId, claimedSender, code, detail: shortDetail, digest, ...at, rejectedAt: ctx.now });
  effects.ledger.push({
    position: at,
    event: { event: 'rejected', messageId, kind: null, counterpart: claimedSender, channel: null, digest, re: null, actor: null, reason: `${code}: ${detail}`.slice(0, MAX_DETAIL) },
  });
  // Headers are stored as jsonb until relayed: PostgreSQL refuses NUL there, and a refused row
  // would roll back the batch. Binary headers were already decoded lossily as UTF-8; NUL becomes U+FFFD.
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries(message.headers)) if (v !== undefined) headers[jsonbSafe(name)] = jsonbSafe(v);
  effects.deadLetters.push({
    position: at,
    row: {
      topic: ctx.deadLetterTopic,
      key: `${message.partition}-${message.offset}`,
      value: message.value ?? Buffer.alloc(0),
      headers: { ...headers, 'liaison-refusal': code, 'liaison-refusal-detail': jsonbSafe(shortDetail), 'liaison-source': `${message.topic}/${message.partition}/${message.offset}` },
      createdAt: ctx.now,
    },
  });
}

function jsonbSafe(text: string): string {
  return text.replace(/\u0000/g, '\ufffd');
}
