// Checkpoints and witnesses between three agencies' ledgers (three databases): cosigning,
// quorum, refusal of a rewritten history with evidence on both sides, malformed messages.
import { Logger } from '@nestjs/common';
import { parseCheckpoint, signNote, checkpointBody, verifyCosignature, verifyNote } from '@liaison/ledger';
import { makeLedgerFederation, LedgerFederation, LedgerNode } from '../support/ledger-nodes';
import { rewriteHistory } from '../support/ledger-db';
import { rawInbound, sampleEvents } from '../support/ledger-fixtures';
import { originOf } from '../../apps/node/src/ledger/checkpoint.protocol';

jest.setTimeout(60_000);

describe('ledger checkpoints and witnesses', () => {
  let f: LedgerFederation;
  let origin: LedgerNode;
  let w1: LedgerNode;
  let w2: LedgerNode;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    f = await makeLedgerFederation(3, { everyEntries: 5, everySeconds: 10, witnessQuorum: 2 }, 'witness');
    [origin, w1, w2] = f.nodes;
  });
  afterAll(async () => {
    await f?.close();
  });

  it('signs a C2SP checkpoint with the agency key under the origin liaison/<AGENCY>', async () => {
    await origin.ledger.append(origin.db.app.manager, sampleEvents(7, 'a'));
    const cp = await origin.checkpoints.checkpointNow();
    expect(cp?.size).toBe(7);
    const parsed = parseCheckpoint(cp?.note);
    expect(parsed.ok && parsed.value.origin).toBe('liaison/AG0');
    expect(verifyNote(cp?.note, 'liaison/AG0', f.fed.agencies[0].keyring.signingPublicJwk as never).ok).toBe(true);
    const [msg] = origin.publisher.sent;
    expect(msg.topic).toBe(f.topics.checkpoints);
    expect(msg.headers['liaison-type']).toBe('checkpoint');
    expect(JSON.parse(msg.value.toString())).toMatchObject({ type: 'checkpoint', origin: 'liaison/AG0', agency: 'AG0', note: cp?.note, proofs: [] });
  });

  it('is witnessed once the quorum of other agencies cosigned it', async () => {
    expect((await origin.checkpoints.status())?.witnessed).toBe(false);
    const outcomes = await f.route();
    expect(outcomes.filter((o) => o.type === 'checkpoint').map((o) => `${o.agency}:${o.outcome}`)).toEqual(['AG0:ignored', 'AG1:cosigned', 'AG2:cosigned']);
    expect(outcomes.filter((o) => o.type === 'cosignature' && o.agency === 'AG0').map((o) => o.outcome)).toEqual(['stored', 'stored']);
    const status = await origin.checkpoints.status();
    expect(status).toMatchObject({ size: 7, quorum: 2, witnessed: true });
    expect(status?.cosignatures.map((c) => c.witness)).toEqual(['AG1', 'AG2']);
    for (const w of [w1, w2]) {
      expect(verifyCosignature(status?.cosignedNote, originOf(w.agency), f.fed.agencies[f.nodes.indexOf(w)].keyring.signingPublicJwk as never).ok).toBe(true);
    }
  });

  it('cosigns the next checkpoint with a consistency proof from the last cosigned size', async () => {
    await origin.ledger.append(origin.db.app.manager, sampleEvents(300, 'b'));
    await origin.checkpoints.tick(); // 300 new entries >= everyEntries: due
    const msg = JSON.parse(origin.publisher.sent[0].value.toString());
    expect(msg.proofs.map((p: { from: number }) => p.from)).toEqual([7]);
    await f.route();
    expect(await origin.checkpoints.status()).toMatchObject({ size: 307, witnessed: true });
    const state = await w1.db.app.query('SELECT origin, size FROM witness_state');
    expect(state).toEqual([{ origin: 'AG0', size: '307' }]);
  });

  it('checkpoints after T seconds with fewer than N entries, and republishes an unwitnessed checkpoint', async () => {
    await origin.ledger.append(origin.db.app.manager, sampleEvents(2, 'timed'));
    await origin.checkpoints.tick();
    expect(origin.publisher.sent).toEqual([]); // 2 < everyEntries and the time has not come
    origin.clock.advance(10);
    await origin.checkpoints.tick();
    expect(origin.publisher.take().map((m) => JSON.parse(m.value.toString()).note.split('\n')[1])).toEqual(['309']);
    await origin.checkpoints.tick();
    expect(origin.publisher.sent).toEqual([]); // published a moment ago
    origin.clock.advance(10);
    await origin.checkpoints.tick(); // nothing new, not witnessed yet: the same checkpoint again
    expect(origin.publisher.sent.map((m) => JSON.parse(m.value.toString()).note.split('\n')[1])).toEqual(['309']);
    await f.route();
    expect(await origin.checkpoints.status()).toMatchObject({ size: 309, witnessed: true });
    origin.clock.advance(10);
    await origin.checkpoints.tick();
    expect(origin.publisher.sent).toEqual([]); // witnessed: left alone
  });

  it('ignores malformed, unsigned and foreign messages with a warning, and never throws', async () => {
    const topic = f.topics.checkpoints;
    const forged = signNote(checkpointBody({ origin: 'liaison/AG0', size: 999, rootHash: new Uint8Array(32) }), 'liaison/AG0', f.fed.agencies[1].keyring.signingPrivateKey);
    const junk = [
      rawInbound(topic, null),
      rawInbound(topic, 'not json'),
      rawInbound(topic, '[]'),
      rawInbound(topic, JSON.stringify({ type: 'checkpoint', origin: 'liaison/AG0' })),
      rawInbound(topic, JSON.stringify({ type: 'checkpoint', origin: 'liaison/AG0', agency: 'AG1', note: 'x', proofs: [] })),
      rawInbound(topic, JSON.stringify({ type: 'checkpoint', origin: 'liaison/AG0', agency: 'AG0', note: 'garbage', proofs: [] })),
      rawInbound(topic, JSON.stringify({ type: 'checkpoint', origin: 'liaison/AG0', agency: 'AG0', note: forged, proofs: [] })),
      rawInbound(topic, JSON.stringify({ type: 'checkpoint', origin: 'liaison/AG0', agency: 'AG0', note: forged, proofs: [{ from: 1, proof: ['!!'] }] })),
      rawInbound(topic, JSON.stringify({ type: 'cosignature', origin: 'liaison/AG0', witness: 'liaison/AG1', size: 7, line: '\u2014 liaison/AG1 AAAA' })),
      rawInbound(topic, JSON.stringify({ type: 'cosignature', origin: 'liaison/AG0', witness: 'liaison/AG1', size: 12345, line: '\u2014 x' })),
      rawInbound(topic, JSON.stringify({ type: 'alert', origin: 'liaison/AG0', witness: 'liaison/AG2', reason: 'x', cosignedNote: null, refusedNote: forged })),
      rawInbound(topic, JSON.stringify({ type: 'nope', origin: 'liaison/AG0' })),
      rawInbound(topic, JSON.stringify({ type: 'cosignature', origin: 'liaison/AG0' }), { 'liaison-type': 'alert' }),
    ];
    const warnings: string[] = [];
    const spy = jest.spyOn(Logger.prototype, 'warn').mockImplementation((m: unknown) => void warnings.push(String(m)));
    try {
      for (const node of f.nodes) for (const m of junk) expect(await node.witness.handle(m)).toBe('ignored');
    } finally {
      spy.mockRestore();
    }
    expect(warnings.length).toBeGreaterThan(junk.length);
    expect(await origin.checkpoints.status()).toMatchObject({ size: 309, witnessed: true });
    expect(await origin.db.app.query('SELECT count(*)::int AS n FROM witness_alert')).toEqual([{ n: 0 }]);
    expect(await w1.db.app.query('SELECT size FROM witness_state')).toEqual([{ size: '309' }]);
  });

  it('refuses the next checkpoint after a history rewrite, keeps both signed notes and alerts both sides', async () => {
    const cosigned = (await origin.checkpoints.status())?.note;
    // Rewritten consistently (leaf hashes, tree and head), and signed by a node whose self-audit
    // is not running (as if its code were compromised too): the witnesses are the last line.
    await rewriteHistory(origin.db, [`UPDATE ledger_entry SET digest = repeat('0', 64) WHERE seq = 3`]);
    await origin.ledger.append(origin.db.app.manager, sampleEvents(5, 'c'));
    const refused = await origin.checkpoints.checkpointNow();
    const outcomes = await f.route();
    expect(outcomes.filter((o) => o.type === 'checkpoint' && o.agency !== 'AG0').map((o) => o.outcome)).toEqual(['refused', 'refused']);
    expect(await origin.checkpoints.status()).toMatchObject({ size: 314, witnessed: false });
    // Evidence at the witness: the last cosigned checkpoint and the refused one, both signed by AG0.
    const [alert] = await w1.db.app.query('SELECT origin, witness, reason, cosigned_note, refused_note FROM witness_alert');
    expect(alert).toMatchObject({ origin: 'AG0', witness: 'AG1', reason: 'not_an_extension', cosigned_note: cosigned, refused_note: refused?.note });
    // And at the origin, from both witnesses.
    const atOrigin = await origin.db.app.query('SELECT witness, reason FROM witness_alert ORDER BY witness');
    expect(atOrigin).toEqual([
      { witness: 'AG1', reason: 'not_an_extension' },
      { witness: 'AG2', reason: 'not_an_extension' },
    ]);
    // Redelivery does not duplicate the evidence; the witness still holds the honest state.
    await w1.witness.handle({ ...rawInbound(f.topics.checkpoints, null), value: Buffer.from(JSON.stringify({ type: 'checkpoint', origin: 'liaison/AG0', agency: 'AG0', note: refused?.note, proofs: [] })) });
    expect(await w1.db.app.query('SELECT count(*)::int AS n FROM witness_alert')).toEqual([{ n: 1 }]);
    expect(await w1.db.app.query('SELECT size FROM witness_state')).toEqual([{ size: '309' }]);
  });
});

describe('witness consumer', () => {
  it('handles each topic offset once per process, whatever the broker redelivers', async () => {
    Logger.overrideLogger(false);
    const f = await makeLedgerFederation(2, { everyEntries: 5, everySeconds: 10, witnessQuorum: 1 }, 'redeliver');
    try {
      const [origin, witness] = f.nodes;
      await origin.ledger.append(origin.db.app.manager, sampleEvents(3, 'r'));
      await origin.checkpoints.checkpointNow();
      const [msg] = origin.publisher.take();
      const copy = (offset: number) => ({ ...rawInbound(msg.topic, msg.value.toString(), msg.headers), offset: String(offset) });
      await witness.witness.handleBatch([copy(0), copy(0), copy(1)]);
      await witness.witness.handleBatch([copy(0), copy(1)]);
      // offset 1 is the origin republishing the same checkpoint: answered again; copies of 0 are not.
      expect(witness.publisher.take().map((m) => m.headers['liaison-type'])).toEqual(['cosignature', 'cosignature']);
    } finally {
      await f.close();
    }
  });
});
