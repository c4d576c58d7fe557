import { RequestQueue } from './kafkajs-request-queue';

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
});
