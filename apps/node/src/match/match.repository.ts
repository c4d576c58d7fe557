import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Bucket } from '@liaison/match';
import { insertRows } from '../persistence/insert-rows';
import type { Queryable } from '../persistence/queryable';

export interface KeyRow {
  keyId: string;
  sealedPrivate: Buffer;
  publicKey: Buffer;
  createdAt: Date;
}

export interface EntryRow {
  lookup: Buffer;
  kind: string;
  sealedValue: Buffer;
  keyId: string;
  filterKey: Buffer;
  addedAt: Date;
}

export interface PublicationRow {
  filterDigest: string;
  keyId: string;
  entries: number;
  bytes: number;
  parts: number;
  partners: string[];
  buildMs: number;
  publishedAt: Date;
}

export interface ServedRow {
  partner: string;
  requestId: string;
  responseId: string;
  elements: number;
  outcome: string;
  at: Date;
}

export interface FilterRow {
  holder: string;
  keyId: string;
  publicKey: Buffer;
  filterDigest: string;
  filter: Buffer;
  entries: number;
  issuedAt: Date;
  receivedAt: Date;
}

export interface FilterPartRow {
  holder: string;
  filterDigest: string;
  part: number;
  parts: number;
  keyId: string;
  publicKey: Buffer;
  bytes: Buffer;
  issuedAt: Date;
}

export interface CheckPartnerRow {
  checkId: string;
  partner: string;
  requestId: string;
  keyId: string;
  status: 'pending' | 'answered' | 'refused' | 'failed';
  hits: number[];
  code: string | null;
  detail: string | null;
  responseId: string | null;
  answeredAt: Date | null;
  /** The sealed blind state while pending (MatchSecrets.sealBlindState); erased once settled. */
  blindState: Buffer | null;
}

const CHECK_PARTNER_SELECT = `check_id AS "checkId", partner, request_id AS "requestId", key_id AS "keyId", status, hits, code, detail, response_id AS "responseId", answered_at AS "answeredAt", blind_state AS "blindState"`;
/** A holder's filter without its bytes (up to tens of MB): what listings, checks and cached answers need. */
export type FilterHead = Omit<FilterRow, 'filter'>;

const FILTER_HEAD_SELECT = `holder, key_id AS "keyId", public_key AS "publicKey", filter_digest AS "filterDigest", entries, issued_at AS "issuedAt", received_at AS "receivedAt"`;

/** Every statement of the private match: the holder's key, index, publications, buckets and served log; the requester's filters and checks. */
@Injectable()
export class MatchRepository {
  constructor(private readonly db: DataSource) {}

  // --- holder: key ---

  async currentKey(q: Queryable = this.db): Promise<KeyRow | null> {
    const [row] = await q.query(`SELECT key_id AS "keyId", sealed_private AS "sealedPrivate", public_key AS "publicKey", created_at AS "createdAt" FROM match_key WHERE retired_at IS NULL`);
    return row ?? null;
  }

  /** Serialises key changes and index writes across replicas (transaction-scoped). */
  async lockIndex(q: Queryable): Promise<void> {
    await q.query(`SELECT pg_advisory_xact_lock(hashtext('liaison_match_index'))`);
  }

  async replaceKey(q: Queryable, key: KeyRow): Promise<void> {
    await q.query(`UPDATE match_key SET retired_at = $1 WHERE retired_at IS NULL`, [key.createdAt]);
    await q.query(`INSERT INTO match_key (key_id, sealed_private, public_key, created_at) VALUES ($1, $2, $3, $4)`, [key.keyId, key.sealedPrivate, key.publicKey, key.createdAt]);
  }

  // --- holder: index ---

  async existingLookups(q: Queryable, lookups: Buffer[]): Promise<Set<string>> {
    if (lookups.length === 0) return new Set();
    const rows: { lookup: Buffer }[] = await q.query(`SELECT lookup FROM match_entry WHERE lookup = ANY($1::bytea[])`, [lookups]);
    return new Set(rows.map((r) => r.lookup.toString('base64')));
  }

  insertEntries(q: Queryable, rows: EntryRow[]): Promise<unknown[]> {
    return insertRows(q, 'match_entry', ['lookup', 'kind', 'sealed_value', 'key_id', 'filter_key', 'added_at'], rows.map((r) => [r.lookup, r.kind, r.sealedValue, r.keyId, r.filterKey, r.addedAt]), 'ON CONFLICT (lookup) DO NOTHING');
  }

