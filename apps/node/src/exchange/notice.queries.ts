import { Inject, Injectable } from '@nestjs/common';
import { AGENCY_CODE, isUuid } from '@liaison/ids';
import { FieldError, NOTICE_STATES, NoticeSummary, isOverdue, summarizeNotice } from '@liaison/notices';
import { NodeConfig } from '../config/node-config';
import { Clock, NODE_CONFIG } from '../tokens';
import { ContentAlteredError, ContentBinding, ContentCipher } from './content-cipher';
import { ExchangeRepository, InboxFilter, NoticeRow, OPEN_STATES, RecipientRow, senderKey } from './exchange.repository';
import { openStoredBody, refuse, requireSenderParam } from './refusals';

export type { InboxFilter } from './exchange.repository';

const MAX_PAGE = 200;

/** Validates the inbox query string; every refusal names the parameter. */
export function parseInboxFilter(query: Record<string, unknown>): InboxFilter {
  const errors: FieldError[] = [];
  const text = (name: string, pattern: RegExp, hint: string): string | undefined => {
    const v = query[name];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string' || !pattern.test(v)) {
      errors.push({ field: name, message: `must be ${hint}` });
      return undefined;
    }
    return v;
  };
  const filter: InboxFilter = {
    status: text('status', new RegExp(`^(${NOTICE_STATES.join('|')})$`), `one of ${NOTICE_STATES.join(', ')}`),
    kind: text('kind', /^[a-z][a-z0-9-]{0,63}$/, 'a notice kind'),
    priority: text('priority', /^(urgent|normal)$/, 'urgent or normal'),
    sender: text('sender', AGENCY_CODE, 'an agency code'),
    overdue: text('overdue', /^(true|false)$/, 'true or false') === 'true' ? true : undefined,
    limit: Number(text('limit', /^\d{1,3}$/, `a number from 1 to ${MAX_PAGE}`) ?? 50),
  };
  if (filter.limit < 1 || filter.limit > MAX_PAGE) errors.push({ field: 'limit', message: `must be from 1 to ${MAX_PAGE}` });
  if (errors.length) throw refuse.invalid(errors);
  return filter;
}

export interface RecipientView {
  agency: string;
  status: string;
  updatedAt: string;
  actedBy: string | null;
  responseId: string | null;
}

/** Read side of notices for the API: lists with a short summary, detail with decrypted content. */
@Injectable()
export class NoticeQueries {
  constructor(
    private readonly repository: ExchangeRepository,
    private readonly cipher: ContentCipher,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  /** The liaison officer's inbox: open work first, then urgent first and soonest due; each row with its case reference and subject. */
  async inbox(filter: InboxFilter) {
    const now = this.clock.now();
    const rows = await this.repository.inbox(this.config.agency, filter, now);
    return rows.map(({ content, handlingRestriction, grades, re, recipients, digest, ...r }) => {
      const binding = { ...r, direction: 'inbound' as const, handlingCode: r.handling, handlingRestriction, grades, re, recipients, priority: r.priority as NoticeRow['priority'] };
      // One altered row must not hide the rest of the inbox: it lists without a summary, and its detail answers 500.
      const summary = this.summary(binding, content);
      return { ...r, ...summary, overdue: OPEN_STATES.includes(r.status) && isOverdue(r.deadline, now) };
    });
  }

  /** The operator's sent notices with each recipient's status. */
  async sent(limit: number) {
    const notices = await this.repository.sent(this.config.agency, limit);
    const states = await this.recipients(notices);
    return notices.map((n) => ({ ...this.metadata(n), recipients: states.get(senderKey(n.sender, n.id)) ?? [] }));
  }

  /**
   * One notice with its content, recipients' progress and the responses to it. Inbound ids are
   * chosen by their senders: when two agencies used the same id, `sender` says which is meant.
   */
  async detail(id: string, direction: 'outbound' | 'inbound', sender?: string) {
    if (!isUuid(id)) throw refuse.notFound('notice');
    requireSenderParam(sender);
    const found = (await this.repository.notices(id, direction)).filter((n) => sender === undefined || n.sender === sender);
    if (found.length === 0) throw refuse.notFound('notice');
    if (found.length > 1) throw refuse.ambiguous(id, found.map((n) => n.sender));
    const notice = found[0];
    const me = this.config.agency;
    // Responses to our query come from its recipients; to a received query, from us to its sender.
    const responses = direction === 'outbound' ? await this.repository.responses(id, notice.recipients, null) : await this.repository.responses(id, [me], notice.sender);
    const states = (await this.recipients([notice])).get(senderKey(notice.sender, notice.id)) ?? [];
    return {
      ...this.metadata(notice),
      body: openStoredBody(this.cipher, notice),
      recipients: direction === 'outbound' ? states : states.filter((s) => s.agency === me),
      responses: responses.map((r) => ({ ...this.metadata(r), body: openStoredBody(this.cipher, r) })),
    };
  }

  private summary(binding: ContentBinding, content: Buffer): NoticeSummary & { contentAltered?: true } {
    try {
      return summarizeNotice(this.cipher.open(binding, content));
    } catch (error) {
      if (!(error instanceof ContentAlteredError)) throw error;
      return { caseReference: null, subject: null, contentAltered: true };
    }
  }

  rejected(limit: number) {
    return this.repository.rejected(limit);
  }

  private metadata(n: NoticeRow) {
    return {
      id: n.id,
      direction: n.direction,
      sender: n.sender,
      recipients: n.recipients,
      kind: n.kind,
      priority: n.priority,
      handling: { code: n.handlingCode, ...(n.handlingRestriction ? { restriction: n.handlingRestriction } : {}) },
      grades: n.grades,
      re: n.re,
      // The case (joint operation) its envelope names, the notice's one case (decision 0023).
      case: n.caseId,
      issuedAt: n.issuedAt.toISOString(),
      expiresAt: n.expiresAt.toISOString(),
      deadline: n.deadline?.toISOString() ?? null,
      digest: n.digest,
    };
  }

  private async recipients(notices: NoticeRow[]): Promise<Map<string, RecipientView[]>> {
    const rows: RecipientRow[] = await this.repository.recipients(notices.map((n) => ({ sender: n.sender, id: n.id })));
    const map = new Map<string, RecipientView[]>();
    for (const r of rows) {
      const key = senderKey(r.noticeSender, r.noticeId);
      map.set(key, [...(map.get(key) ?? []), { agency: r.agency, status: r.status, updatedAt: r.updatedAt.toISOString(), actedBy: r.actedBy, responseId: r.responseId }]);
    }
    return map;
  }
}
