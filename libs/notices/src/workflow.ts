/**
 * The state of a notice for one recipient agency.
 *
 *   SENT ──deliver──▶ DELIVERED ──acknowledge──▶ ACKNOWLEDGED ──answer──▶ ANSWERED
 *     │                  │  └──answer/decline──▶ ANSWERED/DECLINED  └──decline──▶ DECLINED
 *     └──expire──────────┴──expire──▶ EXPIRED ◀──expire── ACKNOWLEDGED
 *
 * Decisions:
 * - An officer may answer or decline a DELIVERED notice without acknowledging it first: the
 *   answer says more than an acknowledgement, and forcing a click adds nothing.
 * - On the sender's side, an acknowledgement or answer may arrive before the delivery receipt
 *   (messages can be reordered or the receipt retried). Later evidence implies the earlier
 *   steps, so SENT also accepts acknowledge, answer and decline.
 * - `deliver` on any state other than SENT succeeds without change (`changed: false`):
 *   receipts can arrive late or twice.
 * - ANSWERED, DECLINED and EXPIRED are final: everything else is refused there.
 * - `acknowledge` twice is refused: it is a person's action, and the second one is a mistake.
 * - A kind that expects no answer (an intelligence report) is never answered or declined: for
 *   it, `answer` and `decline` are refused in every state (`transitionOf`).
 */

export const NOTICE_STATES = ['SENT', 'DELIVERED', 'ACKNOWLEDGED', 'ANSWERED', 'DECLINED', 'EXPIRED'] as const;
export type NoticeState = (typeof NOTICE_STATES)[number];

export const NOTICE_EVENTS = ['deliver', 'acknowledge', 'answer', 'decline', 'expire'] as const;
export type NoticeEvent = (typeof NOTICE_EVENTS)[number];

export const FINAL_STATES: ReadonlySet<NoticeState> = new Set<NoticeState>(['ANSWERED', 'DECLINED', 'EXPIRED']);

export type TransitionResult =
  | { ok: true; state: NoticeState; changed: boolean }
  | { ok: false; error: 'illegal_transition'; message: string };

const TARGET: Readonly<Record<NoticeEvent, NoticeState>> = {
  deliver: 'DELIVERED',
  acknowledge: 'ACKNOWLEDGED',
  answer: 'ANSWERED',
  decline: 'DECLINED',
  expire: 'EXPIRED',
};

/** Which events move which state (the idempotent redundant `deliver` is handled apart). */
export const TRANSITIONS: Readonly<Record<NoticeState, readonly NoticeEvent[]>> = {
  SENT: ['deliver', 'acknowledge', 'answer', 'decline', 'expire'],
  DELIVERED: ['acknowledge', 'answer', 'decline', 'expire'],
  ACKNOWLEDGED: ['answer', 'decline', 'expire'],
  ANSWERED: [],
  DECLINED: [],
  EXPIRED: [],
};

export function isFinalState(state: NoticeState): boolean {
  return FINAL_STATES.has(state);
}

export function isNoticeState(value: unknown): value is NoticeState {
  return typeof value === 'string' && (NOTICE_STATES as readonly string[]).includes(value);
}

export function transition(state: NoticeState, event: NoticeEvent): TransitionResult {
  if (!isNoticeState(state) || !Object.hasOwn(TARGET, event)) {
    return { ok: false, error: 'illegal_transition', message: `unknown state or event (${String(state)}, ${String(event)})` };
  }
  if (TRANSITIONS[state].includes(event)) return { ok: true, state: TARGET[event], changed: true };
  if (event === 'deliver') return { ok: true, state, changed: false };
  return { ok: false, error: 'illegal_transition', message: `cannot ${event} a notice that is ${state}` };
}

/** Events a person or the node may still apply (for the console: offer only these). */
export function allowedEvents(state: NoticeState): readonly NoticeEvent[] {
  return TRANSITIONS[state];
}

/** Events that only kinds expecting an answer know. */
const ANSWER_EVENTS: ReadonlySet<NoticeEvent> = new Set<NoticeEvent>(['answer', 'decline']);

/** `transition` for a notice of a kind that may expect no answer (`answerable: false`). */
export function transitionOf(kind: { name: string; answerable: boolean }, state: NoticeState, event: NoticeEvent): TransitionResult {
  if (!kind.answerable && ANSWER_EVENTS.has(event)) {
    return { ok: false, error: 'illegal_transition', message: `cannot ${event} a ${kind.name}: it expects no answer` };
  }
  return transition(state, event);
}

/** `allowedEvents` for a notice of that kind. */
export function allowedEventsOf(kind: { answerable: boolean }, state: NoticeState): readonly NoticeEvent[] {
  return kind.answerable ? TRANSITIONS[state] : TRANSITIONS[state].filter((e) => !ANSWER_EVENTS.has(e));
}
