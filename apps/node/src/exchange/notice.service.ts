import { Inject, Injectable } from '@nestjs/common';
import { TrustStore } from '@liaison/envelope';
import { isAgencyCode, isUuid, uuidv7 } from '@liaison/ids';
import { BATCH_SEND_MAX, NoticeState, mayPassOn, validateAnswerRequest, validateComposeRequest, validateDeclineRequest } from '@liaison/notices';
import type { Principal } from '@liaison/auth';
import { NodeConfig } from '../config/node-config';
import { ProblemDetails, ProblemException } from '../http/problem';
import type { Queryable } from '../persistence/queryable';
import { Clock, NODE_CONFIG } from '../tokens';
import { ContentCipher } from './content-cipher';
import { EnvelopeDispatcher } from './dispatcher';
import { ExchangeRepository, NoticeRow, RecipientRow } from './exchange.repository';
import { ExchangeExtensions } from './extensions';
import { GroupCommit } from './group-commit';
import { OfficerAction, OutboundItem, composeItem, decideOfficerAction, handlingOf, outboundRows, passOnItem, passOnRecipientsError } from './notice.decide';
import { openStoredBody, refuse, requireReachable, requireSenderParam, writeFailure } from './refusals';
import { PendingWrites, UnitOfWork } from './unit-of-work';

/** Largest group of API sends written in one transaction. */
const SEND_GROUP_MAX = 256;

/** What became of one notice of a batch send, in the request's order. */
export type BatchSendOutcome = { status: 201; id: string; deadline: Date | null } | { status: number; problem: ProblemDetails };

/**
 * What an operator or officer does to notices. Each action validates, decides (notice.decide),
 * writes in one transaction (UnitOfWork: rows, outbox and ledger together) and leaves publishing
 * to the outbox relay.
 */
@Injectable()
export class NoticeService {
  /** Sends arriving while a transaction runs are written together in the next one. */
  private readonly sends = new GroupCommit<OutboundItem>((items) => this.unit.run(async (tx, pending) => void (await this.storeOutbound(tx, pending, items))), SEND_GROUP_MAX);

  constructor(
    private readonly unit: UnitOfWork,
    private readonly repository: ExchangeRepository,
    private readonly dispatcher: EnvelopeDispatcher,
    private readonly cipher: ContentCipher,
    private readonly trust: TrustStore,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly extensions: ExchangeExtensions,
  ) {}

  /** Operator: compose and send a query to one or more agencies. Answers once it is committed. */
  async send(principal: Principal, input: unknown): Promise<{ id: string; deadline: Date | null }> {
    const item = await this.composed(principal, input, '');
    this.requireRoom(1);
    await this.sends.add(item);
    return { id: item.draft.jti, deadline: item.deadline };
  }

  /**
   * Operator: send up to BATCH_SEND_MAX notices in one request (systems integrating system to
   * system). Each is validated and written on its own, so one refusal or failed write leaves the
   * others sent; the answer says, in order, what became of each. Only a malformed batch, or one
   * that does not fit the send queue, is refused whole (and then nothing was written).
   */
  async sendBatch(principal: Principal, input: unknown): Promise<BatchSendOutcome[]> {
    const notices = (input as { notices?: unknown } | null)?.notices;
    const keys = input !== null && typeof input === 'object' && !Array.isArray(input) ? Object.keys(input) : null;
    if (keys === null || keys.some((k) => k !== 'notices') || !Array.isArray(notices) || notices.length === 0 || notices.length > BATCH_SEND_MAX) {
      throw refuse.invalid([{ field: '/notices', message: `must be the only member: a list of 1 to ${BATCH_SEND_MAX} notices` }]);
    }
    const composed = await Promise.all(
      notices.map(async (notice, i): Promise<{ item: OutboundItem } | { refused: ProblemDetails }> => {
        try {
          return { item: await this.composed(principal, notice, `/notices/${i}`) };
        } catch (error) {
          if (error instanceof ProblemException) return { refused: error.problem };
          throw error;
        }
      }),
    );
    const items = composed.flatMap((c) => ('item' in c ? [c.item] : []));
    this.requireRoom(items.length);
    const written = new Map(items.map((item) => [item, this.sends.add(item).then(() => null, (error: unknown) => writeFailure(error))]));
    return Promise.all(
      composed.map(async (c): Promise<BatchSendOutcome> => {
        const problem = 'item' in c ? await written.get(c.item) : c.refused;
        if (problem) return { status: problem.status, problem };
        const { item } = c as { item: OutboundItem };
        return { status: 201, id: item.draft.jti, deadline: item.deadline };
      }),
    );
  }

