// What a case action or an inbox batch's case events do, decided by plain functions: the judged
// state, the event rows, the envelopes to send. No database, broker or clock here.
import { epochSeconds, uuidv7 } from '@liaison/ids';
import {
  CaseEvent,
  CaseState,
  caseEventAudience,
  caseEventBody,
  caseEventKind,
  caseEventOf,
  caseEventTypeOfKind,
  judgeCaseEvent,
} from '@liaison/cases';
import type { NoticeClaims } from '@liaison/envelope';
import type { ReceiptBody } from '@liaison/notices';
import type { Dispatched, DispatchItem } from '../exchange/dispatcher';
import { RECEIPT, type LateRefusal, type Opened } from '../exchange/inbox.decide';
import type { LedgerEventInput } from '../ledger/ledger.port';
import type { CaseEventDelivery, CaseEventRow, SentCaseEvent } from './cases.repository';

/** How long a case event's envelope is valid: long enough for a node that was down to catch up. */
export const CASE_EVENT_LIFETIME_SECONDS = 30 * 24 * 3600;

/** One event this agency makes: its new state, its row and (unless local) its envelope. */
export interface OwnEvent {
  state: CaseState;
  row: CaseEventRow;
  dispatch: DispatchItem | null;
}

/** An event made here, judged like any other (so this node never sends what its peers would refuse). */
export function ownEvent(state: CaseState | null, event: CaseEvent, me: string, actor: string | null, now: Date, id = uuidv7(() => now.getTime())): { ok: true; value: OwnEvent } | { ok: false; code: string; reason: string } {
  const judged = judgeCaseEvent(state, event, me, me);
  if (!judged.ok) return judged;
  const audience = caseEventAudience(judged.state, event, me);
  // Open, and a close when nobody else is left to tell, are recorded here only.
  const local = event.type === 'open' || audience.length === 0;
  const row: CaseEventRow = {
    caseId: event.caseId, messageId: event.type === 'open' ? event.caseId : id, signer: me, type: event.type, agency: event.agency, seq: event.seq ?? null,
    direction: local ? 'local' : 'outbound', recipients: audience, event, at: now, actor,
  };
  const definition = judged.state.definition;
  const dispatch: DispatchItem | null = local ? null : {
    draft: {
      iss: me, aud: audience, jti: id, iat: epochSeconds(now), exp: epochSeconds(now) + CASE_EVENT_LIFETIME_SECONDS,
      kind: caseEventKind(event.type), handling: definition.handling, priority: 'normal', case: event.caseId, body: caseEventBody(event),
    },
    actor,
    key: event.caseId,
  };
  return { ok: true, value: { state: judged.state, row, dispatch } };
}

/** The case events of a batch, judged in order; refused ones become refusals of the batch. */
export interface CaseBatchDecision {
  /** The batch with refused case events turned into refusals. */
  opened: Opened[];
  /** Indexes of the case events accepted (each must be recorded as `new`). */
  accepted: number[];
  /** Final state of every case the batch changed. */
  states: Map<string, CaseState>;
  events: CaseEventRow[];
  /** Envelopes this agency sends in answer (the owner's `join` for each acceptance). */
  dispatch: DispatchItem[];
}

/** Indexes of accepted envelopes that carry case events. */
export function caseEventIndexes(opened: Opened[]): number[] {
  return opened.flatMap(({ result }, i) => (result.ok && caseEventTypeOfKind(result.claims.kind) ? [i] : []));
}

/**
 * Judges, in order, the case events of a batch that are `new` (not redeliveries, replays or
 * refusals), against the stored states. An acceptance reaching the owner is answered by the
 * owner's `join`, sent to every member.
 */
