// The auditor API over HTTP, with the LedgerModule wired as the app module wires it: role
// enforcement, filters and keyset pages, 400s naming the field, proofs that verify, the
// checkpoint with cosignatures, alerts, and the streamed bundle that `liaison verify` accepts.
import { DatabasePools } from '../../apps/node/src/persistence/pools';
import { Transactions } from '../../apps/node/src/persistence/transactions';
import 'reflect-metadata';
import { writeFileSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Global, INestApplication, Logger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AuthModule, DevTokenIssuer, Role } from '@liaison/auth';
import { AgencyKeyring, TrustStore } from '@liaison/envelope';
import { decodeBase64, verifyConsistency, verifyInclusion } from '@liaison/ledger';
import { FederationTopics } from '@liaison/transport';
import { applyApiRules } from '../../apps/node/src/http/api-rules';
import { LedgerModule } from '../../apps/node/src/ledger/ledger.module';
import { LedgerWriter } from '../../apps/node/src/ledger/ledger.port';
import { CheckpointService } from '../../apps/node/src/ledger/checkpoint.service';
import { Clock, ConsumerFactory, LEDGER_DATA_SOURCE, NODE_CONFIG, PUBLISHER } from '../../apps/node/src/tokens';
import { verifyBundleFile } from '../../apps/cli/src/commands/verify';
import { makeLedgerFederation, LedgerFederation, NoConsumers } from '../support/ledger-nodes';
import { digestOf, sampleEvents } from '../support/ledger-fixtures';

jest.setTimeout(60_000);

const ISSUER = 'https://idp.ag0.example';
const AUDIENCE = 'liaison-ag0';
const idp = DevTokenIssuer.generate(ISSUER);

