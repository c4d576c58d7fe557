/**
 * Case membership as a state machine of signed events. Each event is a Liaison envelope whose
 * JWS signer (`iss`) is the agency that made it; `judgeCaseEvent` decides, from what this agency
 * already holds about the case and the signer, whether the event is accepted or refused and why.
 * Pure: no clock, no I/O.
 */
import { isAgencyCode } from '@liaison/ids';

export const CASE_EVENT_TYPES = ['open', 'invite', 'accept', 'decline', 'join', 'leave', 'close'] as const;
export type CaseEventType = (typeof CASE_EVENT_TYPES)[number];

/** Events only the owner signs; they carry the owner's per-case sequence number `seq` (open = 0). */
export const OWNER_EVENTS: ReadonlySet<CaseEventType> = new Set(['open', 'invite', 'join', 'close']);
/** Events an agency signs about itself (`agency` must be the signer). */
export const SELF_EVENTS: ReadonlySet<CaseEventType> = new Set(['accept', 'decline', 'leave']);

/** The notice kind that carries each event type over the wire (`open` is recorded by the owner only). */
export const caseEventKind = (type: CaseEventType): string => `case-${type}`;
/** Whether a notice kind is a membership event (`case-invite`, …) rather than a notice of the case. */
export const isCaseEventKind = (kind: string): boolean => kind.startsWith('case-');

export function caseEventTypeOfKind(kind: string): CaseEventType | null {
  const type = kind.startsWith('case-') ? kind.slice(5) : '';
  return (CASE_EVENT_TYPES as readonly string[]).includes(type) ? (type as CaseEventType) : null;
}

export interface CaseHandling {
  code: 'H0' | 'H1' | 'H2' | 'H3';
  restriction?: string;
}

/** What a case is: fixed when it is opened, carried by every invitation. */
export interface CaseDefinition {
  reference: string;
  title: string;
  purpose: string;
  legal_basis: string;
  /** The handling code notices of the case get unless the sender sets another. */
  handling: CaseHandling;
  /** Calendar dates (YYYY-MM-DD), `until` inclusive. */
  period: { from: string; until: string };
  owner: string;
}

/** One membership event, as the judge sees it (the envelope's claims, decoded). */
export interface CaseEvent {
  type: CaseEventType;
  /** The case id: the message id of its `open` event (a UUIDv7). */
  caseId: string;
  /** The agency the event is about: the invitee, the joiner, the one who accepts, declines or leaves; the owner for open and close. */
  agency: string;
  /** Owner events: the owner's sequence number for this case. */
  seq?: number;
  /** `open` and `invite`: the case definition. */
  definition?: CaseDefinition;
  /** `invite` and `join`: members and open invitations after the event (lets a newcomer learn the case). */
  members?: string[];
  invited?: string[];
  /** `decline`: free text. */
  reason?: string;
}

/** What this agency holds about one case: the fold of its accepted events. */
export interface CaseState {
  id: string;
  definition: CaseDefinition;
  /** Last owner sequence number accepted. */
  ownerSeq: number;
  /** Current members, the owner included. */
  members: string[];
  /** Invited, not yet answered. */
  invited: string[];
  /** Accepted an invitation; the owner's `join` is still to come. */
  accepted: string[];
  declined: string[];
  left: string[];
  closed: boolean;
}

export const CASE_REFUSALS = {
  /** An owner-only event (invite, join, close) signed by another agency. */
  notOwner: 'case_not_owner',
  /** An event about another agency signed by a member (accept, decline or leave on someone else's behalf). */
  forged: 'case_forged',
  /** Out of order: unknown case, sequence gap, not invited, not a member, already open. */
  sequence: 'case_sequence',
  /** Anything after the case was closed. */
  closed: 'case_closed',
} as const;
export type CaseRefusalCode = (typeof CASE_REFUSALS)[keyof typeof CASE_REFUSALS];

export type CaseJudgement = { ok: true; state: CaseState } | { ok: false; code: CaseRefusalCode; reason: string };

const without = (list: string[], agency: string) => list.filter((a) => a !== agency);
const refuse = (code: CaseRefusalCode, reason: string): CaseJudgement => ({ ok: false, code, reason });
const sorted = (list: Iterable<string>) => [...new Set(list)].sort();

/**
 * Accepts or refuses `event`, signed by `signer`, given what `me` holds about its case (`state`,
 * null when the case is unknown here). An accepted event returns the next state.
 */