  /** A validated notice ready to be written; field names in refusals start with `at`. */
  private async composed(principal: Principal, input: unknown, at: string): Promise<OutboundItem> {
    const now = this.clock.now();
    const checked = validateComposeRequest(input, { now, sender: this.config.agency });
    if (!checked.ok) throw refuse.invalid(checked.errors.map((e) => ({ ...e, field: `${at}${e.field}` })));
    // A notice of a case goes to its members (the cases feature resolves them).
    const request = checked.value.case && this.extensions.compose ? await this.extensions.compose.resolve(checked.value) : checked.value;
    this.requireReachable(request.recipients, `${at}/recipients`);
    const item = composeItem(request, this.config.agency, uuidv7(() => now.getTime()), principal.subject, now, this.config.deadlines);
    if (request.attachments) item.draft.att = await this.describeAttachments(principal, request.attachments, request.body, at);
    return item;
  }

  /** The claim `att` for uploads a request names (the attachments feature checks and describes them). */
  private describeAttachments(principal: Principal, ids: string[], body: unknown, at: string) {
    if (!this.extensions.attachments) throw refuse.invalid([{ field: `${at}/attachments`, message: 'this node does not send attachments' }]);
    return this.extensions.attachments.describe(principal, ids, body, at);
  }

  /** Backpressure: a bounded queue, so overload is refused (nothing written) instead of growing memory. */
  private requireRoom(count: number): void {
    if (this.sends.pending + count > this.config.maxPendingSends) throw refuse.busy(this.sends.pending);
  }

  /** Liaison officer: acknowledge a received query; a signed acknowledgement goes to the sender. */
  async acknowledge(principal: Principal, noticeId: string, sender?: string): Promise<NoticeState> {
    return (await this.act(principal, noticeId, sender, 'acknowledge')).status;
  }

  /** Liaison officer: answer hit / no-hit with a response notice. */
  async answer(principal: Principal, noticeId: string, input: unknown, sender?: string): Promise<{ responseId: string }> {
    const checked = validateAnswerRequest(input);
    if (!checked.ok) throw refuse.invalid(checked.errors);
    return { responseId: (await this.act(principal, noticeId, sender, 'answer', checked.value)).responseId as string };
  }

  /** Liaison officer: decline with a reason (sent to the requesting agency as a response). */
  async decline(principal: Principal, noticeId: string, input: unknown, sender?: string): Promise<{ responseId: string }> {
    const checked = validateDeclineRequest(input);
    if (!checked.ok) throw refuse.invalid(checked.errors);
    return { responseId: (await this.act(principal, noticeId, sender, 'decline', checked.value)).responseId as string };
  }

