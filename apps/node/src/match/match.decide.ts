// What the private match does with a batch's match envelopes and an operator's check, decided by
// plain functions: who may ask whom, what a request is refused for, which drafts go out, what an
// answer means. No database, broker or clock here; the OPRF and the filter are libs/match's.
import { epochSeconds, uuidv7 } from '@liaison/ids';
import { sha256Hex, type NoticeClaims } from '@liaison/envelope';
import { canonicalJson } from '@liaison/ledger';
import {
  FuseFilter,
  MATCH_FILTER,
  MATCH_REFUSAL,
  MATCH_REQUEST,
  MATCH_RESPONSE,
  MatchInputError,
  admit,
  filterPartBodies,
  matchRefusalBody,
  matchRequestBody,
  matchResponseBody,
  readElements,
  readFilterPart,
  readMatchRequest,
  type Bucket,
  type RatePolicy,
} from '@liaison/match';
import type { DispatchItem, EnvelopeDraft } from '../exchange/dispatcher';
import type { LateRefusal, Opened } from '../exchange/inbox.decide';

/** A request or answer is worth nothing after an hour: the operator who asked has moved on. */
export const MATCH_MESSAGE_LIFETIME_SECONDS = 3600;
/** A filter stays valid a little beyond its key's life, so a requester never holds none while the next one travels. */
export const FILTER_GRACE_SECONDS = 14 * 86_400;

/** The stable refusal codes a holder answers with (the request is refused, recorded and answered). */
export type MatchRefusalCode =
  | 'match_not_authorised'
  | 'match_unknown_key'
  | 'match_rate_limited'
  | 'match_over_burst'
  | `match_${MatchInputError['code']}`;

const refusalOf = (error: unknown): { code: MatchRefusalCode; detail: string } => {
  if (error instanceof MatchInputError) return { code: `match_${error.code}`, detail: error.message };
  throw error;
};

/** The SHA-256 of a body's canonical JSON: what both ledgers record of a request or answer (never its elements). */
export const bodyDigest = (body: unknown): string => sha256Hex(Buffer.from(canonicalJson(body), 'utf8'));

export type ServeJudgement =
  | { index: number; claims: NoticeClaims; ok: true; elements: Uint8Array[]; digest: string }
  | { index: number; claims: NoticeClaims; ok: false; code: MatchRefusalCode; detail: string; retryAfterSeconds?: number; elements: number; digest: string };

export interface ServeContext {
  /** Agencies that may query this index (configuration). */
  partners: readonly string[];
  /** The current OPRF key's id; null when the holder has none yet. */
  keyId: string | null;
  policy: RatePolicy;
  /** Each partner's bucket as stored (updated in place as the batch is judged, in order). */
  buckets: Map<string, Bucket>;
  /** Milliseconds since the epoch. */
  now: number;
}

/** Indexes of the batch's accepted, new envelopes of `kind`. */
export function newOfKind(opened: Opened[], isNew: (i: number) => boolean, kind: string): number[] {
  return opened.flatMap(({ result }, i) => (result.ok && result.claims.kind === kind && isNew(i) ? [i] : []));
}

/**
 * Judges the holder's new match-requests in order: the sender must be a partner, the body well
 * formed (elements 32 bytes, canonical ristretto255, not the identity), the key the current one,
 * and the partner within its rate (each element is one guess). A refusal costs no tokens.
 */
export async function judgeMatchRequests(opened: Opened[], indexes: number[], ctx: ServeContext): Promise<ServeJudgement[]> {
  const out: ServeJudgement[] = [];
  for (const index of indexes) {
    const claims = (opened[index].result as { claims: NoticeClaims }).claims;
    const digest = bodyDigest(claims.body);
    const count = Array.isArray((claims.body as { elements?: unknown }).elements) ? ((claims.body as { elements: unknown[] }).elements.length) : 0;
    const refused = (code: MatchRefusalCode, detail: string, retryAfterSeconds?: number): ServeJudgement => ({ index, claims, ok: false, code, detail, retryAfterSeconds, elements: count, digest });
    if (!ctx.partners.includes(claims.iss)) {
      out.push(refused('match_not_authorised', `${claims.iss} is not a partner of this agency's match index`));
      continue;
    }
    let elements: Uint8Array[];
    try {
      const request = readMatchRequest(claims.body);
      if (ctx.keyId === null || request.keyId !== ctx.keyId) {
        out.push(refused('match_unknown_key', `key ${request.keyId} is not this holder's current key${ctx.keyId ? ` (${ctx.keyId}); a new filter was sent` : ''}`));
        continue;
      }
      elements = await readElements(request.elements, request.elements.length);
    } catch (error) {
      const r = refusalOf(error);
      out.push(refused(r.code, r.detail));
      continue;
    }
    const admission = admit(ctx.buckets.get(claims.iss), ctx.policy, elements.length, ctx.now);
    ctx.buckets.set(claims.iss, admission.bucket);
    if (!admission.admitted) {
      out.push(admission.reason === 'over_burst'
        ? refused('match_over_burst', `${elements.length} elements exceed the burst of ${ctx.policy.burst} evaluations`)
        : refused('match_rate_limited', `${claims.iss} is over its rate of ${ctx.policy.perHour} evaluations an hour; retry in ${admission.retryAfterSeconds} s`, admission.retryAfterSeconds));
      continue;
    }
    out.push({ index, claims, ok: true, elements, digest });
  }
  return out;
}

