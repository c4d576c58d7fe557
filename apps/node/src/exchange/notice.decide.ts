// What an operator's or officer's action does, decided by plain functions: the draft to seal,
// the workflow move, the ledger entry, the rows to store. No database, broker or clock here.
import { epochSeconds } from '@liaison/ids';
import {
  AnswerRequest,
  ComposeRequest,
  DeclineRequest,
  FederationDeadlines,
  Handling,
  NoticeState,
  kindBehaviour,
  replyDeadlineOf,
  toResponseBody,
  transitionOf,
} from '@liaison/notices';
import type { LedgerEventInput } from '../ledger/ledger.port';
import type { Dispatched, EnvelopeDraft } from './dispatcher';
import { noticeRecordOf, replyDraft } from './envelope-records';
import type { NoticeRow, RecipientRow } from './exchange.repository';

export type OfficerAction = 'acknowledge' | 'answer' | 'decline';

/** A draft with who asked for it and when an answer is due (queries only). */
export interface OutboundItem {
  draft: EnvelopeDraft;
  actor: string;
  deadline: Date | null;
}

export function handlingOf(notice: Pick<NoticeRow, 'handlingCode' | 'handlingRestriction'>): Handling {
  return { code: notice.handlingCode as Handling['code'], ...(notice.handlingRestriction ? { restriction: notice.handlingRestriction } : {}) };
}

/** The envelope of an operator's validated request, and when its answers are due. */
export function composeItem(request: ComposeRequest, me: string, id: string, actor: string, now: Date, deadlines: FederationDeadlines): OutboundItem {
  return {
    draft: {
      iss: me, aud: request.recipients, jti: id, iat: epochSeconds(now), exp: epochSeconds(new Date(request.expiresAt)),
      kind: request.kind, handling: request.handling, grades: request.grades, priority: request.priority, body: request.body,
      ...(request.re ? { re: request.re } : {}), ...(request.case ? { case: request.case } : {}),
    },
    actor,
    deadline: replyDeadlineOf(request.kind, request.priority, now, deadlines),
  };
}

/** A received notice passed on to other agencies: a new notice citing it, with its handling, grades and body. */
export function passOnItem(original: NoticeRow, body: unknown, recipients: string[], me: string, id: string, actor: string, now: Date, deadlines: FederationDeadlines): OutboundItem {
  return {
    draft: {
      iss: me, aud: recipients, jti: id, iat: epochSeconds(now), exp: epochSeconds(original.expiresAt), kind: original.kind,
      handling: handlingOf(original), grades: (original.grades ?? undefined) as EnvelopeDraft['grades'], priority: original.priority,
      re: original.id, body,
    },
    actor,
    deadline: replyDeadlineOf(original.kind, original.priority, now, deadlines),
  };
}

/** Who may receive a pass-on: not this agency and not the original sender. Null when allowed. */
export function passOnRecipientsError(recipients: string[], me: string, originalSender: string): string | null {
  return recipients.includes(me) || recipients.includes(originalSender) ? 'must not include this agency or the original sender' : null;
}

/** The rows that record outbound notices once sealed: the notice (content added by the caller) and one SENT row per recipient. */
export function outboundRows(items: OutboundItem[], dispatched: Dispatched[], now: Date): { notices: Omit<NoticeRow, 'content'>[]; recipients: RecipientRow[] } {
  return {
    notices: items.map(({ draft, actor, deadline }, i) => noticeRecordOf(draft, 'outbound', { digest: dispatched[i].sealed.digest, deadline, createdBy: actor })),
    recipients: items.flatMap(({ draft }, i) => draft.aud.map((agency) => ({
      noticeSender: draft.iss, noticeId: draft.jti, agency, status: 'SENT' as const, channelSeq: dispatched[i].chseq[agency], updatedAt: now, actedBy: null, responseId: null,
    }))),
  };
}

export type OfficerDecision =
  | { ok: false; message: string }
  | { ok: true; next: NoticeState; reply: EnvelopeDraft; ledger: LedgerEventInput; isResponse: boolean };

/**
 * An officer's acknowledgement, answer or decline of a received query in state `status`: the
 * workflow move (refused when illegal), the envelope back to the sender and the ledger entry.
 */
export function decideOfficerAction(
  notice: NoticeRow,
  status: NoticeState,
  action: OfficerAction,
  actor: string,
  me: string,
  now: Date,
  request?: AnswerRequest | DeclineRequest,
): OfficerDecision {
  const moved = transitionOf(kindBehaviour(notice.kind), status, action);
  if (!moved.ok) return { ok: false, message: moved.message };
  const ledger = (event: 'acknowledged' | 'answered' | 'declined'): LedgerEventInput => ({
    event, messageId: notice.id, kind: notice.kind, counterpart: notice.sender, channel: null, digest: null, re: null, actor, reason: null,
  });
  if (action === 'acknowledge') {
    const body = { acknowledged_by: { role: 'liaison_officer', ref: actor }, at: now.toISOString() };
    return { ok: true, next: moved.state, reply: replyDraft(me, notice, 'acknowledgement', body, handlingOf(notice), now), ledger: ledger('acknowledged'), isResponse: false };
  }
  const answer = request as AnswerRequest | DeclineRequest;
  const handling = 'outcome' in answer && answer.handling ? answer.handling : handlingOf(notice);
  return {
    ok: true,
    next: moved.state,
    reply: replyDraft(me, notice, 'response', toResponseBody(answer), handling, now),
    ledger: ledger(action === 'answer' ? 'answered' : 'declined'),
    isResponse: true,
  };
}