  async removeEntries(q: Queryable, lookups: Buffer[]): Promise<number> {
    if (lookups.length === 0) return 0;
    // TypeORM answers a DELETE with [rows, affected].
    const [, affected] = await q.query(`DELETE FROM match_entry WHERE lookup = ANY($1::bytea[])`, [lookups]);
    return affected as number;
  }

  async recordImport(q: Queryable, row: { id: string; actor: string; at: Date; added: number; removed: number; unchanged: number }): Promise<void> {
    await q.query(`INSERT INTO match_import (id, actor, at, added, removed, unchanged) VALUES ($1, $2, $3, $4, $5, $6)`, [row.id, row.actor, row.at, row.added, row.removed, row.unchanged]);
  }

  /** The filter keys of every entry evaluated under `keyId` (16 bytes each), streamed in pages so a large index is never one result. */
  async *filterKeys(keyId: string, page = 50_000): AsyncGenerator<Buffer[]> {
    let after: Buffer = Buffer.alloc(0);
    for (;;) {
      const rows: { lookup: Buffer; filterKey: Buffer }[] = await this.db.query(
        `SELECT lookup, filter_key AS "filterKey" FROM match_entry WHERE key_id = $1 AND lookup > $2 ORDER BY lookup LIMIT $3`, [keyId, after, page]);
      if (rows.length === 0) return;
      yield rows.map((r) => r.filterKey);
      after = rows[rows.length - 1].lookup;
    }
  }

  /** Entries not yet evaluated under `keyId` (after a rotation), a page at a time. */
  staleEntries(keyId: string, limit: number): Promise<{ lookup: Buffer; sealedValue: Buffer }[]> {
    return this.db.query(`SELECT lookup, sealed_value AS "sealedValue" FROM match_entry WHERE key_id <> $1 ORDER BY lookup LIMIT $2`, [keyId, limit]);
  }

  async reevaluated(q: Queryable, keyId: string, rows: { lookup: Buffer; filterKey: Buffer }[]): Promise<void> {
    if (rows.length === 0) return;
    await q.query(
      `UPDATE match_entry e SET key_id = $1, filter_key = v.fk FROM unnest($2::bytea[], $3::bytea[]) AS v(lookup, fk) WHERE e.lookup = v.lookup`,
      [keyId, rows.map((r) => r.lookup), rows.map((r) => r.filterKey)],
    );
  }

  async indexStatus(): Promise<{ size: number; byKind: Record<string, number>; lastImport: Date | null; imports: number }> {
    const kinds: { kind: string; n: number }[] = await this.db.query(`SELECT kind, count(*)::int AS n FROM match_entry GROUP BY kind ORDER BY kind`);
    const [imports] = await this.db.query(`SELECT max(at) AS "lastImport", count(*)::int AS n FROM match_import`);
    return {
      size: kinds.reduce((s, k) => s + k.n, 0),
      byKind: Object.fromEntries(kinds.map((k) => [k.kind, k.n])),
      lastImport: imports.lastImport ?? null,
      imports: imports.n,
    };
  }

  // --- holder: publications, buckets, served log ---

