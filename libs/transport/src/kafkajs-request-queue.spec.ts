import { REQUEST_TIMEOUT_CHECK_MS, RequestQueue } from './kafkajs-request-queue';

const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const queue = (isConnected = () => true) =>
  new RequestQueue({ maxInFlightRequests: null, requestTimeout: 1000, enforceRequestTimeout: true, clientId: 'test', broker: 'b:9092', logger, isConnected });

describe('kafkajs request queue (the idle timer loop of kafkajs 2.2.4 removed)', () => {
  it('arms no timer when nothing waits, so an idle connection does not wake its process', () => {
    const q = queue();
    q.checkPendingRequests();
    expect(q.throttleCheckTimeoutId).toBeNull();
    q.throttledUntil = Date.now() + 60_000; // throttled, but nothing to send
    q.scheduleCheckPendingRequests();
    expect(q.throttleCheckTimeoutId).toBeNull();
  });

  it('still checks again for a request that waits: at the end of a throttle, else soon', () => {
    const q = queue();
    q.pending.push({});
    q.throttledUntil = Date.now() + 60_000;
    q.scheduleCheckPendingRequests();
    const timer = q.throttleCheckTimeoutId;
    expect(timer).not.toBeNull();
    q.scheduleCheckPendingRequests(); // one check at a time
    expect(q.throttleCheckTimeoutId).toBe(timer);
    clearTimeout(timer as NodeJS.Timeout);
  });

  it('fails a request that outlived its timeout, checking once a second instead of ten times', () => {
    const q = queue();
    const timedOut: number[] = [];
    q.inflight.set(1, { sentAt: Date.now() - 5000, requestTimeout: 1000, timeoutRequest: () => timedOut.push(1) });
    q.inflight.set(2, { sentAt: Date.now(), requestTimeout: 30_000, timeoutRequest: () => timedOut.push(2) });
    const intervals: number[] = [];
    const spy = jest.spyOn(global, 'setInterval').mockImplementation(((fn: () => void, ms: number) => {
      intervals.push(ms);
      fn(); // one check, run now
      return 0 as unknown as NodeJS.Timeout;
    }) as typeof setInterval);
    try {
      q.scheduleRequestTimeoutCheck();
    } finally {
      spy.mockRestore();
    }
    expect(intervals).toEqual([REQUEST_TIMEOUT_CHECK_MS]);
    expect(timedOut).toEqual([1]);
  });
});
