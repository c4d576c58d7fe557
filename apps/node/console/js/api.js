// The node's API, called with the signed-in person's bearer token.
import { session } from './session.js';

export class ApiError extends Error {
  // The node answers errors as RFC 9457 problems (detail, code, errors); `fields` and `field` are
  // what the views read.
  constructor(status, body) {
    super(body?.detail ?? body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = { ...body, fields: body?.errors ?? body?.fields, field: body?.errors?.[0]?.field ?? body?.field };
    this.reason = body?.code ?? body?.reason ?? body?.error ?? null;
  }
}

const listeners = new Set();
/** Called with the ApiError whenever the node refuses the token itself (401). */
export const onUnauthorized = (fn) => listeners.add(fn);

export async function api(path, { method = 'GET', body, raw = false } = {}) {
  const headers = { accept: 'application/json' };
  if (session.token) headers.authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch (error) {
    throw unreachable(error.message);
  }
  if (raw && response.ok) return response;
  return answer(response.status, await response.text());
}

/** The parsed JSON of a 2xx answer; an ApiError (and the 401 listeners told) otherwise. */
export function answer(status, text) {
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { message: text };
  }
  if (status < 200 || status > 299) {
    const error = new ApiError(status, parsed);
    if (status === 401) for (const fn of listeners) fn(error);
    throw error;
  }
  return parsed;
}

/** The ApiError for a node that cannot be reached. */
export const unreachable = (reason) => new ApiError(0, { error: 'network', message: `The node cannot be reached (${reason}). Check your connection; the console retries.` });

export const query = (params) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '' && v !== false) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
};