  /**
   * Liaison officer: pass a received notice on to other agencies, as a new notice citing it.
   * Refused for H2 (not to be passed on without the provider's permission).
   */
  async passOn(principal: Principal, noticeId: string, input: unknown, sender?: string): Promise<{ id: string }> {
    const recipients = (input as { recipients?: unknown } | null)?.recipients;
    if (!Array.isArray(recipients) || recipients.length === 0 || !recipients.every(isAgencyCode)) {
      throw refuse.invalid([{ field: '/recipients', message: 'must be a non-empty list of agency codes' }]);
    }
    const { notice } = await this.unit.run((tx) => this.inboundForUpdate(tx, noticeId, sender));
    const decision = mayPassOn(handlingOf(notice));
    if (!decision.ok) throw refuse.handling(decision.reason);
    const wrong = passOnRecipientsError(recipients, this.config.agency, notice.sender);
    if (wrong) throw refuse.invalid([{ field: '/recipients', message: wrong }]);
    this.requireReachable(recipients, '/recipients');
    const now = this.clock.now();
    const item = passOnItem(notice, openStoredBody(this.cipher, notice), recipients, this.config.agency, uuidv7(() => now.getTime()), principal.subject, now, this.config.deadlines);
    await this.unit.run(async (tx, pending) => {
      // The received notice's attachments go with it (copied, never re-encoded).
      const carried = await this.extensions.attachments?.carryOn(tx, principal, notice.sender, notice.id);
      if (carried?.length) item.draft.att = carried;
      return this.storeOutbound(tx, pending, [item]);
    });
    return { id: item.draft.jti };
  }

  private act(principal: Principal, noticeId: string, sender: string | undefined, action: OfficerAction, request?: Parameters<typeof decideOfficerAction>[6]) {
    return this.unit.run(async (tx, pending) => {
      if (this.trust.status().expired) throw refuse.trustUnavailable();
      const { notice, state } = await this.inboundForUpdate(tx, noticeId, sender);
      const now = this.clock.now();
      const decision = decideOfficerAction(notice, state.status, action, principal.subject, this.config.agency, now, request);
      if (!decision.ok) throw refuse.illegalTransition(decision.message);
      const item = { draft: decision.reply, actor: principal.subject, deadline: null };
      const attachments = request && 'outcome' in request ? request.attachments : undefined;
      if (attachments) item.draft.att = await this.describeAttachments(principal, attachments, item.draft.body, '');
      const [dispatched] = decision.isResponse ? await this.storeOutbound(tx, pending, [item]) : await this.dispatcher.dispatch(tx, pending, [item]);
      const responseId = decision.isResponse ? dispatched.sealed.messageId : undefined;
      await this.repository.setInboundStatus(tx, state, { status: decision.next, updatedAt: now, actedBy: principal.subject, responseId });
      pending.ledger.push(decision.ledger);
      return { status: decision.next, responseId };
    });
  }

  /** Seals and queues outbound notices (or responses), and stores them with one SENT row per recipient. */
  private async storeOutbound(tx: Queryable, pending: PendingWrites, items: OutboundItem[]) {
    const dispatched = await this.dispatcher.dispatch(tx, pending, items);
    const rows = outboundRows(items, dispatched, this.clock.now());
    await this.repository.insertNotices(tx, rows.notices.map((n, i) => ({ ...n, content: this.cipher.seal(n, items[i].draft.body) })));
    await this.repository.insertRecipients(tx, rows.recipients);
    await this.extensions.attachments?.write(tx, pending, items);
    return dispatched;
  }

  /** The inbound query with this id (and sender, when several agencies used the id), its workflow row locked. */
  private async inboundForUpdate(tx: Queryable, noticeId: string, sender: string | undefined): Promise<{ notice: NoticeRow; state: RecipientRow }> {
    if (!isUuid(noticeId)) throw refuse.notFound('notice');
    requireSenderParam(sender);
    const found = (await this.repository.inboundForUpdate(tx, this.config.agency, noticeId)).filter((f) => sender === undefined || f.notice.sender === sender);
    if (found.length === 0) throw refuse.notFound('notice');
    if (found.length > 1) throw refuse.ambiguous(noticeId, found.map((f) => f.notice.sender));
    return found[0];
  }

  private requireReachable(recipients: string[], field: string): void {
    requireReachable(this.trust, recipients, field, this.clock.now());
  }
}
