import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Principal } from '@liaison/auth';
import { TrustStore, type NoticeClaims } from '@liaison/envelope';
import { isUuid, uuidv7 } from '@liaison/ids';
import {
  FILTER_KEY_BYTES,
  FuseFilter,
  MATCH_FILTER,
  MATCH_REFUSAL,
  MATCH_REQUEST,
  MATCH_RESPONSE,
  MatchInputError,
  OprfHolder,
  OprfRequester,
  assembleFilter,
  filterKeys,
  generateOprfKey,
  oprfKeyId,
  readMatchRefusal,
  readMatchResponse,
  validateMatchCheckRequest,
  validateMatchImportRequest,
  blindStateBytes,
  blindStateFrom,
} from '@liaison/match';
import { NodeConfig } from '../config/node-config';
import { EnvelopeDispatcher } from '../exchange/dispatcher';
import { ExchangeExtensions, InboxExtension } from '../exchange/extensions';
import type { Classification, LateRefusal, Opened } from '../exchange/inbox.decide';
import { refuse, requireReachable } from '../exchange/refusals';
import { PendingWrites, UnitOfWork } from '../exchange/unit-of-work';
import { ProblemException, problem } from '../http/problem';
import type { LedgerEventInput } from '../ledger/ledger.port';
import type { Queryable } from '../persistence/queryable';
import { Clock, NODE_CONFIG } from '../tokens';
import {
  FilterPart,
  ServeJudgement,
  bodyDigest,
  checkPartners,
  filterItems,
  hitsOf,
  judgeFilterPart,
  judgeMatchRequests,
  keyDue,
  keyRotatesAt,
  newOfKind,
  refusalItem,
  requestItem,
  responseItem,
  withRefusals,
  MATCH_MESSAGE_LIFETIME_SECONDS,
} from './match.decide';
import { MatchSecrets } from './match-secrets';
import { CheckPartnerRow, FilterHead, MatchRepository } from './match.repository';

/** Largest filter a requester accepts (entries): above the 10 million, below what fits in the part limit. */
export const MAX_FILTER_ENTRIES = 40_000_000;
/** Entries re-evaluated per transaction after a key rotation. */
const REEVALUATE_PAGE = 2000;
/** How often the node looks whether its key is due (the rotation itself is LIAISON_MATCH_KEY_ROTATION_DAYS). */
const ROTATION_LOOK_MS = 3600_000;
const POLL_MS = 100;

interface CurrentKey {
  keyId: string;
  publicKey: Uint8Array;
  holder: OprfHolder;
  createdAt: Date;
}

/** What the requester keeps between sending a request and reading its answer: in memory only (it holds the inputs). */
const firstBytes = (output: Uint8Array) => Buffer.from(output.subarray(0, FILTER_KEY_BYTES));

/**
 * Private hit/no-hit (issue 18, decision 0017/0022). As a holder: the index (imported by an admin,
 * each value sealed at rest and evaluated under the agency's OPRF key), the key (generated here,
 * wrapped under the at-rest secret, rotated on a schedule), the filter sent to every partner as
 * signed, encrypted `match-filter` envelopes, and the inbox's `match-request`s judged and answered
 * (InboxExtension). As a requester: the holders' filters, operators' checks (blinded requests,
 * answers verified, unblinded and checked against the filter). Neither side stores a value
 * checked; the holder never sees one.
 */
@Injectable()
export class MatchService implements OnModuleInit, OnModuleDestroy, InboxExtension {
  private readonly log = new Logger('Match');
  private readonly secrets: MatchSecrets;
  private current: CurrentKey | null = null;
  private keyLoading: Promise<CurrentKey> | null = null;
  private readonly filterCache = new Map<string, { digest: string; filter: FuseFilter }>();
  private publishTimer: NodeJS.Timeout | null = null;
  private rotationTimer: NodeJS.Timeout | null = null;
  private publishing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly unit: UnitOfWork,
    private readonly repository: MatchRepository,
    private readonly dispatcher: EnvelopeDispatcher,
    private readonly extensions: ExchangeExtensions,
    private readonly trust: TrustStore,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {
    this.secrets = new MatchSecrets(config.contentSecret);
  }

