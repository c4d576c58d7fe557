import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NOTICE_SELECT, type NoticeRow } from '../exchange/exchange.repository';
import { insertRows } from '../persistence/insert-rows';
import type { Queryable } from '../persistence/queryable';

export interface NoticeKey {
  sender: string;
  id: string;
}

export interface TermRow {
  term: Buffer;
  noticeSender: string;
  noticeId: string;
  termKind: string;
  correlates: boolean;
}

/**
 * A stored notice with the reference of the case its envelope's `case` claim names (decision
 * 0023): null when it names none, or a case this agency does not hold.
 */
export type CaseNoticeRow = NoticeRow & { caseReference: string | null };

/** The reference of the case a notice's claim names (alias `notice`). */
const CASE_REFERENCE = `(SELECT c.reference FROM liaison_case c WHERE c.id = notice.case_id) AS "caseReference"`;

/** Another notice sharing correlating terms with the one asked about. */
export interface CorrelatedRow {
  sender: string;
  id: string;
  /** The case its claim names, and that case's reference. */
  caseId: string | null;
  caseReference: string | null;
  direction: 'outbound' | 'inbound';
  kind: string;
  issuedAt: Date;
  recipients: string[];
  termKinds: string[];
  shared: number;
}

export interface AssignmentRow {
  officer: string;
  assignedBy: string;
  assignedAt: Date;
}

export interface NoteRow {
  id: string;
  author: string;
  createdAt: Date;
  content: Buffer;
}

/** Most correlated notices listed for one notice. */
export const MAX_CORRELATED = 50;

