import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import {
  CaseDefinition,
  CaseEvent,
  CaseState,
  caseParticipants,
  validateDeclineCaseRequest,
  validateInviteRequest,
  validateOpenCaseRequest,
} from '@liaison/cases';
import { TrustStore } from '@liaison/envelope';
import { formatCaseReference, isUuid, uuidv7 } from '@liaison/ids';
import { sha256Hex } from '@liaison/envelope';
import { canonicalJson } from '@liaison/ledger';
import type { ComposeRequest } from '@liaison/notices';
import type { Principal } from '@liaison/auth';
import { NodeConfig } from '../config/node-config';
import { EnvelopeDispatcher } from '../exchange/dispatcher';
import { ExchangeExtensions, InboxExtension } from '../exchange/extensions';
import type { Classification, Opened } from '../exchange/inbox.decide';
import { refuse, requireReachable } from '../exchange/refusals';
import { PendingWrites, UnitOfWork } from '../exchange/unit-of-work';
import { ProblemException, problem } from '../http/problem';
import type { Queryable } from '../persistence/queryable';
import { Clock, NODE_CONFIG } from '../tokens';
import { caseEventIndexes, decideCaseBatch, ownEvent } from './cases.decide';
import { CasesRepository } from './cases.repository';

/** Case refusals over the API: a judged membership step that is not allowed is a 409 naming why. */
const refuseCase = (code: string, reason: string) => new ProblemException(problem(code === 'case_not_owner' || code === 'case_forged' ? 403 : 409, code, reason));

/**
 * Cases (joint operations): opening, inviting, answering, leaving and closing, each judged by
 * libs/cases, written in one transaction with its envelope and ledger entries; the inbox's case
 * events judged inside the inbox's transaction (InboxExtension); notices composed for a case
 * checked against its membership (ComposeExtension).
 */