/** The batch with the refused requests turned into refusals (recorded as rejected, with their code). */
export function withRefusals(opened: Opened[], judgements: ServeJudgement[]): Opened[] {
  const out = [...opened];
  for (const j of judgements) {
    if (j.ok) continue;
    const result = opened[j.index].result as { digest: string };
    const refusal: LateRefusal = { ok: false, code: j.code, detail: `${MATCH_REQUEST} ${j.claims.jti} from ${j.claims.iss}: ${j.detail}`, digest: result.digest };
    out[j.index] = { message: opened[j.index].message, result: refusal };
  }
  return out;
}

function draft(me: string, to: string, kind: string, body: unknown, now: Date, lifetime: number, re?: string): EnvelopeDraft {
  return {
    iss: me, aud: [to], jti: uuidv7(() => now.getTime()), iat: epochSeconds(now), exp: epochSeconds(now) + lifetime, kind,
    handling: { code: 'H0' }, priority: 'urgent', ...(re ? { re } : {}), body,
  };
}

/** The holder's answer to an evaluated request: the evaluated elements and the batch DLEQ proof, `re` the request. */
export function responseItem(me: string, request: NoticeClaims, keyId: string, evaluated: Uint8Array[], proof: Uint8Array, now: Date): DispatchItem {
  return { draft: draft(me, request.iss, MATCH_RESPONSE, matchResponseBody(keyId, evaluated, proof), now, MATCH_MESSAGE_LIFETIME_SECONDS, request.jti), actor: null };
}

/** The holder's answer to a refused request: the code and when to retry. */
export function refusalItem(me: string, request: NoticeClaims, code: string, detail: string, now: Date, retryAfterSeconds?: number): DispatchItem {
  return { draft: draft(me, request.iss, MATCH_REFUSAL, matchRefusalBody(code, detail, retryAfterSeconds), now, MATCH_MESSAGE_LIFETIME_SECONDS, request.jti), actor: null };
}

/** The requester's request to one holder: its blinded elements under the key its filter names. */
export function requestItem(me: string, holder: string, keyId: string, blinded: Uint8Array[], actor: string, now: Date): DispatchItem {
  return { draft: draft(me, holder, MATCH_REQUEST, matchRequestBody(keyId, blinded), now, MATCH_MESSAGE_LIFETIME_SECONDS), actor };
}

/**
 * The envelopes of one published filter: one per part, each to every partner (sealed once for
 * all of them), valid until the key's rotation plus a grace, bounded by the federation's limit.
 */
export function filterItems(me: string, partners: string[], publicKey: Uint8Array, filter: Uint8Array, now: Date, keyExpires: Date, maxLifetime: number): DispatchItem[] {
  const lifetime = Math.min(maxLifetime, Math.max(MATCH_MESSAGE_LIFETIME_SECONDS, epochSeconds(keyExpires) - epochSeconds(now) + FILTER_GRACE_SECONDS));
  return filterPartBodies(publicKey, filter).map((body) => ({
    draft: { iss: me, aud: partners, jti: uuidv7(() => now.getTime()), iat: epochSeconds(now), exp: epochSeconds(now) + lifetime, kind: MATCH_FILTER, handling: { code: 'H0' }, priority: 'normal', body },
    actor: null,
  }));
}

export type FilterPart = ReturnType<typeof readFilterPart>;

/** A requester's judgement of a filter part: only from a holder it may query, well formed. */
export function judgeFilterPart(claims: NoticeClaims, holders: readonly string[]): { ok: true; part: FilterPart } | { ok: false; code: string; detail: string } {
  if (!holders.includes(claims.iss)) return { ok: false, code: 'match_not_authorised', detail: `${claims.iss} is not a holder this agency may query` };
  try {
    return { ok: true, part: readFilterPart(claims.body) };
  } catch (error) {
    const r = refusalOf(error);
    return { ok: false, code: r.code, detail: r.detail };
  }
}

/** The indexes of the outputs the holder's filter holds: the hits. */
export function hitsOf(outputs: Uint8Array[], filter: FuseFilter): number[] {
  return outputs.flatMap((o, i) => (filter.has(o) ? [i] : []));
}

/** Whether the key was made long enough ago to be replaced. */
export function keyDue(createdAt: Date, now: Date, rotationDays: number): boolean {
  return now.getTime() - createdAt.getTime() >= rotationDays * 86_400_000;
}

/** When a key made at `createdAt` is due. */
export function keyRotatesAt(createdAt: Date, rotationDays: number): Date {
  return new Date(createdAt.getTime() + rotationDays * 86_400_000);
}

/** Which holders a check may ask: each must be configured and have sent a filter; refusals name `/partners/i`. */
export function checkPartners(partners: string[], holders: readonly string[], filters: ReadonlySet<string>): { field: string; message: string }[] {
  return partners.flatMap((p, i) => {
    if (!holders.includes(p)) return [{ field: `/partners/${i}`, message: `${p} is not a holder this agency may query (LIAISON_MATCH_HOLDERS)` }];
    if (!filters.has(p)) return [{ field: `/partners/${i}`, message: `no filter from ${p} yet: nothing can be checked against it` }];
    return [];
  });
}