/** Every statement of casework: the blind index, assignments and notes. */
@Injectable()
export class CaseworkRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Stored notices not indexed under the key `keyId` (never indexed, indexed before key ids were
   * recorded, or under another key), oldest first, with their sealed content; `stale` when they
   * hold terms of another key.
   */
  unindexed(q: Queryable, keyId: Buffer, limit: number): Promise<(CaseNoticeRow & { stale: boolean })[]> {
    return q.query(
      `SELECT ${NOTICE_SELECT}, ${CASE_REFERENCE},
              EXISTS (SELECT 1 FROM notice_indexed i WHERE i.notice_sender = notice.sender AND i.notice_id = notice.id) AS stale
         FROM notice
        WHERE NOT EXISTS (SELECT 1 FROM notice_indexed i WHERE i.notice_sender = notice.sender AND i.notice_id = notice.id AND i.index_key = $1)
        ORDER BY issued_at, id LIMIT $2`,
      [keyId, limit],
    );
  }

  /** Removes every term of these notices (they are indexed again under the current key). */
  async deleteTerms(q: Queryable, keys: NoticeKey[]): Promise<void> {
    if (keys.length === 0) return;
    await q.query('DELETE FROM notice_term WHERE (notice_sender, notice_id) IN (SELECT * FROM unnest($1::text[], $2::uuid[]))', [keys.map((k) => k.sender), keys.map((k) => k.id)]);
  }

  async insertTerms(q: Queryable, rows: TermRow[]): Promise<void> {
    await insertRows(q, 'notice_term', ['term', 'notice_sender', 'notice_id', 'term_kind', 'correlates'],
      rows.map((r) => [r.term, r.noticeSender, r.noticeId, r.termKind, r.correlates]), 'ON CONFLICT DO NOTHING');
  }

  /** Records the notices as indexed under the key `keyId` (replacing what an earlier key recorded). */
  async markIndexed(q: Queryable, rows: { key: NoticeKey; terms: number }[], keyId: Buffer, at: Date): Promise<void> {
    await insertRows(q, 'notice_indexed', ['notice_sender', 'notice_id', 'terms', 'indexed_at', 'index_key'],
      rows.map((r) => [r.key.sender, r.key.id, r.terms, at, keyId]),
      'ON CONFLICT (notice_sender, notice_id) DO UPDATE SET terms = EXCLUDED.terms, indexed_at = EXCLUDED.indexed_at, index_key = EXCLUDED.index_key');
  }

  async isIndexed(key: NoticeKey): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM notice_indexed WHERE notice_sender = $1 AND notice_id = $2', [key.sender, key.id]);
    return rows.length > 0;
  }

  /**
   * Notices sharing a correlating term with this one, most shared first; notices linked to it by
   * `re` (its answers, its pass-ons, what it answers) are not correlations.
   */
  correlated(key: NoticeKey): Promise<CorrelatedRow[]> {
    return this.db.query(
      `SELECT o.notice_sender AS sender, o.notice_id AS id, n.direction, n.kind, n.issued_at AS "issuedAt", n.recipients,
              n.case_id AS "caseId", (SELECT c.reference FROM liaison_case c WHERE c.id = n.case_id) AS "caseReference",
              array_agg(DISTINCT o.term_kind ORDER BY o.term_kind) AS "termKinds", count(*)::int AS shared
         FROM notice_term t
         JOIN notice_term o ON o.term = t.term AND o.correlates AND NOT (o.notice_sender = t.notice_sender AND o.notice_id = t.notice_id)
         JOIN notice n ON n.sender = o.notice_sender AND n.id = o.notice_id
         JOIN notice self ON self.sender = t.notice_sender AND self.id = t.notice_id
        WHERE t.notice_sender = $1 AND t.notice_id = $2 AND t.correlates
          AND n.re IS DISTINCT FROM self.id AND self.re IS DISTINCT FROM n.id
        GROUP BY o.notice_sender, o.notice_id, n.direction, n.kind, n.issued_at, n.recipients, n.case_id
        ORDER BY shared DESC, n.issued_at DESC LIMIT $3`,
      [key.sender, key.id, MAX_CORRELATED],
    );
  }

  /** Notices holding every one of these terms, newest first. */
  withAllTerms(terms: Buffer[], limit: number): Promise<NoticeKey[]> {
    return this.db.query(
      `SELECT t.notice_sender AS sender, t.notice_id AS id FROM notice_term t JOIN notice n ON n.sender = t.notice_sender AND n.id = t.notice_id
        WHERE t.term = ANY($1::bytea[])
        GROUP BY t.notice_sender, t.notice_id, n.issued_at HAVING count(DISTINCT t.term) = $2
        ORDER BY n.issued_at DESC, t.notice_id LIMIT $3`,
      [terms, terms.length, limit],
    );
  }

  async notice(key: NoticeKey): Promise<CaseNoticeRow | null> {
    const rows: CaseNoticeRow[] = await this.db.query(`SELECT ${NOTICE_SELECT}, ${CASE_REFERENCE} FROM notice WHERE sender = $1 AND id = $2`, [key.sender, key.id]);
    return rows[0] ?? null;
  }

  async assign(key: NoticeKey, officer: string, by: string, at: Date): Promise<void> {
    await this.db.query('INSERT INTO notice_assignment (notice_sender, notice_id, officer, assigned_by, assigned_at) VALUES ($1, $2, $3, $4, $5)', [key.sender, key.id, officer, by, at]);
  }

  /** Every assignment of the notice, oldest first (the last one counts). */
  assignments(key: NoticeKey): Promise<AssignmentRow[]> {
    return this.db.query(
      'SELECT officer, assigned_by AS "assignedBy", assigned_at AS "assignedAt" FROM notice_assignment WHERE notice_sender = $1 AND notice_id = $2 ORDER BY id',
      [key.sender, key.id],
    );
  }

  async addNote(key: NoticeKey, author: string, at: Date, content: Buffer): Promise<string> {
    const [row] = await this.db.query('INSERT INTO notice_note (notice_sender, notice_id, author, created_at, content) VALUES ($1, $2, $3, $4, $5) RETURNING id::text AS id', [key.sender, key.id, author, at, content]);
    return row.id;
  }

  notes(key: NoticeKey): Promise<NoteRow[]> {
    return this.db.query(
      'SELECT id::text AS id, author, created_at AS "createdAt", content FROM notice_note WHERE notice_sender = $1 AND notice_id = $2 ORDER BY id',
      [key.sender, key.id],
    );
  }
}
