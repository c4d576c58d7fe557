import { randomUUID } from 'crypto';
import { requestFingerprint } from '../../apps/node/src/idempotency/idempotency-key';
import { noticeRequest, sendNotices, TestFederation } from '../support/federation';

/**
 * Idempotency-Key on every action (IETF httpapi idempotency-key draft), against real nodes:
 * a retry gets the first answer and acts once; a key reused for another request is refused
 * (422); a duplicate while the first is still being processed is refused (409).
 */
interface Answer {
  status: number;
  text: string;
  body: any;
  headers: Headers;
}

describe('Idempotency-Key', () => {
  let fed: TestFederation;

  beforeAll(async () => {
    fed = await TestFederation.create(['NL', 'ES', 'CO']);
    await Promise.all(['NL', 'ES'].map((a) => fed.start(a)));
  }, 180000);
  afterAll(async () => {
    await fed?.destroy();
  });

  async function call(agency: string, method: string, path: string, opts: { token: string; key?: string; body?: unknown }): Promise<Answer> {
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${opts.token}` };
    if (opts.key !== undefined) headers['idempotency-key'] = opts.key;
    const response = await fetch(`http://127.0.0.1:${fed.port(agency)}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    const text = await response.text();
    return { status: response.status, text, body: text ? JSON.parse(text) : null, headers: response.headers };
  }

  const operator = () => fed.token('NL', 'operator');
  const outbound = async () => (await fed.sql('NL', `SELECT count(*)::int AS n FROM notice WHERE direction = 'outbound'`))[0].n as number;
  const sentEntries = async () => (await fed.sql('NL', `SELECT count(*)::int AS n FROM ledger_entry WHERE event = 'sent'`))[0].n as number;

  it('a retried send with the same key gets the same status and body and sends nothing again', async () => {
    const key = `"${randomUUID()}"`;
    const request = noticeRequest(['ES']);
    const [notices, entries] = [await outbound(), await sentEntries()];
    const first = await call('NL', 'POST', '/notices', { token: await operator(), key, body: request });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // A new token for the same person (the retry may come after a token refresh).
    const again = await call('NL', 'POST', '/notices', { token: await operator(), key, body: request });
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await outbound()).toBe(notices + 1);
    expect(await sentEntries()).toBe(entries + 1);
  });

  it('the same key with a different body → 422 problem, nothing sent', async () => {
    const key = randomUUID();
    expect((await call('NL', 'POST', '/notices', { token: await operator(), key, body: noticeRequest(['ES']) })).status).toBe(201);
    const notices = await outbound();
    const other = await call('NL', 'POST', '/notices', { token: await operator(), key, body: noticeRequest(['ES'], { priority: 'urgent' }) });
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(other.body).toMatchObject({ status: 422, code: 'idempotency_key_reused' });
    expect(await outbound()).toBe(notices);
  });

  it('a duplicate while the first is in flight → 409 with Retry-After; a burst of duplicates sends exactly one notice', async () => {
    // Another replica holding the key mid-request looks like this row (claimed, no answer yet).
    const key = randomUUID();
    const request = noticeRequest(['ES']);
    const subject = 'operator.nl@example.test';
    const fingerprint = requestFingerprint('POST', '/notices', Buffer.from(JSON.stringify(request)));
    await fed.sql('NL', `INSERT INTO idempotency_key (subject, key, fingerprint, created_at, expires_at) VALUES ($1, $2, $3, now(), now() + interval '1 hour')`, [subject, key, fingerprint]);
    const notices = await outbound();
    const busy = await call('NL', 'POST', '/notices', { token: await operator(), key, body: request });
    expect(busy.status).toBe(409);
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(busy.body).toMatchObject({ status: 409, code: 'idempotency_key_in_use' });
    expect(await outbound()).toBe(notices);

    const burstKey = randomUUID();
    const answers = await Promise.all(Array.from({ length: 8 }, async () => call('NL', 'POST', '/notices', { token: await operator(), key: burstKey, body: request })));
    const created = answers.filter((a) => a.status === 201);
    expect(answers.every((a) => a.status === 201 || a.status === 409)).toBe(true);
    expect(new Set(created.map((a) => a.body.id)).size).toBe(1);
    expect(await outbound()).toBe(notices + 1);
  });

  it('keys belong to one principal: another person with the same key acts on their own', async () => {
    const key = randomUUID();
    const request = noticeRequest(['ES']);
    const notices = await outbound();
    const mine = await call('NL', 'POST', '/notices', { token: await operator(), key, body: request });
    const theirs = await call('NL', 'POST', '/notices', { token: await fed.token('NL', 'operator', 'colleague.nl@example.test'), key, body: request });
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(await outbound()).toBe(notices + 2);
  });

  it('a refused attempt releases its key (the corrected request may use it); an expired key acts anew', async () => {
    const key = randomUUID();
    const refused = await call('NL', 'POST', '/notices', { token: await operator(), key, body: noticeRequest(['ES'], { priority: 'whenever' }) });
    expect(refused.status).toBe(400);
    const fixed = await call('NL', 'POST', '/notices', { token: await operator(), key, body: noticeRequest(['ES']) });
    expect(fixed.status).toBe(201);
    await fed.sql('NL', `UPDATE idempotency_key SET expires_at = now() - interval '1 second' WHERE key = $1`, [key]);
    const later = await call('NL', 'POST', '/notices', { token: await operator(), key, body: noticeRequest(['ES']) });
    expect(later.status).toBe(201);
    expect(later.body.id).not.toBe(fixed.body.id);
  });

  it('a malformed key → 400 naming the Idempotency-Key header', async () => {
    for (const key of ['"unterminated', 'two words', `"${'k'.repeat(256)}"`, '""']) {
      const r = await call('NL', 'POST', '/notices', { token: await operator(), key, body: noticeRequest(['ES']) });
      expect(r.status).toBe(400);
      expect(r.body.errors).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
    }
  });

  it('acknowledge, answer, decline and pass-on replay their first answer instead of acting twice', async () => {
    const [ack, answer, decline, passOn] = await sendNotices(fed, 'NL', ['ES'], 4, 4);
    const officer = () => fed.token('ES', 'liaison_officer');
    await fed.waitFor(async () => (await Promise.all([ack, answer, decline, passOn].map((id) => fed.get('ES', `/inbox/${id}`, 'liaison_officer')))).every((r) => r.status === 200), 'ES to receive');
    const actions: [string, string, unknown][] = [
      [ack, 'acknowledge', undefined],
      [answer, 'answer', { outcome: 'no-hit' }],
      [decline, 'decline', { reason: 'Outside our competence' }],
      [passOn, 'pass-on', { recipients: ['CO'] }],
    ];
    for (const [id, action, body] of actions) {
      const key = randomUUID();
      const first = await call('ES', 'POST', `/inbox/${id}/${action}`, { token: await officer(), key, body });
      expect([action, first.status]).toEqual([action, action === 'pass-on' ? 201 : 200]);
      // What an officer's action writes: ledger entries naming the actor, and outbound notices (answers, pass-ons).
      const acted = async () => (await fed.sql('ES', `SELECT (SELECT count(*) FROM ledger_entry WHERE actor IS NOT NULL)::int AS a, (SELECT count(*) FROM notice WHERE direction = 'outbound')::int AS o`))[0];
      const before = await acted();
      const again = await call('ES', 'POST', `/inbox/${id}/${action}`, { token: await officer(), key, body });
      expect([action, again.status, again.text]).toEqual([action, first.status, first.text]);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(await acted()).toEqual(before);
    }
    // Without a key the same repeat is a new attempt, and the workflow refuses it.
    expect((await call('ES', 'POST', `/inbox/${ack}/acknowledge`, { token: await officer() })).status).toBe(409);
  });

  it('keeps idle keep-alive connections longer than common clients do (Keep-Alive: timeout=95)', async () => {
    const response = await fetch(`http://127.0.0.1:${fed.port('NL')}/health/live`);
    await response.text();
    expect(response.headers.get('keep-alive')).toBe('timeout=95');
  });
});