describe('auditor API', () => {
  let f: LedgerFederation;
  let app: INestApplication;
  let base: string;
  const dir = mkdtempSync(join(tmpdir(), 'ledger-api-'));

  const get = async (path: string, role: Role | null = 'auditor') => {
    const headers: Record<string, string> = {};
    if (role) headers.authorization = `Bearer ${await idp.mint({ subject: 'auditor-1', agency: 'AGZ', roles: [role], audience: AUDIENCE })}`;
    const res = await fetch(`${base}${path}`, { headers });
    const text = await res.text();
    let body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: res.status, body, text, headers: res.headers };
  };

  beforeAll(async () => {
    Logger.overrideLogger(false);
    f = await makeLedgerFederation(3, { everyEntries: 1000, everySeconds: 3600, witnessQuorum: 2 }, 'api');
    const [origin] = f.nodes;
    const agency = f.fed.agencies[0];

    @Global()
    @Module({
      providers: [
        { provide: DataSource, useValue: origin.db.app },
        { provide: LEDGER_DATA_SOURCE, useValue: origin.db.app },
        { provide: Transactions, useValue: new Transactions(DatabasePools.shared(origin.db.app)) },
        { provide: Clock, useValue: origin.clock },
        { provide: PUBLISHER, useValue: origin.publisher },
        { provide: ConsumerFactory, useValue: new NoConsumers() },
        { provide: NODE_CONFIG, useValue: origin.config },
        { provide: AgencyKeyring, useValue: agency.keyring },
        { provide: TrustStore, useValue: f.fed.trust },
        { provide: FederationTopics, useValue: f.topics },
      ],
      exports: [DataSource, LEDGER_DATA_SOURCE, Transactions, Clock, PUBLISHER, ConsumerFactory, NODE_CONFIG, AgencyKeyring, TrustStore, FederationTopics],
    })
    class TestCore {}

    const moduleRef = await Test.createTestingModule({
      imports: [TestCore, // The token verifier wants a 2-8 letter agency code; the fixture federation's codes (AG0..) carry a digit.
        AuthModule.forRoot({ issuer: ISSUER, audience: AUDIENCE, agency: 'AGZ', jwks: idp.jwks() } as never), LedgerModule],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    applyApiRules(app);
    await app.init(); // not bootstrapped: no timer, no consumer (routed by the test)
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();

    // The node's own services from the module, fed like the exchange would.
    const ledger = app.get(LedgerWriter);
    const checkpoints = app.get(CheckpointService);
    await ledger.append(origin.db.app.manager, sampleEvents(30, 'q'));
    await ledger.append(origin.db.app.manager, [
      { event: 'delivered', messageId: 'q-3', kind: null, counterpart: 'AG1', channel: null, digest: null, re: 'r-3', actor: null, reason: null },
      { event: 'answered', messageId: 'r-3', kind: 'response', counterpart: 'AG1', channel: null, digest: digestOf('r-3'), re: 'q-3', actor: 'officer-2', reason: null },
      { event: 'rejected', messageId: 'x-1', kind: null, counterpart: 'AG2', channel: null, digest: digestOf('x-1'), re: null, actor: null, reason: 'signature' },
    ]);
    await checkpoints.checkpointNow();
    await f.route();
  });

  afterAll(async () => {
    await app?.close();
    await f?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('requires the auditor role', async () => {
    expect((await get('/audit/entries', null)).status).toBe(401);
    expect((await get('/audit/entries', 'operator')).status).toBe(403);
    expect((await get('/audit/bundle', 'liaison_officer')).status).toBe(403);
    expect((await get('/audit/entries')).status).toBe(200);
  });

  it('lists entries with filters and keyset pages by seq', async () => {
    const page1 = await get('/audit/entries?limit=10');
    expect(page1.body.entries.map((e: { seq: number }) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(page1.body.next).toBe('9');
    expect(page1.body.entries[0]).toMatchObject({ event: 'sent', counterpart: 'AG1', digest: digestOf('q-0'), leafHash: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/) });
    const page2 = await get(`/audit/entries?limit=10&after=${page1.body.next}`);
    expect(page2.body.entries[0].seq).toBe(10);
    const last = await get('/audit/entries?after=29');
    expect(last.body).toMatchObject({ next: null });
    expect(last.body.entries.map((e: { event: string }) => e.event)).toEqual(['delivered', 'answered', 'rejected']);
    expect((await get('/audit/entries?kind=identity-query')).body.entries).toHaveLength(15);
    expect((await get('/audit/entries?event=rejected')).body.entries.map((e: { reason: string }) => e.reason)).toEqual(['signature']);
    expect((await get('/audit/entries?counterpart=AG2')).body.entries).toHaveLength(1);
    expect((await get('/audit/entries?messageId=q-7')).body.entries.map((e: { seq: number }) => e.seq)).toEqual([7]);
    expect((await get('/audit/entries?from=2026-11-24T08:00:00.000Z&to=2026-11-24T08:00:00.001Z')).body.entries.length).toBe(0);
    expect((await get('/audit/entries?from=2026-11-24T00:00:00Z&to=2026-11-25T00:00:00Z&event=sent&counterpart=AG1&limit=1000')).body.entries).toHaveLength(30);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=abc', 'limit'],
    ['after=-1', 'after'],
    ['from=yesterday', 'from'],
    ['to=2026-13-01T00:00:00Z', 'to'],
    ['event=deleted', 'event'],
    ['kind=DROP%20TABLE', 'kind'],
    ['counterpart=%20', 'counterpart'],
    ['messageId=a%0Ab', 'messageId'],
    ['limit=1&limit=2', 'limit'],
    ['colour=blue', 'colour'],
    ['from=2026-11-25T00:00:00Z&to=2026-11-24T00:00:00Z', 'from'],
  ])('refuses %s with a 400 naming %s', async (query, field) => {
    const res = await get(`/audit/entries?${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, errors: [{ field }] });
  });

  it('gives the timeline of one message', async () => {
    const res = await get('/audit/messages/q-3/timeline');
    expect(res.body.entries.map((e: { event: string }) => e.event)).toEqual(['sent', 'delivered', 'answered']);
    expect((await get('/audit/messages/nothing-here/timeline')).status).toBe(404);
    expect((await get('/audit/messages/a%20b/timeline')).body).toMatchObject({ status: 400, errors: [{ field: 'id' }] });
  });

  it('serves inclusion and consistency proofs that verify', async () => {
    const inc = await get('/audit/proofs/inclusion?seq=5&size=33');
    expect(inc.status).toBe(200);
    const proof = inc.body.proof.map((h: string) => decodeBase64(h));
    expect(verifyInclusion(5, 33, decodeBase64(inc.body.leafHash)!, proof, decodeBase64(inc.body.rootHash)!)).toBe(true);
    expect(inc.body.checkpoint).toMatch(/^liaison\/AG0\n33\n/);
    const cons = await get('/audit/proofs/consistency?from=7&to=33');
    expect(
      verifyConsistency(7, 33, cons.body.proof.map((h: string) => decodeBase64(h)), decodeBase64(cons.body.fromRootHash)!, decodeBase64(cons.body.toRootHash)!),
    ).toBe(true);
    expect((await get('/audit/proofs/inclusion?seq=33&size=33')).body).toMatchObject({ status: 400, errors: [{ field: 'seq' }] });
    expect((await get('/audit/proofs/inclusion?seq=1&size=999')).body).toMatchObject({ status: 400, errors: [{ field: 'size' }] });
    expect((await get('/audit/proofs/inclusion')).body).toMatchObject({ status: 400, errors: [{ field: 'seq' }] });
    expect((await get('/audit/proofs/consistency?from=9&to=3')).body).toMatchObject({ status: 400, errors: [{ field: 'from' }] });
  });

  it('shows the latest checkpoint with its cosignatures, witnessed', async () => {
    const res = await get('/audit/checkpoint');
    expect(res.body).toMatchObject({ size: 33, quorum: 2, witnessed: true });
    expect(res.body.cosignatures.map((c: { witness: string }) => c.witness)).toEqual(['AG1', 'AG2']);
    expect(res.body.cosignedNote.split('\n').filter((l: string) => l.startsWith('\u2014'))).toHaveLength(3);
  });

  it('lists witness alerts (none for an honest log)', async () => {
    expect((await get('/audit/alerts')).body).toEqual({ alerts: [], next: null });
    expect((await get('/audit/alerts?limit=0')).body).toMatchObject({ errors: [{ field: 'limit' }] });
  });

  it('streams an audit bundle that verifies offline, full or a range', async () => {
    const res = await get('/audit/bundle');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const file = join(dir, 'api.ndjson');
    writeFileSync(file, res.text);
    expect(await verifyBundleFile(file, { root: f.fed.root.publicJwk })).toMatchObject({ ok: true, entries: 33, treeSize: 33 });
    const part = await get('/audit/bundle?from=4&to=9');
    writeFileSync(file, part.text);
    expect(await verifyBundleFile(file, { root: f.fed.root.publicJwk })).toMatchObject({ ok: true, entries: 5, full: false });
    expect((await get('/audit/bundle?from=9&to=4')).body).toMatchObject({ status: 400, errors: [{ field: 'from' }] });
    expect((await get('/audit/bundle?to=5000')).body).toMatchObject({ status: 400, errors: [{ field: 'to' }], detail: "to (5000) is beyond the ledger's 33 entries" });
  });

  it('answers 409 with Retry-After for a range no witnessed checkpoint covers yet, and the bundle once one does', async () => {
    await app.get(LedgerWriter).append(f.nodes[0].db.app.manager, [
      { event: 'acknowledged', messageId: 'q-4', kind: null, counterpart: 'AG1', channel: null, digest: null, re: null, actor: 'officer-3', reason: null },
    ]);
    const early = await get('/audit/bundle?from=30&to=34');
    expect(early.status).toBe(409);
    expect(early.headers.get('retry-after')).toBe('3600');
    expect(early.body).toMatchObject({ code: 'not_checkpointed', errors: [{ field: 'to' }], detail: 'no checkpoint covers entry 33 yet', retryAfterSeconds: 3600 });
    await app.get(CheckpointService).checkpointNow();
    expect((await get('/audit/bundle?from=30&to=34')).body).toMatchObject({ status: 409, code: 'not_checkpointed', detail: 'checkpoint 34 covers entry 33 but is not yet cosigned by 2 witnesses' });
    await f.route();
    const late = await get('/audit/bundle?from=30&to=34');
    expect(late.status).toBe(200);
    const file = join(dir, 'late.ndjson');
    writeFileSync(file, late.text);
    expect(await verifyBundleFile(file, { root: f.fed.root.publicJwk })).toMatchObject({ ok: true, entries: 4, treeSize: 34 });
  });
});
