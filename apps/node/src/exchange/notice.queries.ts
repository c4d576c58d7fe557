import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NOTICE_STATES, isOverdue, FieldError } from '@liaison/notices';
import { AGENCY_CODE } from '@liaison/ids';
import { NodeConfig } from '../config/node-config';
import { Clock, NODE_CONFIG } from '../tokens';
import { ContentCipher } from './content-cipher';
import { NoticeRecipientRecord, NoticeRecord } from './exchange.entities';
import { refuse } from './refusals';

export interface InboxFilter {
  status?: string;
  kind?: string;
  priority?: string;
  sender?: string;
  overdue?: boolean;
  limit: number;
}

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

/** Read side of notices for the API: lists without content, detail with decrypted content. */
@Injectable()
export class NoticeQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cipher: ContentCipher,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  /** The liaison officer's inbox: received queries, most urgent and soonest due first. */
  async inbox(filter: InboxFilter) {
    const qb = this.dataSource
      .getRepository(NoticeRecord)
      .createQueryBuilder('n')
      .innerJoin(NoticeRecipientRecord, 'r', 'r.notice_id = n.id AND r.agency = :me', { me: this.config.agency })
      .select(['n.id AS id', 'n.sender AS sender', 'n.kind AS kind', 'n.priority AS priority', 'n.handling_code AS handling',
        'n.issued_at AS "issuedAt"', 'n.deadline AS deadline', 'n.expires_at AS "expiresAt"', 'r.status AS status', 'r.updated_at AS "updatedAt"'])
      .where("n.direction = 'inbound' AND n.kind <> 'response'");
    if (filter.status) qb.andWhere('r.status = :status', { status: filter.status });
    if (filter.kind) qb.andWhere('n.kind = :kind', { kind: filter.kind });
    if (filter.priority) qb.andWhere('n.priority = :priority', { priority: filter.priority });
    if (filter.sender) qb.andWhere('n.sender = :sender', { sender: filter.sender });
    if (filter.overdue) qb.andWhere("n.deadline < :now AND r.status IN ('DELIVERED', 'ACKNOWLEDGED')", { now: this.clock.now() });
    const rows: { deadline: Date; status: string }[] = await qb
      .orderBy("CASE n.priority WHEN 'urgent' THEN 0 ELSE 1 END")
      .addOrderBy('n.deadline', 'ASC')
      .limit(filter.limit)
      .getRawMany();
    const now = this.clock.now();
    return rows.map((r) => ({ ...r, overdue: ['DELIVERED', 'ACKNOWLEDGED'].includes(r.status) && isOverdue(r.deadline, now) }));
  }

  /** The operator's sent notices with each recipient's status. */
  async sent(limit: number) {
    const notices = await this.dataSource.getRepository(NoticeRecord).find({
      where: { direction: 'outbound' },
      order: { issuedAt: 'DESC' },
      take: limit,
    });
    const states = await this.recipients(notices.map((n) => n.id));
    return notices
      .filter((n) => n.kind !== 'response')
      .map((n) => ({ ...this.metadata(n), recipients: states.get(n.id) ?? [] }));
  }

  /** One notice with its content, recipients' progress and the responses to it. */
  async detail(id: string, direction: 'outbound' | 'inbound') {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw refuse.notFound('notice');
    const notice = await this.dataSource.getRepository(NoticeRecord).findOne({ where: { id, direction } });
    if (!notice || notice.kind === 'response') throw refuse.notFound('notice');
    const responses = await this.dataSource.getRepository(NoticeRecord).find({ where: { re: id, kind: 'response' }, order: { issuedAt: 'ASC' } });
    const states = await this.recipients([id]);
    return {
      ...this.metadata(notice),
      body: this.cipher.open(notice.id, notice.content),
      recipients: direction === 'outbound' ? states.get(id) ?? [] : (states.get(id) ?? []).filter((s) => s.agency === this.config.agency),
      responses: responses.map((r) => ({ ...this.metadata(r), body: this.cipher.open(r.id, r.content) })),
    };
  }

  private metadata(n: NoticeRecord) {
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
      issuedAt: n.issuedAt.toISOString(),
      expiresAt: n.expiresAt.toISOString(),
      deadline: n.deadline?.toISOString() ?? null,
      digest: n.digest,
    };
  }

  private async recipients(ids: string[]): Promise<Map<string, RecipientView[]>> {
    const map = new Map<string, RecipientView[]>();
    if (ids.length === 0) return map;
    const rows = await this.dataSource.getRepository(NoticeRecipientRecord).createQueryBuilder('r').where('r.notice_id IN (:...ids)', { ids }).orderBy('r.agency').getMany();
    for (const r of rows) {
      map.set(r.noticeId, [...(map.get(r.noticeId) ?? []), {
        agency: r.agency, status: r.status, updatedAt: r.updatedAt.toISOString(), actedBy: r.actedBy, responseId: r.responseId,
      }]);
    }
    return map;
  }

  async rejected(limit: number) {
    return this.dataSource.query(
      'SELECT id, message_id AS "messageId", claimed_sender AS "claimedSender", code, detail, digest, partition, "offset", rejected_at AS "rejectedAt" FROM rejected_message ORDER BY id DESC LIMIT $1',
      [limit],
    );
  }
}
