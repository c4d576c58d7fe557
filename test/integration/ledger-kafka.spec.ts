// Witnessing over the real broker: three agencies (each its own database, SASL principal and
// consumer group) exchange checkpoints, cosignatures and alerts on the checkpoints topic.
import { Logger } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { createKafka, FederationTopics, KafkaBatchConsumer, KafkaPublisher } from '@liaison/transport';
import { ConsumerFactory } from '../../apps/node/src/tokens';
import { TYPE_HEADER } from '../../apps/node/src/ledger/checkpoint.protocol';
import { deleteTestTopics, principalSettings, provisionTestFederation } from '../support/kafka';
import { rewriteHistory } from '../support/ledger-db';
import { sampleEvents } from '../support/ledger-fixtures';
import { LedgerFederation, makeLedgerFederation } from '../support/ledger-nodes';

jest.setTimeout(120_000);

const CODES = ['NL', 'ES', 'CO'];

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 45_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('ledger witnessing over Kafka', () => {
  let topics: FederationTopics;
  let f: LedgerFederation;
  const kafkas = new Map<string, Kafka>();
  const publishers: KafkaPublisher[] = [];

  beforeAll(async () => {
    Logger.overrideLogger(false);
    topics = await provisionTestFederation(CODES, 1);
    for (const code of CODES) kafkas.set(code, createKafka(principalSettings(code), { logLevel: 0 }));
    f = await makeLedgerFederation(3, { everyEntries: 5, everySeconds: 3600, witnessQuorum: 2 }, 'kafka', {
      codes: CODES,
      topics,
      publisher: (code) => {
        const p = new KafkaPublisher(kafkas.get(code) as Kafka);
        publishers.push(p);
        return p;
      },
      consumers: (code) =>
        new (class extends ConsumerFactory {
          create(options: { groupId: string; topic: string; fromBeginning?: boolean }) {
            return new KafkaBatchConsumer(kafkas.get(code) as Kafka, { ...options, sessionTimeoutMs: 10_000 });
          }
        })(),
    });
    await Promise.all(f.nodes.map((n) => n.witness.onApplicationBootstrap()));
  });

  afterAll(async () => {
    for (const n of f?.nodes ?? []) await n.witness.onApplicationShutdown();
    for (const p of publishers) await p.close();
    await f?.close();
    if (topics) await deleteTestTopics(topics);
  });

  it('gets a checkpoint cosigned by the quorum, past a poison message on the topic', async () => {
    const [nl] = f.nodes;
    // Garbage first: every witness must skip it and go on.
    await publishers[0].publish([{ topic: topics.checkpoints, key: 'x', value: Buffer.from('{"type":"checkpoint"'), headers: { [TYPE_HEADER]: 'checkpoint' } }]);
    await nl.ledger.append(nl.db.app.manager, sampleEvents(12, 'k', 'ES'));
    await nl.checkpoints.checkpointNow();
    const status = await until('NL checkpoint witnessed', async () => {
      const s = await nl.checkpoints.status();
      return s?.witnessed ? s : null;
    });
    expect(status).toMatchObject({ size: 12, quorum: 2 });
    expect(status.cosignatures.map((c) => c.witness)).toEqual(['CO', 'ES']);
    // The witnesses' own view.
    for (const w of f.nodes.slice(1)) expect(await w.db.app.query('SELECT origin, size FROM witness_state')).toEqual([{ origin: 'NL', size: '12' }]);
  });

  it('refuses a rewritten history: alerts at both witnesses and at the origin', async () => {
    const [nl, es, co] = f.nodes;
    await rewriteHistory(nl.db, [`UPDATE ledger_entry SET kind = 'location-query' WHERE seq = 4`]);
    await nl.ledger.append(nl.db.app.manager, sampleEvents(6, 'k2', 'CO'));
    await nl.checkpoints.checkpointNow();
    for (const w of [es, co]) {
      const [alert] = await until(`alert at ${w.agency}`, async () => {
        const rows = await w.db.app.query('SELECT origin, reason, cosigned_note, refused_note FROM witness_alert');
        return rows.length > 0 ? rows : null;
      });
      expect(alert).toMatchObject({ origin: 'NL', reason: 'not_an_extension', cosigned_note: expect.stringMatching(/^liaison\/NL\n12\n/), refused_note: expect.stringMatching(/^liaison\/NL\n18\n/) });
    }
    const atOrigin = await until('alerts at NL', async () => {
      const rows = await nl.db.app.query('SELECT witness FROM witness_alert ORDER BY witness');
      return rows.length >= 2 ? rows : null;
    });
    expect(atOrigin).toEqual([{ witness: 'CO' }, { witness: 'ES' }]);
    expect(await nl.checkpoints.status()).toMatchObject({ size: 18, witnessed: false });
  });
});
