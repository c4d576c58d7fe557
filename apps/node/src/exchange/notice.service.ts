import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TrustStore, encryptionKeyFor } from '@liaison/envelope';
import {
  AnswerRequest,
  DeclineRequest,
  Handling,
  NoticeEvent,
  NoticeState,
  mayPassOn,
  replyDeadline,
  toResponseBody,
  transition,
  validateAnswerRequest,
  validateComposeRequest,
  validateDeclineRequest,
  FieldError,
} from '@liaison/notices';
import { AGENCY_CODE, uuidv7 } from '@liaison/ids';
import type { Principal } from '@liaison/auth';
import { NodeConfig } from '../config/node-config';
import { Clock, NODE_CONFIG } from '../tokens';
import { ContentCipher } from './content-cipher';
import { EnvelopeDispatcher, EnvelopeDraft } from './dispatcher';
import { NoticeRecipientRecord, NoticeRecord } from './exchange.entities';
import { insertNoticeRecipients, insertNotices } from './exchange.persistence';
import { refuse } from './refusals';
import { PendingWrites, UnitOfWork } from './unit-of-work';
import { noticeRecordOf, replyDraft } from './envelope-records';

function handlingOf(notice: NoticeRecord): Handling {
  return { code: notice.handlingCode as Handling['code'], ...(notice.handlingRestriction ? { restriction: notice.handlingRestriction } : {}) };
}

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/** Largest group of API sends written in one transaction. */
const SEND_GROUP_MAX = 256;