@Injectable()
export class CasesService implements OnModuleInit, InboxExtension {
  constructor(
    private readonly unit: UnitOfWork,
    private readonly repository: CasesRepository,
    private readonly dispatcher: EnvelopeDispatcher,
    private readonly extensions: ExchangeExtensions,
    private readonly trust: TrustStore,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  onModuleInit(): void {
    this.extensions.inbox.push(this);
    this.extensions.compose = { resolve: (request) => this.resolveCompose(request) };
  }

  /** Operator: opens a case owned by this agency (a `case-opened` ledger entry) and invites the agencies named. */
  async open(principal: Principal, input: unknown): Promise<{ id: string; reference: string }> {
    const me = this.config.agency;
    const checked = validateOpenCaseRequest(input, me);
    if (!checked.ok) throw refuse.invalid(checked.errors);
    const invite = checked.value.invite ?? [];
    this.requireReachable(invite, '/invite');
    const now = this.clock.now();
    const id = uuidv7(() => now.getTime());
    return this.unit.run(async (tx, pending) => {
      const reference = formatCaseReference(me, now.getUTCFullYear(), await this.repository.nextReferenceSerial(tx, me, now.getUTCFullYear()));
      const r = checked.value;
      const definition: CaseDefinition = { reference, title: r.title, purpose: r.purpose, legal_basis: r.legalBasis, handling: r.handling, period: r.period, owner: me };
      let state = await this.apply(tx, pending, null, { type: 'open', caseId: id, agency: me, seq: 0, definition }, principal.subject, now);
      pending.ledger.push({
        event: 'case-opened', messageId: id, kind: 'case-open', counterpart: null, channel: null,
        digest: sha256Hex(Buffer.from(canonicalJson(definition), 'utf8')), re: null, actor: principal.subject, reason: null,
      });
      for (const agency of invite) state = await this.apply(tx, pending, state, this.inviteEvent(state, agency), principal.subject, now);
      await this.repository.saveCase(tx, state, now, now);
      return { id, reference };
    });
  }

  /** Operator of the owner: invites one more agency. */
  invite(principal: Principal, caseId: string, input: unknown) {
    const checked = validateInviteRequest(input, this.config.agency);
    if (!checked.ok) throw refuse.invalid(checked.errors);
    this.requireReachable([checked.value.agency], '/agency');
    return this.step(principal, caseId, (state) => this.inviteEvent(state, checked.value.agency));
  }

  accept(principal: Principal, caseId: string) {
    return this.step(principal, caseId, () => ({ type: 'accept', caseId, agency: this.config.agency }));
  }

  decline(principal: Principal, caseId: string, input: unknown) {
    const checked = validateDeclineCaseRequest(input);
    if (!checked.ok) throw refuse.invalid(checked.errors);
    return this.step(principal, caseId, () => ({ type: 'decline', caseId, agency: this.config.agency, ...(checked.value.reason ? { reason: checked.value.reason } : {}) }));
  }

  leave(principal: Principal, caseId: string) {
    return this.step(principal, caseId, () => ({ type: 'leave', caseId, agency: this.config.agency }));
  }

  close(principal: Principal, caseId: string) {
    return this.step(principal, caseId, (state) => ({ type: 'close', caseId, agency: this.config.agency, seq: state.ownerSeq + 1 }));
  }

  /** The recipients of a notice "to all participants" of a case: its current members but this agency. */
  async participants(caseId: string): Promise<string[]> {
    const row = await this.requireCase(caseId);
    return caseParticipants(row.state, this.config.agency);
  }

  // --- InboxExtension: case events in the inbox's transaction ---

  async prepare(tx: Queryable, opened: Opened[], classify: (opened: Opened[]) => Classification[]) {
    const indexes = caseEventIndexes(opened);
    if (indexes.length === 0) return null;
    const classified = classify(opened);
    const ids = [...new Set(indexes.flatMap((i) => { const r = opened[i].result; return r.ok && r.claims.case ? [r.claims.case] : []; }))];
    const stored = await this.repository.lockCases(tx, ids);
    const decision = decideCaseBatch(opened, (i) => classified[i].as === 'new', new Map([...stored].map(([id, row]) => [id, row.state])), this.config.agency, this.clock.now());
    return {
      opened: decision.opened,
      write: async (wtx: Queryable, pending: PendingWrites, final: Classification[]) => {
        // Every event judged here was recorded as new in the same transaction; anything else is a bug, and the batch falls back to one message at a time.
        if (decision.accepted.some((i) => final[i].as !== 'new')) throw new Error('a judged case event was not recorded as new');
        const now = this.clock.now();
        for (const state of decision.states.values()) await this.repository.saveCase(wtx, state, stored.get(state.id)?.openedAt ?? now, now);
        await this.repository.insertEvents(wtx, decision.events);
        await this.dispatcher.dispatch(wtx, pending, decision.dispatch);
      },
    };
  }

  // --- ComposeExtension: a notice that names a case ---

  /** A notice of a case goes only to its current members, from a member, while it is open; the case's handling code applies unless set. */
  private async resolveCompose(request: ComposeRequest): Promise<ComposeRequest> {
    const row = await this.requireCase(request.case as string, '/case');
    const me = this.config.agency;
    if (row.state.closed) throw refuseCase('case_closed', `case ${row.reference} is closed`);
    if (!row.state.members.includes(me)) throw refuseCase('case_not_member', `${me} is not a member of case ${row.reference}`);
    const errors = request.recipients.flatMap((a, i) => (row.state.members.includes(a) ? [] : [{ field: `/recipients/${i}`, message: `${a} is not a member of case ${row.reference}` }]));
    if (errors.length) throw refuse.invalid(errors);
    return request;
  }

  async requireCase(caseId: string, field?: string) {
    const row = isUuid(caseId) ? await this.repository.get(caseId) : null;
    if (!row) throw field ? refuse.invalid([{ field, message: 'is not a case known to this agency' }]) : refuse.notFound('case');
    return row;
  }

  private inviteEvent(state: CaseState, agency: string): CaseEvent {
    return {
      type: 'invite', caseId: state.id, agency, seq: state.ownerSeq + 1, definition: state.definition,
      members: state.members, invited: [...new Set([...state.invited, agency])].sort(),
    };
  }

  /** One membership step of an existing case, in one transaction with its envelope and ledger entries. */
  private step(principal: Principal, caseId: string, make: (state: CaseState) => CaseEvent): Promise<{ id: string; state: CaseState }> {
    if (!isUuid(caseId)) throw refuse.notFound('case');
    if (this.trust.status().expired) throw refuse.trustUnavailable();
    return this.unit.run(async (tx, pending) => {
      const row = (await this.repository.lockCases(tx, [caseId])).get(caseId);
      if (!row) throw refuse.notFound('case');
      const now = this.clock.now();
      const state = await this.apply(tx, pending, row.state, make(row.state), principal.subject, now);
      await this.repository.saveCase(tx, state, row.openedAt, now);
      return { id: caseId, state };
    });
  }

  /** Judges an event of ours, records it and queues its envelope; a refused step is a 403/409 naming why. */
  private async apply(tx: Queryable, pending: PendingWrites, state: CaseState | null, event: CaseEvent, actor: string, now: Date): Promise<CaseState> {
    const own = ownEvent(state, event, this.config.agency, actor, now);
    if (!own.ok) throw refuseCase(own.code, own.reason);
    await this.repository.insertEvents(tx, [own.value.row]);
    if (own.value.dispatch) await this.dispatcher.dispatch(tx, pending, [own.value.dispatch]);
    return own.value.state;
  }

  private requireReachable(agencies: string[], field: string): void {
    requireReachable(this.trust, agencies, field, this.clock.now());
  }
}
