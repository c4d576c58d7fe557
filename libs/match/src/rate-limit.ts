// The holder's limit on evaluations per partner: a token bucket, pure (state in, state out), so the
// node keeps the state where it likes (a row per partner) and the decision is tested without a clock.

export interface RatePolicy {
  /** Evaluations a partner may ask for per hour, on average. */
  perHour: number;
  /** Most evaluations in one burst (and the bucket's size). */
  burst: number;
}

export interface Bucket {
  tokens: number;
  /** Milliseconds since the epoch when `tokens` was computed. */
  at: number;
}

export type Admission =
  | { admitted: true; bucket: Bucket }
  /** `rate_limited`: retry after `retryAfterSeconds`; `over_burst`: the request alone is larger than the burst, never admitted. */
  | { admitted: false; reason: 'rate_limited' | 'over_burst'; bucket: Bucket; retryAfterSeconds?: number };

/** Refuses a policy that could never admit anything or never refuse (naming the field). */
export function checkRatePolicy(policy: RatePolicy): RatePolicy {
  if (!Number.isInteger(policy.perHour) || policy.perHour < 1) throw new RangeError('perHour: a whole number of evaluations, at least 1');
  if (!Number.isInteger(policy.burst) || policy.burst < 1) throw new RangeError('burst: a whole number of evaluations, at least 1');
  return policy;
}

/** Whether a request of `cost` elements is admitted at `now` (ms); a full bucket for a partner never seen. */
export function admit(bucket: Bucket | undefined, policy: RatePolicy, cost: number, now: number): Admission {
  checkRatePolicy(policy);
  const ratePerMs = policy.perHour / 3_600_000;
  const previous = bucket ?? { tokens: policy.burst, at: now };
  const elapsed = Math.max(0, now - previous.at);
  const tokens = Math.min(policy.burst, previous.tokens + elapsed * ratePerMs);
  if (cost <= tokens) return { admitted: true, bucket: { tokens: tokens - cost, at: now } };
  if (cost > policy.burst) return { admitted: false, reason: 'over_burst', bucket: { tokens, at: now } };
  return { admitted: false, reason: 'rate_limited', bucket: { tokens, at: now }, retryAfterSeconds: Math.ceil((cost - tokens) / ratePerMs / 1000) };
}
