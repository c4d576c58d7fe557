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
import type { DispatchItem } from '../exchange/dispatcher';
import type { LateRefusal, Opened } from '../exchange/inbox.decide';
import type { CaseEventRow } from './cases.repository';

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
