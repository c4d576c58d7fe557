import fc from 'fast-check';
import { admit, type Bucket } from './rate-limit';

const policy = { perHour: 3600, burst: 100 }; // one evaluation a second on average, 100 at once

describe('per-partner rate limit (token bucket)', () => {
  it('admits a full burst from a partner never seen, then refuses with the wait', () => {
    const first = admit(undefined, policy, 100, 0);
    expect(first.admitted).toBe(true);
    const second = admit(first.bucket, policy, 10, 0);
    expect(second).toMatchObject({ admitted: false, reason: 'rate_limited', retryAfterSeconds: 10 });
    expect(admit(second.bucket, policy, 10, 10_000).admitted).toBe(true);
  });

  it('refuses for good a request larger than the burst', () => {
    expect(admit(undefined, policy, 101, 0)).toMatchObject({ admitted: false, reason: 'over_burst' });
  });

  it('never admits more than burst + perHour × hours, whatever the sequence of requests (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 120_000 }), fc.integer({ min: 1, max: 50 })), { maxLength: 300 }), (steps) => {
        let bucket: Bucket | undefined;
        let now = 0;
        let admitted = 0;
        for (const [wait, cost] of steps) {
          now += wait;
          const a = admit(bucket, policy, cost, now);
          bucket = a.bucket;
          if (a.admitted) admitted += cost;
        }
        return admitted <= policy.burst + (policy.perHour * now) / 3_600_000 + 1e-9;
      }),
    );
  });

  it('refuses a policy that cannot work', () => {
    expect(() => admit(undefined, { perHour: 0, burst: 10 }, 1, 0)).toThrow(/perHour/);
    expect(() => admit(undefined, { perHour: 10, burst: 0.5 }, 1, 0)).toThrow(/burst/);
  });
});