export function judgeCaseEvent(state: CaseState | null, event: CaseEvent, signer: string, me: string): CaseJudgement {
  if (!isAgencyCode(signer) || !isAgencyCode(event.agency)) return refuse(CASE_REFUSALS.forged, 'the signer and the agency must be agency codes');
  if (SELF_EVENTS.has(event.type) && event.agency !== signer) {
    return refuse(CASE_REFUSALS.forged, `${event.type} of ${event.agency} signed by ${signer}: an agency answers and leaves only for itself`);
  }
  if (state === null) return firstEvent(event, signer, me);
  if (state.id !== event.caseId) return refuse(CASE_REFUSALS.sequence, 'the event names another case');
  if (state.closed) return refuse(CASE_REFUSALS.closed, `case ${state.definition.reference} is closed`);
  const owner = state.definition.owner;
  if (OWNER_EVENTS.has(event.type)) {
    if (signer !== owner) return refuse(CASE_REFUSALS.notOwner, `${event.type} signed by ${signer}, but only the owner ${owner} may ${event.type}`);
    if (event.type === 'open') return refuse(CASE_REFUSALS.sequence, 'the case is already open');
    if (event.seq !== state.ownerSeq + 1) return refuse(CASE_REFUSALS.sequence, `owner event ${event.seq} after ${state.ownerSeq}: expected ${state.ownerSeq + 1}`);
  }
  const next: CaseState = { ...state, ownerSeq: event.seq ?? state.ownerSeq };
  const a = event.agency;
  switch (event.type) {
    case 'invite':
      if (state.members.includes(a) || state.invited.includes(a) || state.accepted.includes(a)) return refuse(CASE_REFUSALS.sequence, `${a} is already a member or invited`);
      return { ok: true, state: { ...next, invited: sorted([...state.invited, a]), declined: without(state.declined, a), left: without(state.left, a) } };
    case 'join':
      if (!state.invited.includes(a) && !state.accepted.includes(a)) return refuse(CASE_REFUSALS.sequence, `${a} joins without an invitation`);
      return { ok: true, state: { ...next, members: sorted([...state.members, a]), invited: without(state.invited, a), accepted: without(state.accepted, a) } };
    case 'close':
      return { ok: true, state: { ...next, closed: true } };
    case 'accept':
    case 'decline':
      if (!state.invited.includes(a)) return refuse(CASE_REFUSALS.sequence, `${a} ${event.type}s, but has no open invitation`);
      return event.type === 'accept'
        ? { ok: true, state: { ...next, invited: without(state.invited, a), accepted: sorted([...state.accepted, a]) } }
        : { ok: true, state: { ...next, invited: without(state.invited, a), declined: sorted([...state.declined, a]) } };
    case 'leave':
      if (a === owner) return refuse(CASE_REFUSALS.sequence, 'the owner closes the case instead of leaving it');
      if (!state.members.includes(a)) return refuse(CASE_REFUSALS.sequence, `${a} leaves, but is not a member`);
      return { ok: true, state: { ...next, members: without(state.members, a), left: sorted([...state.left, a]) } };
    default:
      return refuse(CASE_REFUSALS.sequence, 'unknown case event');
  }
}

/** The first event this agency sees of a case: its own `open`, or an invitation (to it or to another while it is invited). */
function firstEvent(event: CaseEvent, signer: string, me: string): CaseJudgement {
  const definition = event.definition;
  if ((event.type !== 'open' && event.type !== 'invite') || !definition) {
    return refuse(CASE_REFUSALS.sequence, `${event.type} of a case unknown here`);
  }
  if (signer !== definition.owner) return refuse(CASE_REFUSALS.notOwner, `${event.type} signed by ${signer}, but the case's owner is ${definition.owner}`);
  if (!definition.reference.startsWith(`${definition.owner}-`)) return refuse(CASE_REFUSALS.forged, `reference ${definition.reference} is not one of ${definition.owner}'s`);
  const base = { id: event.caseId, definition, accepted: [], declined: [], left: [], closed: false };
  if (event.type === 'open') {
    if (event.seq !== 0 || event.agency !== signer || signer !== me) return refuse(CASE_REFUSALS.sequence, 'a case is opened by its owner, at sequence 0');
    return { ok: true, state: { ...base, ownerSeq: 0, members: [signer], invited: [] } };
  }
  const members = sorted(event.members ?? []);
  const invited = sorted(event.invited ?? []);
  if (!members.includes(definition.owner) || !invited.includes(event.agency) || members.some((m) => invited.includes(m))) {
    return refuse(CASE_REFUSALS.sequence, 'the invitation lists members and invitations that do not agree');
  }
  if (!invited.includes(me)) return refuse(CASE_REFUSALS.sequence, `an invitation of a case ${me} is not invited to`);
  if (!Number.isSafeInteger(event.seq) || (event.seq as number) < 1) return refuse(CASE_REFUSALS.sequence, 'an invitation carries the owner sequence, from 1');
  return { ok: true, state: { ...base, ownerSeq: event.seq as number, members, invited } };
}

/** Who receives an accepted event from `me`: the owner for an acceptance, else every member and invitee (and the subject) but `me`. */
export function caseEventAudience(after: CaseState, event: CaseEvent, me: string): string[] {
  if (event.type === 'open') return [];
  if (event.type === 'accept') return [after.definition.owner];
  return sorted([...after.members, ...after.invited, ...after.accepted, event.agency]).filter((a) => a !== me);
}

/** The agencies a notice "to all participants" goes to: the current members but the sender. */
export function caseParticipants(state: CaseState, me: string): string[] {
  return state.members.filter((a) => a !== me);
}

/** Agencies whose notices belong on the case's timeline: members now or before, and the owner. */
export function everMembers(state: CaseState): string[] {
  return sorted([...state.members, ...state.left, state.definition.owner]);
}

/** The state after replaying a log of (event, signer) pairs, every one accepted; throws on the first refusal (a stored log is one this node accepted). */
export function foldCaseLog(log: { event: CaseEvent; signer: string }[], me: string): CaseState | null {
  let state: CaseState | null = null;
  for (const { event, signer } of log) {
    const judged = judgeCaseEvent(state, event, signer, me);
    if (!judged.ok) throw new Error(`stored case log does not replay: ${judged.code}: ${judged.reason}`);
    state = judged.state;
  }
  return state;
}