  async recordPublication(q: Queryable, row: PublicationRow): Promise<void> {
    await q.query(
      `INSERT INTO match_publication (filter_digest, key_id, entries, bytes, parts, partners, build_ms, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [row.filterDigest, row.keyId, row.entries, row.bytes, row.parts, row.partners, row.buildMs, row.publishedAt],
    );
  }

  async lastPublication(): Promise<PublicationRow | null> {
    const [row] = await this.db.query(
      `SELECT filter_digest AS "filterDigest", key_id AS "keyId", entries, bytes, parts, partners, build_ms AS "buildMs", published_at AS "publishedAt" FROM match_publication ORDER BY published_at DESC LIMIT 1`,
    );
    return row ?? null;
  }

  /** Each partner's bucket, locked for the rest of the batch's transaction. */
  async lockBuckets(q: Queryable, partners: string[]): Promise<Map<string, Bucket>> {
    if (partners.length === 0) return new Map();
    const rows: { partner: string; tokens: number; at: Date }[] = await q.query(`SELECT partner, tokens, at FROM match_bucket WHERE partner = ANY($1::text[]) ORDER BY partner FOR UPDATE`, [partners]);
    return new Map(rows.map((r) => [r.partner, { tokens: r.tokens, at: r.at.getTime() }]));
  }

  async saveBuckets(q: Queryable, buckets: Map<string, Bucket>): Promise<void> {
    for (const [partner, b] of buckets) {
      await q.query(`INSERT INTO match_bucket (partner, tokens, at) VALUES ($1, $2, $3) ON CONFLICT (partner) DO UPDATE SET tokens = EXCLUDED.tokens, at = EXCLUDED.at`, [partner, b.tokens, new Date(b.at)]);
    }
  }

  insertServed(q: Queryable, rows: ServedRow[]): Promise<unknown[]> {
    return insertRows(q, 'match_served', ['partner', 'request_id', 'response_id', 'elements', 'outcome', 'at'], rows.map((r) => [r.partner, r.requestId, r.responseId, r.elements, r.outcome, r.at]));
  }

  /** Per partner: requests, elements evaluated, refusals by code, follow-up queries that refer to an answer. */
  served(): Promise<{ partner: string; requests: number; evaluated: number; refused: Record<string, number>; followUps: number }[]> {
    return this.db.query(`
      SELECT s.partner,
             count(*) FILTER (WHERE s.outcome = 'evaluated')::int AS requests,
             COALESCE(sum(s.elements) FILTER (WHERE s.outcome = 'evaluated'), 0)::int AS evaluated,
             COALESCE((SELECT json_object_agg(outcome, n) FROM (SELECT outcome, count(*)::int AS n FROM match_served r WHERE r.partner = s.partner AND r.outcome <> 'evaluated' GROUP BY outcome) x), '{}') AS refused,
             (SELECT count(*)::int FROM notice n WHERE n.direction = 'inbound' AND n.sender = s.partner AND n.re IN (SELECT response_id FROM match_served f WHERE f.partner = s.partner AND f.outcome = 'evaluated')) AS "followUps"
        FROM match_served s GROUP BY s.partner ORDER BY s.partner`);
  }

  // --- requester: filters ---

  /** Every holder's filter, without the bytes. */
  filterHeads(q: Queryable = this.db): Promise<FilterHead[]> {
    return q.query(`SELECT ${FILTER_HEAD_SELECT} FROM match_filter ORDER BY holder`);
  }

  /**
   * The filters of `holders`, with the bytes only where the caller does not hold that digest
   * already (`held`: holder → digest; `filter` is null where it does). One statement, so head and
   * bytes are of the same filter even while a newer one is saved.
   */
  filtersFor(q: Queryable, holders: readonly string[], held: ReadonlyMap<string, string>): Promise<(FilterHead & { filter: Buffer | null })[]> {
    return q.query(
      `SELECT ${FILTER_HEAD_SELECT},
              CASE WHEN (holder, filter_digest) IN (SELECT * FROM unnest($2::text[], $3::text[])) THEN NULL ELSE filter END AS filter
         FROM match_filter WHERE holder = ANY($1::text[])`,
      [holders, [...held.keys()], [...held.values()]],
    );
  }

  /** Adds a part; returns every part of its filter held so far. */
  async addFilterPart(q: Queryable, row: FilterPartRow): Promise<FilterPartRow[]> {
    await q.query(
      `INSERT INTO match_filter_part (holder, filter_digest, part, parts, key_id, public_key, bytes, issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
      [row.holder, row.filterDigest, row.part, row.parts, row.keyId, row.publicKey, row.bytes, row.issuedAt],
    );
    return q.query(
      `SELECT holder, filter_digest AS "filterDigest", part, parts, key_id AS "keyId", public_key AS "publicKey", bytes, issued_at AS "issuedAt" FROM match_filter_part WHERE holder = $1 AND filter_digest = $2 ORDER BY part`,
      [row.holder, row.filterDigest],
    );
  }

  /** Keeps the newest filter of a holder (by the holder's issue time) and drops its parts. */
  async saveFilter(q: Queryable, row: FilterRow): Promise<void> {
    await q.query(
      `INSERT INTO match_filter (holder, key_id, public_key, filter_digest, filter, entries, issued_at, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (holder) DO UPDATE SET key_id = EXCLUDED.key_id, public_key = EXCLUDED.public_key, filter_digest = EXCLUDED.filter_digest, filter = EXCLUDED.filter,
         entries = EXCLUDED.entries, issued_at = EXCLUDED.issued_at, received_at = EXCLUDED.received_at
       WHERE match_filter.issued_at <= EXCLUDED.issued_at`,
      [row.holder, row.keyId, row.publicKey, row.filterDigest, row.filter, row.entries, row.issuedAt, row.receivedAt],
    );
    await q.query(`DELETE FROM match_filter_part WHERE holder = $1 AND (filter_digest = $2 OR issued_at < $3)`, [row.holder, row.filterDigest, row.issuedAt]);
  }

  // --- requester: checks ---

  async insertCheck(q: Queryable, check: { id: string; actor: string; elements: number; createdAt: Date }, partners: CheckPartnerRow[]): Promise<void> {
    await q.query(`INSERT INTO match_check (id, actor, elements, created_at) VALUES ($1, $2, $3, $4)`, [check.id, check.actor, check.elements, check.createdAt]);
    await insertRows(q, 'match_check_partner', ['check_id', 'partner', 'request_id', 'key_id', 'status', 'blind_state'], partners.map((p) => [p.checkId, p.partner, p.requestId, p.keyId, p.status, p.blindState]));
  }

  /** Requests unanswered past their lifetime: failed as expired, their blind state erased. */
  async expirePending(before: Date): Promise<void> {
    await this.db.query(
      `UPDATE match_check_partner p SET status = 'failed', code = 'match_expired', detail = 'no answer before the request expired', blind_state = NULL
        FROM match_check c WHERE c.id = p.check_id AND p.status = 'pending' AND c.created_at < $1`,
      [before],
    );
  }

  /** The pending check rows these requests belong to, locked (answers are recorded once). */
  async lockPending(q: Queryable, requestIds: string[]): Promise<Map<string, CheckPartnerRow>> {
    if (requestIds.length === 0) return new Map();
    const rows: CheckPartnerRow[] = await q.query(`SELECT ${CHECK_PARTNER_SELECT} FROM match_check_partner WHERE request_id = ANY($1::uuid[]) AND status = 'pending' FOR UPDATE`, [requestIds]);
    return new Map(rows.map((r) => [r.requestId, r]));
  }

  async settle(q: Queryable, rows: Pick<CheckPartnerRow, 'requestId' | 'status' | 'hits' | 'code' | 'detail' | 'responseId' | 'answeredAt'>[]): Promise<void> {
    for (const r of rows) {
      await q.query(`UPDATE match_check_partner SET status = $2, hits = $3, code = $4, detail = $5, response_id = $6, answered_at = $7, blind_state = NULL WHERE request_id = $1 AND status = 'pending'`,
        [r.requestId, r.status, r.hits, r.code, r.detail, r.responseId, r.answeredAt]);
    }
  }

  async check(id: string): Promise<{ id: string; actor: string; elements: number; createdAt: Date; partners: CheckPartnerRow[] } | null> {
    const [check] = await this.db.query(`SELECT id, actor, elements, created_at AS "createdAt" FROM match_check WHERE id = $1`, [id]);
    if (!check) return null;
    const partners: CheckPartnerRow[] = await this.db.query(`SELECT ${CHECK_PARTNER_SELECT} FROM match_check_partner WHERE check_id = $1 ORDER BY partner`, [id]);
    return { ...check, partners };
  }

  /** Per holder asked: checks, elements, hits, refusals by code, follow-ups sent that refer to an answer. */
  asked(): Promise<{ partner: string; requests: number; elements: number; hits: number; refused: Record<string, number>; followUps: number }[]> {
    return this.db.query(`
      SELECT p.partner, count(*)::int AS requests, COALESCE(sum(c.elements), 0)::int AS elements, COALESCE(sum(cardinality(p.hits)), 0)::int AS hits,
             COALESCE((SELECT json_object_agg(code, n) FROM (SELECT code, count(*)::int AS n FROM match_check_partner r WHERE r.partner = p.partner AND r.status IN ('refused', 'failed') GROUP BY code) x), '{}') AS refused,
             (SELECT count(*)::int FROM notice n WHERE n.direction = 'outbound' AND n.re IN (SELECT response_id FROM match_check_partner f WHERE f.partner = p.partner AND f.status = 'answered')) AS "followUps"
        FROM match_check_partner p JOIN match_check c ON c.id = p.check_id GROUP BY p.partner ORDER BY p.partner`);
  }
}
