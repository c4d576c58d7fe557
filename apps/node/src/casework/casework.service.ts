import { Inject, Injectable } from '@nestjs/common';
import { isUuid } from '@liaison/ids';
import { summarizeNotice, validateAssignmentRequest, validateNoteRequest } from '@liaison/notices';
import type { Principal } from '@liaison/auth';
import { NodeConfig } from '../config/node-config';
import { ContentAlteredError, ContentCipher } from '../exchange/content-cipher';
import { ExchangeRepository, NoticeRow } from '../exchange/exchange.repository';
import { openStoredBody, refuse, requireSenderParam } from '../exchange/refusals';
import { Clock, NODE_CONFIG } from '../tokens';
import { BlindIndex } from './blind-index';
import { correlationView, parseSearch } from './casework.decide';
import { CaseworkRepository, NoticeKey } from './casework.repository';
import { TermIndexer } from './term-indexer';

type Direction = NoticeRow['direction'];

/**
 * Casework on this agency's stored notices: assignment to an officer and internal notes (kept
 * here, never sent; who and when recorded), correlations through the blind index, and search.
 */
@Injectable()
export class CaseworkService {
  constructor(
    private readonly repository: CaseworkRepository,
    private readonly exchange: ExchangeRepository,
    private readonly indexer: TermIndexer,
    private readonly index: BlindIndex,
    private readonly cipher: ContentCipher,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  /** The notice the path names: outbound (operators) or inbound (officers; `sender` when two agencies used the id). */
  async find(id: string, direction: Direction, sender?: string): Promise<NoticeRow> {
    if (!isUuid(id)) throw refuse.notFound('notice');
    requireSenderParam(sender);
    const found = (await this.exchange.notices(id, direction)).filter((n) => sender === undefined || n.sender === sender);
    if (found.length === 0) throw refuse.notFound('notice');
    if (found.length > 1) throw refuse.ambiguous(id, found.map((n) => n.sender));
    return found[0];
  }

  async assign(principal: Principal, id: string, input: unknown, sender?: string) {
    const checked = validateAssignmentRequest(input);
    if (!checked.ok) throw refuse.invalid(checked.errors);
    const notice = await this.find(id, 'inbound', sender);
    const at = this.clock.now();
    await this.repository.assign(keyOf(notice), checked.value.officer, principal.subject, at);
    return { id, officer: checked.value.officer, assignedBy: principal.subject, assignedAt: at.toISOString() };
  }

  async addNote(principal: Principal, id: string, direction: Direction, input: unknown, sender?: string) {
    const checked = validateNoteRequest(input);
    if (!checked.ok) throw refuse.invalid(checked.errors);
    const notice = await this.find(id, direction, sender);
    const at = this.clock.now();
    // Sealed like the notice body and bound to the notice's row: a note moved to another notice no longer opens.
    const noteId = await this.repository.addNote(keyOf(notice), principal.subject, at, this.cipher.seal(notice, { text: checked.value.text }));
    return { id: noteId, notice: id, author: principal.subject, createdAt: at.toISOString() };
  }

  /** Assignment history, notes and correlations of one notice. */
  async casework(id: string, direction: Direction, sender?: string) {
    const notice = await this.find(id, direction, sender);
    const key = keyOf(notice);
    const [assignments, notes, correlations] = await Promise.all([this.repository.assignments(key), this.repository.notes(key), this.correlations(key)]);
    return {
      id: notice.id,
      sender: notice.sender,
      assignedTo: assignments.at(-1)?.officer ?? null,
      assignments: assignments.map((a) => ({ officer: a.officer, assignedBy: a.assignedBy, assignedAt: a.assignedAt.toISOString() })),
      notes: notes.map((n) => ({ id: n.id, author: n.author, createdAt: n.createdAt.toISOString(), text: (openStoredBody(this.cipher, { ...notice, content: n.content }) as { text: string }).text })),
      correlations,
    };
  }

  /** Correlations of every notice of a case reference. */
  async byCase(query: Record<string, unknown>) {
    const parsed = parseSearch({ case_reference: query.case_reference });
    if (!parsed.ok) throw refuse.invalid(parsed.errors);
    await this.indexer.catchUp();
    const keys = await this.repository.withAllTerms(parsed.value.terms.map((t) => this.index.hash(t.kind, t.value)), 100);
    return Promise.all(keys.map(async (key) => ({ ...(await this.listed(key)), correlations: await this.correlations(key) })));
  }

  /** Notices holding every term asked for (normalised, then hashed): metadata and summary only. */
  async search(query: Record<string, unknown>) {
    const parsed = parseSearch(query);
    if (!parsed.ok) throw refuse.invalid(parsed.errors);
    await this.indexer.catchUp();
    const keys = await this.repository.withAllTerms(parsed.value.terms.map((t) => this.index.hash(t.kind, t.value)), parsed.value.limit);
    return Promise.all(keys.map((key) => this.listed(key)));
  }

  private async correlations(key: NoticeKey) {
    await this.indexer.catchUp();
    const now = this.clock.now();
    const rows = await this.repository.correlated(key);
    // The body is opened only for a notice of no case (its own case_reference).
    return Promise.all(rows.map(async (row) => correlationView(row, row.caseReference ? null : ((await this.summary({ sender: row.sender, id: row.id }))?.caseReference ?? null), this.config.agency, now)));
  }

  private async listed(key: NoticeKey) {
    const notice = await this.repository.notice(key);
    if (!notice) throw refuse.notFound('notice');
    const summary = await this.summary(key, notice);
    return {
      id: notice.id, sender: notice.sender, direction: notice.direction, recipients: notice.recipients, kind: notice.kind, priority: notice.priority,
      issuedAt: notice.issuedAt.toISOString(), case: notice.caseId, caseReference: notice.caseReference ?? summary?.caseReference ?? null, subject: summary?.subject ?? null,
    };
  }

  /** The case reference and subject from a notice's sealed body; null when the row no longer opens. */
  private async summary(key: NoticeKey, row?: NoticeRow) {
    const notice = row ?? (await this.repository.notice(key));
    if (!notice) return null;
    try {
      return summarizeNotice(this.cipher.open(notice, notice.content));
    } catch (error) {
      if (error instanceof ContentAlteredError) return null;
      throw error;
    }
  }
}

function keyOf(notice: NoticeRow): NoticeKey {
  return { sender: notice.sender, id: notice.id };
}