interface QueuedSend {
  draft: EnvelopeDraft;
  actor: string;
  deadline: Date;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** What an operator or officer does to notices; each action is one transaction (see UnitOfWork). */
@Injectable()
export class NoticeService {
  constructor(
    private readonly unit: UnitOfWork,
    private readonly dispatcher: EnvelopeDispatcher,
    private readonly cipher: ContentCipher,
    private readonly trust: TrustStore,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  /** Operator: compose and send a query to one or more agencies. Returns the new notice id. */
  async send(principal: Principal, input: unknown): Promise<{ id: string; deadline: Date }> {
    const now = this.clock.now();
    const checked = validateComposeRequest(input, { now, sender: this.config.agency });
    if (!checked.ok) throw refuse.invalid(checked.errors);
    const request = checked.value;
    this.requireReachable(request.recipients, '/recipients');
    // Backpressure: a bounded queue, so overload is refused instead of growing memory.
    if (this.sendQueue.length >= this.config.maxPendingSends) throw refuse.busy(this.sendQueue.length);
    const id = uuidv7(() => now.getTime());
    const deadline = replyDeadline(request.priority, now, this.config.deadlines);
    const draft: EnvelopeDraft = {
      iss: this.config.agency,
      aud: request.recipients,
      jti: id,
      iat: seconds(now),
      exp: seconds(new Date(request.expiresAt)),
      kind: request.kind,
      handling: request.handling,
      grades: request.grades,
      priority: request.priority,
      body: request.body,
    };
    // Answered only once the notice, its outbox rows and ledger entries are committed.
    await new Promise<void>((resolve, reject) => {
      this.sendQueue.push({ draft, actor: principal.subject, deadline, resolve, reject });
      if (!this.sending) void this.drainSends();
    });
    return { id, deadline };
  }

  private readonly sendQueue: QueuedSend[] = [];
  private sending = false;

  /**
   * Group commit: sends that arrive while a transaction runs are written together in the next one
   * (one channel-number statement per recipient, concurrent sealing, one ledger append), instead of
   * queueing one by one on the channel and ledger row locks. If a group fails, each of its sends is
   * retried alone, so one bad send cannot fail the others.
   */
  private async drainSends(): Promise<void> {
    this.sending = true;
    try {
      while (this.sendQueue.length > 0) {
        const group = this.sendQueue.splice(0, SEND_GROUP_MAX);
        try {
          await this.storeOutboundGroup(group);
          for (const item of group) item.resolve();
        } catch (error) {
          if (group.length === 1) {
            group[0].reject(error);
            continue;
          }
          for (const item of group) {
            await this.storeOutboundGroup([item]).then(item.resolve, item.reject);
          }
        }
      }
    } finally {
      this.sending = false;
    }
  }

  private storeOutboundGroup(group: QueuedSend[]): Promise<void> {
    return this.unit.run(async (manager, pending) => {
      await this.storeOutbound(manager, pending, group);
    });
  }

  /** Liaison officer: acknowledge a received query; a signed acknowledgement goes to the sender. */
  async acknowledge(principal: Principal, noticeId: string): Promise<NoticeState> {
    return this.unit.run(async (manager, pending) => {
      const { notice, state } = await this.inboundForUpdate(manager, noticeId);
      const next = this.move(state.status as NoticeState, 'acknowledge');
      const now = this.clock.now();
      await this.dispatcher.dispatch(manager, pending, this.replyDraft(notice, 'acknowledgement', {
        acknowledged_by: { role: 'liaison_officer', ref: principal.subject },
        at: now.toISOString(),
      }), principal.subject);
      await manager.update(NoticeRecipientRecord, { noticeId, agency: this.config.agency }, { status: next, updatedAt: now, actedBy: principal.subject });
      pending.ledger.push(this.workflowEntry('acknowledged', notice, principal.subject, null));
      return next;
    });
  }

  /** Liaison officer: answer hit / no-hit with a response notice. */
  async answer(principal: Principal, noticeId: string, input: unknown): Promise<{ responseId: string }> {
    const checked = validateAnswerRequest(input);
    if (!checked.ok) throw refuse.invalid(checked.errors);
    return this.respond(principal, noticeId, 'answer', checked.value);
  }

  /** Liaison officer: decline with a reason (sent to the requesting agency as a response). */
  async decline(principal: Principal, noticeId: string, input: unknown): Promise<{ responseId: string }> {
    const checked = validateDeclineRequest(input);
    if (!checked.ok) throw refuse.invalid(checked.errors);
    return this.respond(principal, noticeId, 'decline', checked.value);
  }

  /**
   * Liaison officer: pass a received notice on to other agencies, as a new notice citing it.
   * Refused for H2 (not to be passed on without the provider's permission).
   */
  async passOn(principal: Principal, noticeId: string, input: unknown): Promise<{ id: string }> {
    const recipients = (input as { recipients?: unknown } | null)?.recipients;
    if (!Array.isArray(recipients) || recipients.length === 0 || !recipients.every((r) => typeof r === 'string' && AGENCY_CODE.test(r))) {
      throw refuse.invalid([{ field: '/recipients', message: 'must be a non-empty list of agency codes' }]);
    }
    const original = await this.unit.run((manager) => this.inboundForUpdate(manager, noticeId));
    const handling = handlingOf(original.notice);
    const decision = mayPassOn(handling);
    if (!decision.ok) throw refuse.handling(decision.reason);
    if (recipients.includes(this.config.agency) || recipients.includes(original.notice.sender)) {
      throw refuse.invalid([{ field: '/recipients', message: 'must not include this agency or the original sender' }]);
    }
    this.requireReachable(recipients as string[], '/recipients');
    const now = this.clock.now();
    const id = uuidv7(() => now.getTime());
    await this.unit.run(async (manager, pending) => {
      await this.storeOutbound(manager, pending, [{ draft: {
        iss: this.config.agency,
        aud: recipients as string[],
        jti: id,
        iat: seconds(now),
        exp: seconds(original.notice.expiresAt),
        kind: original.notice.kind,
        handling,
        grades: (original.notice.grades ?? undefined) as EnvelopeDraft['grades'],
        priority: original.notice.priority,
        re: original.notice.id,
        body: this.cipher.open(original.notice.id, original.notice.content),
      }, actor: principal.subject, deadline: replyDeadline(original.notice.priority, now, this.config.deadlines) }]);
    });
    return { id };
  }

  private async respond(principal: Principal, noticeId: string, event: 'answer' | 'decline', request: AnswerRequest | DeclineRequest): Promise<{ responseId: string }> {
    return this.unit.run(async (manager, pending) => {
      const { notice, state } = await this.inboundForUpdate(manager, noticeId);
      const next = this.move(state.status as NoticeState, event);
      const answerHandling = 'outcome' in request ? request.handling : undefined;
      const draft = this.replyDraft(notice, 'response', toResponseBody(request), answerHandling);
      const [{ sealed }] = await this.storeOutbound(manager, pending, [{ draft, actor: principal.subject, deadline: null }]);
      await manager.update(NoticeRecipientRecord, { noticeId, agency: this.config.agency }, {
        status: next,
        updatedAt: this.clock.now(),
        actedBy: principal.subject,
        responseId: sealed.messageId,
      });
      pending.ledger.push(this.workflowEntry(event === 'answer' ? 'answered' : 'declined', notice, principal.subject, null));
      return { responseId: sealed.messageId };
    });
  }

  /** Stores outbound notices (or responses) with one SENT row per recipient, and dispatches them. */
  private async storeOutbound(manager: EntityManager, pending: PendingWrites, items: { draft: EnvelopeDraft; actor: string; deadline: Date | null }[]) {
    const dispatched = await this.dispatcher.dispatchMany(manager, pending, items.map(({ draft, actor }) => ({ draft, actor })));
    const now = this.clock.now();
    await insertNotices(manager, items.map(({ draft, actor, deadline }, i) => noticeRecordOf(draft, 'outbound', {
      digest: dispatched[i].sealed.digest,
      deadline,
      content: this.cipher.seal(draft.jti, draft.body),
      createdBy: actor,
    })));
    await insertNoticeRecipients(manager, items.flatMap(({ draft }, i) => draft.aud.map((agency) => ({
      noticeId: draft.jti,
      agency,
      status: 'SENT',
      channelSeq: String(dispatched[i].chseq[agency]),
      updatedAt: now,
      actedBy: null,
      responseId: null,
    }))));
    return dispatched;
  }

  /** An envelope back to the sender of `notice` (acknowledgement, response). */
  private replyDraft(notice: NoticeRecord, kind: string, body: unknown, handling?: Handling): EnvelopeDraft {
    return replyDraft(this.config.agency, notice, kind, body, handling ?? handlingOf(notice), this.clock.now());
  }

  private workflowEntry(event: 'acknowledged' | 'answered' | 'declined', notice: NoticeRecord, actor: string, reason: string | null) {
    return { event, messageId: notice.id, kind: notice.kind, counterpart: notice.sender, channel: null, digest: null, re: null, actor, reason };
  }

  private move(state: NoticeState, event: NoticeEvent): NoticeState {
    const result = transition(state, event);
    if (!result.ok) throw refuse.illegalTransition(result.message);
    return result.state;
  }

  /** An inbound query addressed to this agency, its workflow row locked for the transaction. */
  private async inboundForUpdate(manager: EntityManager, noticeId: string): Promise<{ notice: NoticeRecord; state: NoticeRecipientRecord }> {
    if (!/^[0-9a-f-]{36}$/.test(noticeId)) throw refuse.notFound('notice');
    const state = await manager.findOne(NoticeRecipientRecord, {
      where: { noticeId, agency: this.config.agency },
      lock: { mode: 'pessimistic_write' },
    });
    const notice = state && (await manager.findOne(NoticeRecord, { where: { id: noticeId, direction: 'inbound' } }));
    if (!state || !notice || notice.kind === 'response') throw refuse.notFound('notice');
    return { notice, state };
  }

  private requireReachable(recipients: string[], field: string): void {
    const directory = this.trust.current();
    const now = this.clock.now();
    const errors: FieldError[] = recipients.flatMap((agency, i) =>
      encryptionKeyFor(directory, agency, now) ? [] : [{ field: `${field}/${i}`, message: `${agency} is not an agency with a valid key in the federation directory` }],
    );
    if (errors.length) throw refuse.invalid(errors);
  }
}
