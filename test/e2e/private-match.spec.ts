import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { EnvelopeSealer } from '@liaison/envelope';
import { epochSeconds, uuidv7 } from '@liaison/ids';
import { MATCH_REQUEST, OprfRequester, matchRequestBody, type MatchValue } from '@liaison/match';
import { MatchService } from '../../apps/node/src/match/match.service';
import { liaison } from '../support/cli';
import { noticeRequest, sealerFor, TestFederation } from '../support/federation';

/**
 * Private hit/no-hit among NL, ES and CO on the real broker and three databases (issue 18): ES
 * imports 100,000 document numbers (a part through `liaison match-index import`, the rest over the
 * API); ES's filter reaches NL (its only partner) as signed, encrypted envelopes; NL checks 50
 * values, 10 held by ES in other notations, and sees exactly those 10 hits; ES's database, its
 * log and its ledger hold nothing of the 40 others; NL's follow-up on a hit reaches ES's officer,
 * who answers. Then hostile match requests, each refused with its reason and answered, and the
 * next valid request evaluated.
 */
describe('private hit/no-hit across three agencies', () => {
  let fed: TestFederation;
  const dir = mkdtempSync(join(tmpdir(), 'match-e2e-'));
  const agencies = ['NL', 'ES', 'CO'];
  const INDEX = 100_000;
  const BURST = 120;
  const number = (i: number) => `X${String(10_000_000 + i * 7).padStart(8, '0')}`;
  // Ten held values in other notations than ES imported them; forty ES never held.
  const present: MatchValue[] = [3, 777, 12_345, 50_000, 99_999, 1, 64_000, 31_337, 88_888, 42].map((i, k) => {
    const n = number(i);
    const notations = [`${n.slice(0, 3)}-${n.slice(3)}`, ` ${n.toLowerCase()} `, `${n.slice(0, 1)} ${n.slice(1, 5)} ${n.slice(5)}`, `${n.slice(0, 4)}.${n.slice(4)}`, n];
    return { kind: 'document', value: notations[k % notations.length], country: k % 2 ? 'es' : 'ES' };
  });
  const absentNumbers = Array.from({ length: 40 }, (_, i) => `QZ${String(7_300_000 + i * 13)}W`);
  const absent: MatchValue[] = absentNumbers.map((value) => ({ kind: 'document', value, country: 'ES' }));
  // Shuffled so the hits are not a block.
  const values = [...present, ...absent].map((v, i) => ({ v, key: (i * 37) % 50 })).sort((a, b) => a.key - b.key).map((x) => x.v);
  const presentIndexes = values.flatMap((v, i) => (present.includes(v) ? [i] : [])).sort((a, b) => a - b);
  const logged: string[] = [];
  const writes = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  let answerId: string;
  const ES_ENV = { LIAISON_MATCH_PARTNERS: 'NL', LIAISON_MATCH_BURST: String(BURST), LIAISON_MATCH_RATE_PER_HOUR: String(BURST), LIAISON_MATCH_PUBLISH_DELAY_MS: '1000' };
  const NL_ENV = { LIAISON_MATCH_HOLDERS: 'ES', LIAISON_MATCH_CHECK_WAIT_MS: '10000' };
  let esPublicKey: Uint8Array;
  let keyId: string;

  beforeAll(async () => {
    // Every line any node logs (ES logs at every level) is kept, to be searched for the absent values.
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => (logged.push(String(chunk)), (writes.out as (...a: unknown[]) => boolean)(chunk, ...rest))) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => (logged.push(String(chunk)), (writes.err as (...a: unknown[]) => boolean)(chunk, ...rest))) as typeof process.stderr.write;
    fed = await TestFederation.create(agencies);
    await Promise.all([
      fed.start('ES', ES_ENV, ['error', 'warn', 'log', 'debug', 'verbose']),
      fed.start('NL', NL_ENV),
      fed.start('CO', { LIAISON_MATCH_HOLDERS: 'ES' }),
    ]);
  });
  afterAll(async () => {
    await fed?.destroy();
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    rmSync(dir, { recursive: true, force: true });
  });

  it('ES imports 100,000 document numbers (CLI and API); NL receives the filter; NL sees exactly its 10 hits; ES holds nothing of the 40 others', async () => {
    // The CLI imports the first 1,000 (with a removal of one that is not checked); the API the rest, 1,000 a request.
    const file = join(dir, 'index.csv');
    writeFileSync(file, ['kind,value,country,op', ...Array.from({ length: 1000 }, (_, i) => `document,${number(i)},ES,add`), `document,${number(500)},ES,remove`].join('\n'));
    const env = { LIAISON_NODE_URL: fed.url('ES'), LIAISON_TOKEN: await fed.token('ES', 'admin') };
    const imported = await liaison(['match-index', 'import', file, '--json'], env);
    expect(imported.stderr).toBe('');
    expect(JSON.parse(imported.stdout)).toEqual({ records: 1001, added: 1000, removed: 1, unchanged: 0, size: 999 });
    // Incremental: the removed value added back.
    expect((await fed.post('ES', '/match/index/entries', 'admin', { entries: [{ kind: 'document', value: number(500), country: 'ES' }] })).body).toMatchObject({ added: 1, size: 1000 });
    for (let from = 1000; from < INDEX; from += 1000) {
      const entries = Array.from({ length: 1000 }, (_, k) => ({ kind: 'document', value: number(from + k), country: 'ES' }));
      const r = await fed.post('ES', '/match/index/entries', 'admin', { entries });
      expect(r.status).toBe(200);
    }
    const status = await fed.get('ES', '/match/index', 'admin');
    expect(status.body).toMatchObject({ size: INDEX, byKind: { document: INDEX }, partners: ['NL'], key: { id: expect.stringMatching(/^[0-9a-f]{16}$/), ageDays: 0 } });
    keyId = status.body.key.id;
    // Only an admin manages the index.
    expect((await fed.post('ES', '/match/index/entries', 'operator', { entries: [{ kind: 'document', value: 'A1', country: 'ES' }] })).status).toBe(403);

    await fed.waitFor(async () => (await fed.get('NL', '/match/holders', 'operator')).body[0]?.filter?.entries === INDEX, 'NL to hold the filter of all 100,000 entries', 180_000);
    const [holder] = (await fed.get('NL', '/match/holders', 'operator')).body;
    expect(holder.filter.keyId).toBe(keyId);
    // CO is not a partner of ES: it got no filter, and cannot check.
    expect((await fed.get('CO', '/match/holders', 'operator')).body).toEqual([{ holder: 'ES', filter: null }]);
    const coCheck = await fed.post('CO', '/match/checks', 'operator', { values: [present[0]], partners: ['ES'] });
    expect(coCheck.status).toBe(409);
    expect(coCheck.body).toMatchObject({ code: 'match_no_filter', errors: [{ field: '/partners/0' }] });
    // NL refuses to ask a holder it is not configured to ask.
    const nlToCo = await fed.post('NL', '/match/checks', 'operator', { values: [present[0]], partners: ['CO'] });
    expect(nlToCo.status).toBe(403);
    expect(nlToCo.body.code).toBe('match_not_authorised');

    const started = Date.now();
    let check = await fed.post('NL', '/match/checks', 'operator', { values, partners: ['ES'] });
    const latencyMs = Date.now() - started;
    expect([200, 202]).toContain(check.status);
    if (check.status === 202) await fed.waitFor(async () => (check = await fed.get('NL', `/match/checks/${check.body.id}`, 'operator')).body.complete, 'the check to complete');
    process.env.MATCH_E2E_LATENCY_MS = String(latencyMs);
    writes.out(`private-match e2e: one check of 50 values against ES answered in ${latencyMs} ms (POST to result)\n`);
    const [es] = check.body.partners;
    expect(es).toMatchObject({ partner: 'ES', status: 'answered', hits: presentIndexes });
    answerId = es.answerId;

    // Both ledgers: the request and the answer, counts and digests only.
    const [evaluated] = await fed.sql(`ES`, `SELECT event, kind, counterpart, digest, re, reason FROM ledger_entry WHERE event = 'match-evaluated' AND re = $1`, [es.requestId]);
    expect(evaluated).toMatchObject({ kind: 'match-response', counterpart: 'NL', reason: 'elements=50', digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const [checked] = await fed.sql('NL', `SELECT event, counterpart, reason FROM ledger_entry WHERE event = 'match-checked' AND re = $1`, [es.requestId]);
    expect(checked).toEqual({ event: 'match-checked', counterpart: 'ES', reason: 'elements=50 hits=10' });
    const esLedger = await fed.sql<{ event: string; kind: string }>('ES', `SELECT event, kind FROM ledger_entry WHERE kind LIKE 'match-%' ORDER BY seq`);
    expect(esLedger).toEqual(expect.arrayContaining([{ event: 'sent', kind: 'match-filter' }, { event: 'received', kind: 'match-request' }, { event: 'sent', kind: 'match-response' }]));

    // ES holds no trace of the 40 absent values: every table of its database (ledger included) as text, and every line logged.
    const needles = absentNumbers.flatMap((n) => [n, `document:ES:${n}`, Buffer.from(n).toString('hex'), Buffer.from(`document:ES:${n}`).toString('hex')]);
    const tables = await fed.sql<{ name: string }>('ES', `SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'`);
    expect(tables.length).toBeGreaterThan(20);
    for (const { name } of tables) {
      const [found] = await fed.sql<{ n: number }>('ES', `SELECT count(*)::int AS n FROM ${name} t WHERE t::text ILIKE ANY($1)`, [needles.map((n) => `%${n}%`)]);
      expect({ table: name, rows: found.n }).toEqual({ table: name, rows: 0 });
    }
    const log = logged.join('');
    expect(log).toContain('"agency":"ES"'); // ES did log (every level)
    expect(needles.filter((n) => log.toLowerCase().includes(n.toLowerCase()))).toEqual([]);
    // Nor did ES store a present value in clear: the index holds sealed values and keyed digests.
    const [clear] = await fed.sql<{ n: number }>('ES', `SELECT count(*)::int AS n FROM match_entry t WHERE t::text ILIKE $1`, [`%${Buffer.from(number(3)).toString('hex')}%`]);
    expect(clear.n).toBe(0);
  }, 600_000);

  it("a hit's follow-up is an ordinary identity query that refers to the answer; ES's officer answers it", async () => {
    const followUp = await fed.post('NL', '/notices', 'operator', noticeRequest(['ES'], { re: answerId }));
    expect(followUp.status).toBe(201);
    await fed.waitFor(async () => (await fed.get('ES', `/inbox/${followUp.body.id}`, 'liaison_officer')).status === 200, 'ES officer sees the follow-up');
    expect((await fed.get('ES', `/inbox/${followUp.body.id}`, 'liaison_officer')).body.re).toBe(answerId);
    const answer = await fed.post('ES', `/inbox/${followUp.body.id}/answer`, 'liaison_officer', { outcome: 'hit', details: { summary: 'Passport X10000021 reported stolen in 2025.' } });
    expect(answer.status).toBe(200);
    await fed.waitFor(async () => (await fed.get('NL', `/notices/${followUp.body.id}`, 'operator')).body.recipients?.[0]?.status === 'ANSWERED', 'NL sees the answer');
    // The auditors count it: ES served NL once with 50 evaluations and one follow-up; NL asked ES once, 10 hits, one follow-up.
    const esAudit = await fed.get('ES', '/match/audit', 'auditor');
    expect(esAudit.body.served).toEqual([{ partner: 'NL', requests: 1, evaluated: 50, refused: {}, followUps: 1 }]);
    const nlAudit = await fed.get('NL', '/match/audit', 'auditor');
    expect(nlAudit.body.asked).toEqual([{ partner: 'ES', requests: 1, elements: 50, hits: 10, refused: {}, followUps: 1 }]);
  }, 120_000);

  describe('hostile match requests', () => {
    let chseq = 1_000_000;
    const sealers = new Map<string, EnvelopeSealer>();
    const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

    async function validBody(count = 1) {
      const requester = await OprfRequester.create(esPublicKey);
      const { blinded } = await requester.blind(Array.from({ length: count }, (_, i) => new TextEncoder().encode(`document:ES:HOSTILE${i}`)));
      return matchRequestBody(keyId, blinded);
    }

    /** A match-request genuinely signed by `from`, written straight to ES's inbox, a valid NL request behind it. */
    async function send(from: string, body: unknown) {
      const now = new Date();
      const seal = async (agency: string, b: unknown) => {
        if (!sealers.has(agency)) sealers.set(agency, await sealerFor(fed, agency));
        return (sealers.get(agency) as EnvelopeSealer).seal({
          iss: agency, aud: ['ES'], jti: uuidv7(), iat: epochSeconds(now), exp: epochSeconds(now) + 3600, kind: MATCH_REQUEST, handling: { code: 'H0' }, priority: 'urgent', chseq: { ES: chseq++ }, body: b,
        });
      };
      const hostile = await seal(from, body);
      const valid = await seal('NL', await validBody());
      for (const [agency, sealed] of [[from, hostile], ['NL', valid]] as const) {
        const publisher = fed.rawPublisher(agency);
        try {
          await publisher.publish([{ topic: fed.topics.inbox('ES'), key: sealed.messageId, value: sealed.value, headers: sealed.headersFor('ES') }]);
        } finally {
          await publisher.close();
        }
      }
      await fed.waitFor(async () => (await fed.sql('ES', `SELECT 1 FROM match_served WHERE request_id = $1 AND outcome = 'evaluated'`, [valid.messageId])).length === 1, 'the valid request behind it evaluated');
      const [refusal] = await fed.sql<{ code: string; detail: string }>('ES', 'SELECT code, detail FROM rejected_message WHERE message_id = $1', [hostile.messageId]);
      const [served] = await fed.sql<{ outcome: string }>('ES', 'SELECT outcome FROM match_served WHERE request_id = $1', [hostile.messageId]);
      expect(served?.outcome).toBe(refusal?.code); // answered with the same reason
      await fed.waitFor(async () => (await fed.sql(from, `SELECT 1 FROM notice WHERE kind = 'match-refusal' AND re = $1`, [hostile.messageId])).length === 1, `${from} receives the refusal`);
      return refusal;
    }

    beforeAll(async () => {
      const [f] = await fed.sql<{ public_key: Buffer }>('NL', `SELECT public_key FROM match_filter WHERE holder = 'ES'`);
      esPublicKey = new Uint8Array(f.public_key);
    });

    it('refuses malformed elements', async () => {
      const body = await validBody();
      expect(await send('NL', { ...body, elements: ['AAAA'] })).toMatchObject({ code: 'match_malformed_element', detail: expect.stringContaining('3 bytes') });
      expect(await send('NL', { ...body, elements: [`${body.elements[0]}=`] })).toMatchObject({ code: 'match_malformed_element' });
    });

    it('refuses the identity element', async () => {
      expect(await send('NL', { ...(await validBody()), elements: [b64(new Uint8Array(32))] })).toMatchObject({ code: 'match_identity_element' });
    });

    it('refuses bytes that are no point of the group', async () => {
      expect(await send('NL', { ...(await validBody()), elements: [b64(new Uint8Array(32).fill(0xff))] })).toMatchObject({ code: 'match_malformed_element', detail: expect.stringContaining('not the canonical encoding') });
    });

    it('refuses a request under another key', async () => {
      expect(await send('NL', { ...(await validBody()), key_id: '0123456789abcdef' })).toMatchObject({ code: 'match_unknown_key' });
    });

    it('refuses a partner over its rate, telling it when to retry', async () => {
      // 50 + 5 single-element requests spent so far of a burst of 120: 100 more is over the rate.
      const refusal = await send('NL', await validBody(100));
      expect(refusal).toMatchObject({ code: 'match_rate_limited', detail: expect.stringMatching(/retry in \d+ s/) });
    });

    it('refuses an agency that is not a partner', async () => {
      expect(await send('CO', await validBody())).toMatchObject({ code: 'match_not_authorised', detail: expect.stringContaining('CO is not a partner') });
    });

    it('the auditor counts the refusals per partner and code', async () => {
      const audit = await fed.get('ES', '/match/audit', 'auditor');
      expect(audit.body.served).toEqual([
        { partner: 'CO', requests: 0, evaluated: 0, refused: { match_not_authorised: 1 }, followUps: 0 },
        { partner: 'NL', requests: 8, evaluated: 57, refused: { match_malformed_element: 3, match_identity_element: 1, match_unknown_key: 1, match_rate_limited: 1 }, followUps: 1 },
      ]);
    });

    it('rotates the key when due: every entry re-evaluated under the new one, a new filter sent, the old key refused, the same hits', async () => {
      const oldKey = keyId;
      await fed.sql('ES', `UPDATE match_key SET created_at = created_at - interval '31 days' WHERE retired_at IS NULL`);
      const service = fed.nodes.get('ES')?.node.app.get(MatchService) as MatchService;
      expect(await service.rotateIfDue()).toBe(true);
      expect(await service.rotateIfDue()).toBe(false); // the new key is not due
      await fed.waitFor(async () => {
        const [h] = (await fed.get('NL', '/match/holders', 'operator')).body;
        return h.filter.keyId !== oldKey && h.filter.entries === INDEX;
      }, 'NL to hold the filter under the new key', 300_000);
      const status = (await fed.get('ES', '/match/index', 'admin')).body;
      expect(status.key).toMatchObject({ ageDays: 0 });
      expect(status.key.id).not.toBe(oldKey);
      expect(status.publication).toMatchObject({ keyId: status.key.id, entries: INDEX, partners: ['NL'] });
      const [{ n: stale }] = await fed.sql<{ n: number }>('ES', 'SELECT count(*)::int AS n FROM match_entry WHERE key_id <> $1', [status.key.id]);
      expect(stale).toBe(0);
      // A request under the old key is refused and answered; the next, under the new key, is evaluated.
      const underOldKey = await validBody();
      keyId = status.key.id;
      const [f] = await fed.sql<{ public_key: Buffer }>('NL', `SELECT public_key FROM match_filter WHERE holder = 'ES'`);
      esPublicKey = new Uint8Array(f.public_key);
      expect(await send('NL', underOldKey)).toMatchObject({ code: 'match_unknown_key' });
      let check = await fed.post('NL', '/match/checks', 'operator', { values, partners: ['ES'] });
      if (check.status === 202) await fed.waitFor(async () => (check = await fed.get('NL', `/match/checks/${check.body.id}`, 'operator')).body.complete, 'the check to complete');
      expect(check.body.partners[0]).toMatchObject({ status: 'answered', hits: presentIndexes });
    }, 400_000);
  });

  it('a check survives a restart of the requester: its blind state waits sealed, the answer is unblinded after, then the state is erased', async () => {
    await fed.sql('ES', `UPDATE match_bucket SET tokens = $1`, [BURST]);
    await fed.stop('ES'); // the holder is away: the request waits in its inbox
    const pending = await fed.post('NL', '/match/checks', 'operator', { values: [absent[1], present[2]], partners: ['ES'] });
    expect([pending.status, pending.body.partners[0].status]).toEqual([202, 'pending']);
    const [row] = await fed.sql<{ sealed: boolean; text: string }>('NL', `SELECT blind_state IS NOT NULL AS sealed, t::text AS text FROM match_check_partner t WHERE check_id = $1`, [pending.body.id]);
    expect(row.sealed).toBe(true);
    // Sealed: the values checked are not in the row, neither as text nor as hex.
    for (const v of [absentNumbers[1], absentNumbers[1].toLowerCase()]) for (const form of [v, Buffer.from(v).toString('hex')]) expect(row.text).not.toContain(form);
    await fed.stop('NL');
    await fed.start('NL', NL_ENV);
    await fed.start('ES', ES_ENV, ['error', 'warn', 'log', 'debug', 'verbose']);
    let check = pending;
    await fed.waitFor(async () => (check = await fed.get('NL', `/match/checks/${pending.body.id}`, 'operator')).body.complete, 'the check to complete after both restarts', 120_000);
    expect(check.body.partners[0]).toMatchObject({ partner: 'ES', status: 'answered', hits: [1] });
    expect(await fed.sql('NL', `SELECT blind_state FROM match_check_partner WHERE check_id = $1`, [pending.body.id])).toEqual([{ blind_state: null }]);
  }, 300_000);
});