export function decideCaseBatch(opened: Opened[], isNew: (i: number) => boolean, stored: Map<string, CaseState>, me: string, now: Date): CaseBatchDecision {
  const decision: CaseBatchDecision = { opened: [...opened], accepted: [], states: new Map(), events: [], dispatch: [] };
  const current = (id: string) => decision.states.get(id) ?? stored.get(id) ?? null;
  for (const i of caseEventIndexes(opened)) {
    if (!isNew(i)) continue;
    const result = opened[i].result as { ok: true; claims: NoticeClaims; digest: string };
    const claims = result.claims;
    const type = caseEventTypeOfKind(claims.kind) as CaseEvent['type'];
    const refuse = (code: string, reason: string) => {
      const refusal: LateRefusal = { ok: false, code, detail: `${claims.kind} ${claims.jti} from ${claims.iss}: ${reason}`, digest: result.digest };
      decision.opened[i] = { message: opened[i].message, result: refusal };
    };
    if (claims.case === undefined) {
      refuse('case_sequence', 'a case event without a case claim');
      continue;
    }
    if (type === 'open') {
      refuse('case_sequence', 'a case is opened by its owner and never sent');
      continue;
    }
    const event = caseEventOf(type, claims.case, claims.body);
    const judged = judgeCaseEvent(current(claims.case), event, claims.iss, me);
    if (!judged.ok) {
      refuse(judged.code, judged.reason);
      continue;
    }
    decision.accepted.push(i);
    decision.states.set(claims.case, judged.state);
    decision.events.push({
      caseId: claims.case, messageId: claims.jti, signer: claims.iss, type, agency: event.agency, seq: event.seq ?? null,
      direction: 'inbound', recipients: claims.aud, event, at: now, actor: null,
    });
    if (type === 'accept' && judged.state.definition.owner === me) {
      const state = judged.state;
      const join: CaseEvent = { type: 'join', caseId: state.id, agency: event.agency, seq: state.ownerSeq + 1, members: [...new Set([...state.members, event.agency])].sort() };
      const own = ownEvent(state, join, me, null, now);
      if (!own.ok) continue; // cannot happen after an accepted acceptance; the accept is still recorded
      decision.states.set(state.id, own.value.state);
      decision.events.push(own.value.row);
      if (own.value.dispatch) decision.dispatch.push(own.value.dispatch);
    }
  }
  return decision;
}

/** What a new receipt of the batch names: (receipt id, its signer, each envelope named with the digest it names, if any). */
export interface ReceiptNames {
  receiptId: string;
  signer: string;
  named: { id: string; digest: string | null }[];
}

/** The receipts of a batch that are new (never a redelivery or refusal), with what each names. */
export function newReceipts(opened: Opened[], isNew: (i: number) => boolean): ReceiptNames[] {
  return opened.flatMap(({ result }, i) => {
    if (!result.ok || result.claims.kind !== RECEIPT || !isNew(i)) return [];
    const { claims } = result;
    // The batch form names each envelope with its digest; the older single form names one by `re`.
    const named = (claims.body as Partial<ReceiptBody>).received ?? (claims.re ? [{ id: claims.re, digest: null }] : []);
    return [{ receiptId: claims.jti, signer: claims.iss, named }];
  });
}

/**
 * The deliveries these receipts report of case events this agency sent: an event counts as
 * delivered to the receipt's signer when it was sent to that agency and the receipt names the
 * digest it was sent with (a receipt naming another digest speaks of another envelope). Case
 * events have no workflow row, so the exchange's receipt handling does not see them.
 */
export function caseEventDeliveries(receipts: ReceiptNames[], sent: SentCaseEvent[]): CaseEventDelivery[] {
  const byId = new Map(sent.map((e) => [e.messageId, e]));
  const out = new Map<string, CaseEventDelivery>();
  for (const r of receipts) {
    for (const { id, digest } of r.named) {
      const event = byId.get(id);
      if (!event || !event.recipients.includes(r.signer) || (digest !== null && digest !== event.digest)) continue;
      out.set(`${id} ${r.signer}`, out.get(`${id} ${r.signer}`) ?? { messageId: id, recipient: r.signer, receiptId: r.receiptId, type: event.type });
    }
  }
  return [...out.values()];
}

/** The sender's `delivered` ledger entry of one case event, as the exchange writes it for a notice (`re` = the receipt). */
export function deliveredEntry(d: CaseEventDelivery): LedgerEventInput {
  return { event: 'delivered', messageId: d.messageId, kind: caseEventKind(d.type), counterpart: d.recipient, channel: null, digest: null, re: d.receiptId, actor: null, reason: null };
}

/** The event rows with the digest of each outbound one's envelope as sealed. */
export function withDigests(rows: CaseEventRow[], dispatched: Dispatched[]): CaseEventRow[] {
  const digests = new Map(dispatched.map((d) => [d.sealed.messageId, d.sealed.digest]));
  return rows.map((row) => (row.direction === 'outbound' ? { ...row, digest: digests.get(row.messageId) ?? null } : row));
}
