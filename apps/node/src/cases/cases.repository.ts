import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CaseEvent, CaseState } from '@liaison/cases';
import { NOTICE_SELECT, NoticeRow } from '../exchange/exchange.repository';
import { insertRows } from '../persistence/insert-rows';
import type { Queryable } from '../persistence/queryable';

/** A case as stored: the fold of its accepted events. */
export interface CaseRow {
  id: string;
  reference: string;
  owner: string;
  state: CaseState;
  openedAt: Date;
  updatedAt: Date;
}

/** One accepted membership event: sent by us (outbound), received (inbound) or recorded only here (local: open). */
export interface CaseEventRow {
  caseId: string;
  messageId: string;
  signer: string;
  type: CaseEvent['type'];
  agency: string;
  seq: number | null;
  direction: 'outbound' | 'inbound' | 'local';
  recipients: string[];
  event: CaseEvent;
  at: Date;
  actor: string | null;
}

const EVENT_COLUMNS = ['case_id', 'message_id', 'signer', 'type', 'agency', 'seq', 'direction', 'recipients', 'event', 'at', 'actor'] as const;
const CASE_SELECT = `id, reference, owner, state, opened_at AS "openedAt", updated_at AS "updatedAt"`;
const EVENT_SELECT = `case_id AS "caseId", message_id AS "messageId", signer, type, agency, seq::float8 AS seq, direction, recipients, event, at, actor`;

/** Longest thread returned (a hostile chain of `re` links must not make the query unbounded). */
export const MAX_THREAD = 500;

/** Every statement of the cases feature: cases, their events, the notices of a case, threads. */
@Injectable()
export class CasesRepository {
  constructor(private readonly db: DataSource) {}

  /** The stored cases among `ids`, locked for the rest of the transaction (judged and updated in it). */
  async lockCases(q: Queryable, ids: string[]): Promise<Map<string, CaseRow>> {
    if (ids.length === 0) return new Map();
    const rows: CaseRow[] = await q.query(`SELECT ${CASE_SELECT} FROM liaison_case WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
    return new Map(rows.map((r) => [r.id, r]));
  }

  async saveCase(q: Queryable, state: CaseState, openedAt: Date, now: Date): Promise<void> {
    await q.query(
      `INSERT INTO liaison_case (id, reference, owner, state, opened_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, updated_at = EXCLUDED.updated_at`,
      [state.id, state.definition.reference, state.definition.owner, JSON.stringify(state), openedAt, now],
    );
  }

  insertEvents(q: Queryable, rows: CaseEventRow[]): Promise<unknown[]> {
    return insertRows(q, 'case_event', EVENT_COLUMNS, rows.map((e) => [
      e.caseId, e.messageId, e.signer, e.type, e.agency, e.seq, e.direction, e.recipients, JSON.stringify(e.event), e.at, e.actor,
    ]));
  }

  /** The next serial of `owner`'s references in `year`, serialised by a transaction-scoped advisory lock. */
  async nextReferenceSerial(q: Queryable, owner: string, year: number): Promise<number> {
    await q.query(`SELECT pg_advisory_xact_lock(hashtext('liaison_case_reference'))`);
    const [row] = await q.query(`SELECT count(*)::int AS n FROM liaison_case WHERE owner = $1 AND reference LIKE $2`, [owner, `${owner}-${year}-%`]);
    return (row.n as number) + 1;
  }

  list(limit: number): Promise<CaseRow[]> {
    return this.db.query(`SELECT ${CASE_SELECT} FROM liaison_case ORDER BY opened_at DESC, id DESC LIMIT $1`, [limit]);
  }

  async get(id: string): Promise<CaseRow | null> {
    const [row] = await this.db.query(`SELECT ${CASE_SELECT} FROM liaison_case WHERE id = $1`, [id]);
    return row ?? null;
  }

  events(caseId: string): Promise<CaseEventRow[]> {
    return this.db.query(`SELECT ${EVENT_SELECT} FROM case_event WHERE case_id = $1 ORDER BY at, seq NULLS LAST, message_id`, [caseId]);
  }

  /** The notices (not the case events) that belong to a case, oldest first, with every workflow row this agency holds for them. */
  async notices(caseId: string): Promise<(Omit<NoticeRow, 'content'> & { states: { agency: string; status: string; updatedAt: string }[] })[]> {
    return this.db.query(
      `SELECT n.id, n.direction, n.sender, n.recipients, n.kind, n.priority, n.handling_code AS "handlingCode", n.re, n.case_id AS "caseId",
              n.issued_at AS "issuedAt", n.expires_at AS "expiresAt", n.deadline, n.digest,
              COALESCE((SELECT json_agg(json_build_object('agency', r.agency, 'status', r.status, 'updatedAt', r.updated_at) ORDER BY r.agency)
                          FROM notice_recipient r WHERE r.notice_sender = n.sender AND r.notice_id = n.id), '[]') AS states
         FROM notice n WHERE n.case_id = $1 AND n.kind NOT LIKE 'case-%' ORDER BY n.issued_at, n.id`,
      [caseId],
    );
  }

  /**
   * Every notice linked to `id` through `re` (what it follows up, recursively, and every follow-up
   * of those), oldest first; at most MAX_THREAD. Ids are per sender, so a link may name notices of
   * two senders: both are shown.
   */
  thread(id: string): Promise<NoticeRow[]> {
    return this.db.query(
      `WITH RECURSIVE up(id, re, depth) AS (
          SELECT id, re, 0 FROM notice WHERE id = $1
          UNION SELECT n.id, n.re, up.depth + 1 FROM notice n JOIN up ON n.id = up.re WHERE up.depth < $2
        ), down(id, depth) AS (
          SELECT id, 0 FROM up WHERE re IS NULL OR NOT EXISTS (SELECT 1 FROM notice p WHERE p.id = up.re)
          UNION SELECT n.id, down.depth + 1 FROM notice n JOIN down ON n.re = down.id WHERE down.depth < $2
        )
       SELECT ${NOTICE_SELECT} FROM notice WHERE id IN (SELECT id FROM down UNION SELECT id FROM up) AND kind NOT LIKE 'case-%'
        ORDER BY issued_at, id LIMIT $2`,
      [id, MAX_THREAD],
    );
  }
}
