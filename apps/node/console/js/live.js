// Server-sent events from the node (GET /console/api/events), read with fetch() so the bearer
// token goes in the Authorization header, never in a URL. Reconnects with back-off; a refused
// token goes through the console's normal 401 handling.
import { api } from './api.js';
import { session } from './session.js';

const listeners = new Set();
/** fn(type) for every event: 'inbox', 'sent' or 'ledger' (something changed), 'open' (the stream (re)connected). */
export const onLive = (fn) => {
  listeners.add(fn);
  return () => listeners.delete(fn);
};
const emit = (type) => { for (const fn of listeners) fn(type); };

const sleep = (ms, signal) => new Promise((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
});

/** Parses the text/event-stream body, calling onEvent(type) at the end of each event. */
async function read(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let type = 'message';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, end).replace(/\r$/, '');
      buffer = buffer.slice(end + 1);
      if (line === '') {
        onEvent(type);
        type = 'message';
      } else if (line.startsWith('event:')) type = line.slice(6).trim();
    }
  }
}

let controller = null;

export function stopLive() {
  controller?.abort();
  controller = null;
}

export function startLive() {
  stopLive();
  const abort = new AbortController();
  controller = abort;
  (async () => {
    let delay = 1000;
    while (!abort.signal.aborted && session.token) {
      const opened = Date.now();
      try {
        const response = await fetch('/console/api/events', { headers: { authorization: `Bearer ${session.token}`, accept: 'text/event-stream' }, cache: 'no-store', signal: abort.signal });
        if (response.status === 401) {
          await api('/me').catch(() => undefined); // says why and offers to sign in again
          return;
        }
        if (response.ok) {
          emit('open');
          await read(response.body, (type) => { if (type !== 'heartbeat') emit(type); });
        }
      } catch {
        // network error or aborted: retried below unless stopped
      }
      if (Date.now() - opened > 30_000) delay = 1000;
      await sleep(delay, abort.signal);
      delay = Math.min(delay * 2, 30_000);
    }
  })();
}