  onModuleInit(): void {
    this.extensions.inbox.push(this);
    if (this.config.match.partners.length > 0) {
      // A filter that is not the current index's (or went to other partners) is sent again at start.
      this.schedulePublish(true);
      this.rotationTimer = setInterval(() => void this.rotateIfDue().catch((e) => this.log.error(`key rotation failed: ${(e as Error).message}`)), ROTATION_LOOK_MS);
      this.rotationTimer.unref();
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    if (this.publishTimer) clearTimeout(this.publishTimer);
    if (this.rotationTimer) clearInterval(this.rotationTimer);
    await this.publishing.catch(() => undefined);
  }

  // --- holder: key ---

  /** The current OPRF key, generated on first use (serialised across replicas by the index lock). */
  private key(): Promise<CurrentKey> {
    if (this.current) return Promise.resolve(this.current);
    this.keyLoading ??= this.loadKey().finally(() => (this.keyLoading = null));
    return this.keyLoading;
  }

  private async loadKey(): Promise<CurrentKey> {
    let row = await this.repository.currentKey();
    if (!row) {
      row = await this.unit.run(async (tx) => {
        await this.repository.lockIndex(tx);
        return (await this.repository.currentKey(tx)) ?? (await this.newKey(tx));
      });
    }
    const privateKey = this.secrets.unwrapPrivateKey(row.keyId, row.sealedPrivate);
    this.current = { keyId: row.keyId, publicKey: new Uint8Array(row.publicKey), holder: await OprfHolder.create(Uint8Array.from(privateKey)), createdAt: row.createdAt };
    privateKey.fill(0); // the holder keeps its own copy
    return this.current;
  }

  private async newKey(tx: Queryable) {
    const pair = await generateOprfKey();
    const keyId = oprfKeyId(pair.publicKey);
    const row = { keyId, sealedPrivate: this.secrets.wrapPrivateKey(keyId, pair.privateKey), publicKey: Buffer.from(pair.publicKey), createdAt: this.clock.now() };
    pair.privateKey.fill(0);
    await this.repository.replaceKey(tx, row);
    this.log.log(`new OPRF key ${keyId}`);
    return row;
  }

  /** Replaces the key when it is due, re-evaluates every entry under the new one and republishes. */
  async rotateIfDue(): Promise<boolean> {
    await this.key();
    const rotated = await this.unit.run(async (tx) => {
      await this.repository.lockIndex(tx);
      // Read again under the lock: another replica may have rotated it already.
      const row = await this.repository.currentKey(tx);
      if (row && !keyDue(row.createdAt, this.clock.now(), this.config.match.keyRotationDays)) return false;
      await this.newKey(tx);
      return true;
    });
    if (!rotated) return false;
    this.current = null;
    this.filterCache.clear();
    this.schedulePublish(false, 0);
    return true;
  }

  /** Brings every entry under the current key (after a rotation, or an import that raced one). */
  private async reevaluate(key: CurrentKey): Promise<void> {
    for (;;) {
      const stale = await this.repository.staleEntries(key.keyId, REEVALUATE_PAGE);
      if (stale.length === 0) return;
      const rows = await Promise.all(stale.map(async (e) => ({ lookup: e.lookup, filterKey: firstBytes(await key.holder.evaluate(new TextEncoder().encode(this.secrets.openValue(e.lookup, e.sealedValue)))) })));
      await this.unit.run(async (tx) => {
        await this.repository.lockIndex(tx);
        await this.repository.reevaluated(tx, key.keyId, rows);
      });
    }
  }

  // --- holder: index ---

  /** Admin: adds and removes entries (canonicalised here, sealed at rest, evaluated under the current key); the filter follows. */
  async importEntries(principal: Principal, input: unknown): Promise<{ added: number; removed: number; unchanged: number; size: number }> {
    const checked = validateMatchImportRequest(input);
    if (!checked.ok) throw refuse.invalid(checked.errors);
    const key = await this.key();
    const adds = new Map<string, { kind: string; canonical: string }>();
    const removes = new Map<string, Buffer>();
    for (const e of checked.value) {
      const lookup = this.secrets.lookup(e.canonical);
      const id = lookup.toString('base64');
      if (e.op === 'add') {
        removes.delete(id);
        adds.set(id, e);
      } else {
        adds.delete(id);
        removes.set(id, lookup);
      }
    }
    const now = this.clock.now();
    const rows = await Promise.all([...adds].map(async ([id, e]) => {
      const lookup = Buffer.from(id, 'base64');
      return { lookup, kind: e.kind, sealedValue: this.secrets.sealValue(lookup, e.canonical), keyId: key.keyId, filterKey: firstBytes(await key.holder.evaluate(new TextEncoder().encode(e.canonical))), addedAt: now };
    }));
    const result = await this.unit.run(async (tx) => {
      await this.repository.lockIndex(tx);
      const existing = await this.repository.existingLookups(tx, rows.map((r) => r.lookup));
      const fresh = rows.filter((r) => !existing.has(r.lookup.toString('base64')));
      await this.repository.insertEntries(tx, fresh);
      const removed = await this.repository.removeEntries(tx, [...removes.values()]);
      const counts = { added: fresh.length, removed, unchanged: checked.value.length - fresh.length - removed };
      await this.repository.recordImport(tx, { id: uuidv7(() => now.getTime()), actor: principal.subject, at: now, ...counts });
      return counts;
    });
    if (result.added + result.removed > 0) this.schedulePublish(false);
    return { ...result, size: (await this.repository.indexStatus()).size };
  }

  /** Admin: the index, the key and the last filter sent. */
  async indexStatus() {
    const status = await this.repository.indexStatus();
    const key = await this.key();
    const publication = await this.repository.lastPublication();
    const now = this.clock.now();
    return {
      ...status,
      key: { id: key.keyId, createdAt: key.createdAt, ageDays: Math.floor((now.getTime() - key.createdAt.getTime()) / 86_400_000), rotatesAt: keyRotatesAt(key.createdAt, this.config.match.keyRotationDays) },
      partners: this.config.match.partners,
      holders: this.config.match.holders,
      rate: this.config.match.rate,
      falsePositiveRate: this.config.match.falsePositiveRate,
      publication,
    };
  }

  /** Rebuilds and sends the filter once the index has been quiet for the configured delay (one build at a time). */
  private schedulePublish(onlyIfChanged: boolean, delay = this.config.match.publishDelayMs): void {
    if (this.closed || this.config.match.partners.length === 0) return;
    if (this.publishTimer) clearTimeout(this.publishTimer);
    this.publishTimer = setTimeout(() => {
      this.publishTimer = null;
      this.publishing = this.publishing.then(() => this.publish(onlyIfChanged)).catch((e) => {
        this.log.error(`publishing the match filter failed: ${(e as Error).message}; retried on the next change or start`);
      });
    }, delay);
    this.publishTimer.unref();
  }

  /** Builds the filter over every entry under the current key and sends it to every partner. */
  async publish(onlyIfChanged = false): Promise<void> {
    const key = await this.key();
    await this.reevaluate(key);
    const partners = this.config.match.partners;
    const last = await this.repository.lastPublication();
    const size = (await this.repository.indexStatus()).size;
    if (onlyIfChanged && last && last.keyId === key.keyId && last.entries === size && last.partners.join() === partners.join()) return;
    const started = performance.now();
    const chunks: Uint32Array[] = [];
    for await (const page of this.repository.filterKeys(key.keyId)) chunks.push(filterKeys(page));
    const keys = new Uint32Array(chunks.reduce((n, c) => n + c.length, 0));
    chunks.reduce((at, c) => (keys.set(c, at), at + c.length), 0);
    const filter = FuseFilter.build(keys, { falsePositiveRate: this.config.match.falsePositiveRate }).serialize();
    const buildMs = Math.round(performance.now() - started);
    requireReachable(this.trust, partners, '/partners', this.clock.now());
    const now = this.clock.now();
    const items = filterItems(this.config.agency, partners, key.publicKey, filter, now, keyRotatesAt(key.createdAt, this.config.match.keyRotationDays), this.config.maxEnvelopeLifetimeSeconds);
    await this.unit.run(async (tx, pending) => {
      await this.dispatcher.dispatch(tx, pending, items);
      const digest = (items[0].draft.body as { filter: string }).filter;
      await this.repository.recordPublication(tx, { filterDigest: digest, keyId: key.keyId, entries: keys.length / 4, bytes: filter.length, parts: items.length, partners, buildMs, publishedAt: now });
    });
    this.log.log(`match filter sent to ${partners.join(', ')}: ${keys.length / 4} entries, ${filter.length} bytes in ${items.length} part(s), built in ${buildMs} ms`);
  }

  // --- requester: checks ---

  /** Holders this agency may query and the filter it holds of each. */
  async holders() {
    const filters = new Map((await this.repository.filterHeads()).map((f) => [f.holder, f]));
    return this.config.match.holders.map((holder) => {
      const f = filters.get(holder);
      return { holder, filter: f ? { keyId: f.keyId, entries: f.entries, digest: f.filterDigest, issuedAt: f.issuedAt, receivedAt: f.receivedAt } : null };
    });
  }

  /**
   * Operator: blinds each value once per holder, sends one match-request to each and waits up to
   * LIAISON_MATCH_CHECK_WAIT_MS for the answers (200 with every result, else 202: poll GET).
   */
  async check(principal: Principal, input: unknown): Promise<{ complete: boolean; view: Awaited<ReturnType<MatchService['view']>> }> {
    const checked = validateMatchCheckRequest(input);
    if (!checked.ok) throw refuse.invalid(checked.errors);
    const { canonical, partners } = checked.value;
    const filters = new Map((await this.repository.filterHeads()).map((f) => [f.holder, f]));
    const errors = checkPartners(partners, this.config.match.holders, new Set(filters.keys()));
    if (errors.length) throw new ProblemException(problem(errors.some((e) => e.message.includes('LIAISON_MATCH_HOLDERS')) ? 403 : 409, errors.some((e) => e.message.includes('LIAISON_MATCH_HOLDERS')) ? 'match_not_authorised' : 'match_no_filter', errors.map((e) => e.message).join('; '), { errors }));
    requireReachable(this.trust, partners, '/partners', this.clock.now());
    await this.repository.expirePending(new Date(this.clock.now().getTime() - MATCH_MESSAGE_LIFETIME_SECONDS * 1000));
    const inputs = canonical.map((c) => new TextEncoder().encode(c));
    const now = this.clock.now();
    const checkId = uuidv7(() => now.getTime());
    const prepared = await Promise.all(partners.map(async (partner) => {
      const f = filters.get(partner)!;
      const requester = await OprfRequester.create(new Uint8Array(f.publicKey));
      const { state, blinded } = await requester.blind(inputs);
      const item = requestItem(this.config.agency, partner, f.keyId, blinded, principal.subject, now);
      // The blind state holds the values: sealed at rest until the answer, then erased.
      return { partner, item, keyId: f.keyId, blindState: this.secrets.sealBlindState(item.draft.jti, blindStateBytes(state)) };
    }));
    await this.unit.run(async (tx, pending) => {
      await this.repository.insertCheck(tx, { id: checkId, actor: principal.subject, elements: inputs.length, createdAt: now }, prepared.map((p) => ({
        checkId, partner: p.partner, requestId: p.item.draft.jti, keyId: p.keyId, status: 'pending', hits: [], code: null, detail: null, responseId: null, answeredAt: null, blindState: p.blindState,
      })));
      await this.dispatcher.dispatch(tx, pending, prepared.map((p) => p.item));
    });
    const deadline = Date.now() + this.config.match.checkWaitMs;
    for (;;) {
      const view = await this.view(checkId);
      if (view.partners.every((p) => p.status !== 'pending') || Date.now() >= deadline) return { complete: view.partners.every((p) => p.status !== 'pending'), view };
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /** One check: per holder its status and the indexes (into the values sent) that hit; never a value. */
  async view(id: string) {
    const check = isUuid(id) ? await this.repository.check(id) : null;
    if (!check) throw refuse.notFound('match check');
    return {
      id: check.id,
      createdAt: check.createdAt,
      values: check.elements,
      complete: check.partners.every((p) => p.status !== 'pending'),
      partners: check.partners.map((p) => ({
        partner: p.partner, status: p.status, hits: p.hits, requestId: p.requestId, answerId: p.responseId, answeredAt: p.answeredAt,
        ...(p.code ? { code: p.code, detail: p.detail } : {}),
      })),
    };
  }

  /** Auditor: per partner served and asked, counts only. */
  async audit() {
    return { served: await this.repository.served(), asked: await this.repository.asked() };
  }

  /**
   * The filters of the holders whose answers a batch settles, each deserialised once per digest:
   * the bytes are read only for a holder whose filter changed since the copy this replica holds.
   */
  private async filtersOf(tx: Queryable, holders: string[]): Promise<Map<string, FilterHead & { filter: FuseFilter }>> {
    if (holders.length === 0) return new Map();
    const held = new Map([...this.filterCache].filter(([holder]) => holders.includes(holder)));
    const rows = await this.repository.filtersFor(tx, holders, new Map([...held].map(([holder, c]) => [holder, c.digest])));
    return new Map(rows.map(({ filter: bytes, ...head }) => {
      // The bytes are null only where `held` has this very digest.
      const filter = bytes === null ? held.get(head.holder)!.filter : FuseFilter.deserialize(new Uint8Array(bytes), MAX_FILTER_ENTRIES);
      this.filterCache.set(head.holder, { digest: head.filterDigest, filter });
      return [head.holder, { ...head, filter }];
    }));
  }

  // --- InboxExtension: the match envelopes of a batch ---

  async prepare(tx: Queryable, opened: Opened[], classify: (opened: Opened[]) => Classification[]) {
    const kinds = new Set(opened.flatMap(({ result }) => (result.ok ? [result.claims.kind] : [])));
    if (![MATCH_FILTER, MATCH_REQUEST, MATCH_RESPONSE, MATCH_REFUSAL].some((k) => kinds.has(k))) return null;
    const classified = classify(opened);
    const isNew = (i: number) => classified[i].as === 'new';
    const claimsAt = (i: number) => (opened[i].result as { claims: NoticeClaims }).claims;
    const now = this.clock.now();

    // Holder: requests judged in order, the admitted ones evaluated with one proof each.
    const requestIndexes = newOfKind(opened, isNew, MATCH_REQUEST);
    let judgements: ServeJudgement[] = [];
    const evaluations = new Map<number, { evaluated: Uint8Array[]; proof: Uint8Array; keyId: string }>();
    let buckets = new Map<string, { tokens: number; at: number }>();
    if (requestIndexes.length > 0) {
      let key = await this.key();
      // Another replica may have rotated the key: a request under a key id this one does not know reloads it once.
      if (requestIndexes.some((i) => (claimsAt(i).body as { key_id?: unknown }).key_id !== key.keyId)) {
        this.current = null;
        key = await this.key();
      }
      const senders = [...new Set(requestIndexes.map((i) => claimsAt(i).iss))].filter((s) => this.config.match.partners.includes(s));
      buckets = await this.repository.lockBuckets(tx, senders);
      judgements = await judgeMatchRequests(opened, requestIndexes, { partners: this.config.match.partners, keyId: key.keyId, policy: this.config.match.rate, buckets, now: now.getTime() });
      for (const j of judgements) if (j.ok) evaluations.set(j.index, { ...(await key.holder.blindEvaluate(j.elements)), keyId: key.keyId });
    }
    let judged = withRefusals(opened, judgements);

    // Requester: filter parts from holders it may query, well formed.
    const parts = new Map<number, FilterPart>();
    for (const i of newOfKind(opened, isNew, MATCH_FILTER)) {
      const claims = claimsAt(i);
      const j = judgeFilterPart(claims, this.config.match.holders);
      if (j.ok) parts.set(i, j.part);
      else {
        const refusal: LateRefusal = { ok: false, code: j.code, detail: `${MATCH_FILTER} ${claims.jti} from ${claims.iss}: ${j.detail}`, digest: (opened[i].result as { digest: string }).digest };
        judged = [...judged];
        judged[i] = { message: opened[i].message, result: refusal };
      }
    }

    // Requester: answers to its pending requests, verified and checked against the filter used.
    const answers = [...newOfKind(opened, isNew, MATCH_RESPONSE), ...newOfKind(opened, isNew, MATCH_REFUSAL)];
    const pendingRows = await this.repository.lockPending(tx, answers.flatMap((i) => (claimsAt(i).re ? [claimsAt(i).re as string] : [])));
    const filters = await this.filtersOf(tx, [...new Set([...pendingRows.values()].map((r) => r.partner))]);
    const settled: (Pick<CheckPartnerRow, 'requestId' | 'status' | 'hits' | 'code' | 'detail' | 'responseId' | 'answeredAt'> & { partner: string; elements: number; digest: string })[] = [];
    for (const i of answers) {
      const claims = claimsAt(i);
      const row = claims.re ? pendingRows.get(claims.re) : undefined;
      if (!row || row.partner !== claims.iss) continue; // answers nothing this agency asked of the sender: recorded as received, no effect
      const base = { requestId: row.requestId, partner: row.partner, responseId: claims.jti, answeredAt: now, digest: bodyDigest(claims.body) };
      if (claims.kind === MATCH_REFUSAL) {
        const r = readMatchRefusal(claims.body);
        settled.push({ ...base, status: 'refused', hits: [], code: r.code, detail: r.detail, elements: 0 });
        continue;
      }
      // The holder's filter under the key asked (a newer filter under the same key only adds entries).
      const filter = filters.get(row.partner);
      if (!filter || filter.keyId !== row.keyId || !row.blindState) {
        settled.push({ ...base, status: 'failed', hits: [], code: 'match_key_rotated', detail: `${row.partner} rotated its key after the request: ask again`, elements: 0 });
        continue;
      }
      try {
        const answer = readMatchResponse(claims.body);
        if (answer.keyId !== row.keyId) throw new MatchInputError('malformed_key', `answered under key ${answer.keyId}, asked under ${row.keyId}`);
        const requester = await OprfRequester.create(new Uint8Array(filter.publicKey));
        const state = await blindStateFrom(this.secrets.openBlindState(row.requestId, row.blindState));
        const outputs = await requester.finalize(state, answer.evaluated, answer.proof);
        const hits = hitsOf(outputs, filter.filter);
        settled.push({ ...base, status: 'answered', hits, code: null, detail: null, elements: answer.evaluated.length });
      } catch (error) {
        if (!(error instanceof MatchInputError)) throw error;
        settled.push({ ...base, status: 'failed', hits: [], code: `match_${error.code}`, detail: error.message, elements: 0 });
      }
    }

    return {
      opened: judged,
      write: async (wtx: Queryable, pending: PendingWrites, final: Classification[]) => {
        const me = this.config.agency;
        const ledger: LedgerEventInput[] = [];
        const served: { partner: string; requestId: string; responseId: string; elements: number; outcome: string; at: Date }[] = [];
        const items = [];
        for (const j of judgements) {
          if (j.ok && final[j.index].as === 'new') {
            const e = evaluations.get(j.index)!;
            const item = responseItem(me, j.claims, e.keyId, e.evaluated, e.proof, now);
            items.push(item);
            served.push({ partner: j.claims.iss, requestId: j.claims.jti, responseId: item.draft.jti, elements: j.elements.length, outcome: 'evaluated', at: now });
            ledger.push({ event: 'match-evaluated', messageId: item.draft.jti, kind: MATCH_RESPONSE, counterpart: j.claims.iss, channel: null, digest: j.digest, re: j.claims.jti, actor: null, reason: `elements=${j.elements.length}` });
          } else if (!j.ok && final[j.index].as === 'refused') {
            const item = refusalItem(me, j.claims, j.code, j.detail, now, j.retryAfterSeconds);
            items.push(item);
            served.push({ partner: j.claims.iss, requestId: j.claims.jti, responseId: item.draft.jti, elements: j.elements, outcome: j.code, at: now });
          }
        }
        if (buckets.size > 0) await this.repository.saveBuckets(wtx, buckets);
        await this.repository.insertServed(wtx, served);
        for (const [i, part] of parts) if (final[i].as === 'new') await this.storeFilterPart(wtx, claimsAt(i), part);
        const answered = settled.filter((s) => final[answers.find((i) => claimsAt(i).jti === s.responseId)!].as === 'new');
        await this.repository.settle(wtx, answered);
        for (const s of answered) {
          if (s.status === 'answered') {
            ledger.push({ event: 'match-checked', messageId: s.responseId, kind: MATCH_RESPONSE, counterpart: s.partner, channel: null, digest: s.digest, re: s.requestId, actor: null, reason: `elements=${s.elements} hits=${s.hits.length}` });
          }
        }
        await this.dispatcher.dispatch(wtx, pending, items);
        pending.ledger.push(...ledger);
      },
    };
  }

  /** Keeps a part; once every part of its filter is here, the filter (checked whole) replaces the holder's previous one. */
  private async storeFilterPart(tx: Queryable, claims: NoticeClaims, part: FilterPart): Promise<void> {
    const issuedAt = new Date(claims.iat * 1000);
    const held = await this.repository.addFilterPart(tx, {
      holder: claims.iss, filterDigest: part.filter, part: part.part, parts: part.parts, keyId: part.keyId, publicKey: Buffer.from(part.publicKey), bytes: Buffer.from(part.bytes), issuedAt,
    });
    if (held.length < part.parts) return;
    try {
      const whole = assembleFilter(held.map((h) => ({ keyId: h.keyId, publicKey: new Uint8Array(h.publicKey), filter: h.filterDigest, part: h.part, parts: h.parts, bytes: new Uint8Array(h.bytes) })));
      const filter = FuseFilter.deserialize(whole, MAX_FILTER_ENTRIES);
      await this.repository.saveFilter(tx, { holder: claims.iss, keyId: part.keyId, publicKey: Buffer.from(part.publicKey), filterDigest: part.filter, filter: Buffer.from(whole), entries: filter.entries, issuedAt, receivedAt: this.clock.now() });
      this.log.log(`match filter from ${claims.iss}: ${filter.entries} entries, key ${part.keyId}`);
    } catch (error) {
      this.log.warn(`match filter ${part.filter.slice(0, 12)} from ${claims.iss} refused: ${(error as Error).message}`);
    }
  }
}
