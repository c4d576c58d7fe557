// Two timers of kafkajs 2.2.4 (its last release) that wake an idle process, fixed here.
// 1. It re-arms a timer in every connection's request queue forever:
// with nothing pending and no throttle, scheduleCheckPendingRequests() sets a timeout of a
// negative delay (run after 1 ms) whose callback schedules the next one — about a thousand
// wake-ups a second per broker connection, the largest share of an idle node's CPU
// (tulios/kafkajs#1556; the fix proposed in #1667 was never released). This replaces the method
// with one that schedules a check only when a request waits in the queue: a request pushed later
// schedules its own check, and a completed or timed-out request checks the queue itself.
// 2. Every connection checks its requests' timeouts every 100 ms (ten wake-ups a second each, for
// timeouts of 30 s); here every second, which still fails a timed-out request within a second.
// Applied once, when this module is loaded (createKafka's module imports it).

/** The part of kafkajs's RequestQueue this touches (src/network/requestQueue/index.js). */
export interface KafkajsRequestQueue {
  pending: unknown[];
  inflight: Map<number, { sentAt: number; requestTimeout: number; timeoutRequest(): void }>;
  enforceRequestTimeout: boolean;
  requestTimeout: number;
  requestTimeoutIntervalId: NodeJS.Timeout | null;
  isConnected(): boolean;
  destroy(): void;
  scheduleRequestTimeoutCheck(): void;
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs's own interval for a queue that waits without a throttle to wait out (CHECK_PENDING_REQUESTS_INTERVAL). */
const RECHECK_MS = 10;

function scheduleCheckPendingRequests(this: KafkajsRequestQueue): void {
  if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
  const throttled = this.throttledUntil - Date.now();
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, throttled > 0 ? throttled : RECHECK_MS);
}

/** How often in-flight requests are checked against their timeout (kafkajs: 100 ms). */
export const REQUEST_TIMEOUT_CHECK_MS = 1000;

function scheduleRequestTimeoutCheck(this: KafkajsRequestQueue): void {
  if (!this.enforceRequestTimeout) return;
  this.destroy();
  this.requestTimeoutIntervalId = setInterval(() => {
    this.inflight.forEach((request) => {
      if (Date.now() - request.sentAt > request.requestTimeout) request.timeoutRequest();
    });
    if (!this.isConnected()) this.destroy();
  }, Math.min(this.requestTimeout, REQUEST_TIMEOUT_CHECK_MS));
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: KafkajsRequestQueue; new (options: Record<string, unknown>): KafkajsRequestQueue };
RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
RequestQueue.prototype.scheduleRequestTimeoutCheck = scheduleRequestTimeoutCheck;
