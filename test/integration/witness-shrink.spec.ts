// Peers notice a log that shrinks (issue 13): a witness that cosigned size 307 of AG0's log is
// shown AG0's validly signed size-7 checkpoint again. Published before the cosignature it is a
// replay (ignored, as before); published well after it, AG0's log went back: refused as
// `smaller_tree`, stored with both notes as evidence and announced. Real databases (the witness
// state's cosignature time is read back from PostgreSQL).
import { Logger } from '@nestjs/common';
import { SHRINK_MARGIN_SECONDS } from '@liaison/ledger';
import { makeLedgerFederation, LedgerFederation } from '../support/ledger-nodes';
import { asInbound, sampleEvents } from '../support/ledger-fixtures';

jest.setTimeout(60_000);

describe('a witness notices a log that shrinks', () => {
  let f: LedgerFederation;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    f = await makeLedgerFederation(2, { everyEntries: 5, everySeconds: 10, witnessQuorum: 1 }, 'shrink');
  });
  afterAll(async () => {
    await f?.close();
  });

  it('ignores a replayed smaller checkpoint but refuses one published after a larger one was cosigned', async () => {
    const [origin, witness] = f.nodes;
    await origin.ledger.append(origin.db.app.manager, sampleEvents(7, 'a'));
    await origin.checkpoints.checkpointNow();
    const [small] = [...origin.publisher.sent];
    await f.route();
    await origin.ledger.append(origin.db.app.manager, sampleEvents(300, 'b'));
    await origin.checkpoints.tick();
    await f.route();
    const state = await witness.repo.witnessState('AG0');
    expect(state?.size).toBe(307n);
    const cosignedAt = (state?.cosignedAt as Date).getTime();

    const at = (ms: number) => ({ ...asInbound(small), timestamp: String(ms) });
    expect(await witness.witness.handle(at(cosignedAt - 1000))).toBe('ignored');
    expect(await witness.witness.handle(at(cosignedAt + 5000))).toBe('ignored'); // within the clock-skew margin
    expect(await witness.db.app.query('SELECT 1 FROM witness_alert')).toEqual([]);

    expect(await witness.witness.handle(at(cosignedAt + (SHRINK_MARGIN_SECONDS + 1) * 1000))).toBe('refused');
    const alerts = await witness.db.app.query('SELECT origin, witness, reason, cosigned_note, refused_note FROM witness_alert');
    expect(alerts).toEqual([
      { origin: 'AG0', witness: 'AG1', reason: 'smaller_tree', cosigned_note: expect.stringMatching(/^liaison\/AG0\n307\n/), refused_note: expect.stringMatching(/^liaison\/AG0\n7\n/) },
    ]);
    // Announced on the checkpoints topic for the origin and the other witnesses.
    expect(witness.publisher.sent.map((m) => JSON.parse(m.value.toString())).filter((m) => m.type === 'alert')).toEqual([
      expect.objectContaining({ origin: 'liaison/AG0', witness: 'liaison/AG1', reason: 'smaller_tree' }),
    ]);
  });
});
