// The node's connection pools are separate (persistence/pools.ts): with every connection of NL's
// API pool held, NL's inbox still records a notice ES sends, and its relay still publishes the
// receipt that makes the notice DELIVERED at ES. The API answers again once its pool is free.
import { DatabasePools } from '../../apps/node/src/persistence/pools';
import { loadNodeConfig } from '../../apps/node/src/config/node-config';
import { countRows, noticeRequest, TestFederation } from '../support/federation';

describe('separate database pools', () => {
  let fed: TestFederation;

  beforeAll(async () => {
    fed = await TestFederation.create(['NL', 'ES']);
    await fed.start('NL', { LIAISON_DB_POOL_API: '2' });
    await fed.start('ES');
  });
  afterAll(async () => {
    await fed?.destroy();
  });

  it('an exhausted API pool blocks neither the inbox nor the relay', async () => {
    const pools = fed.nodes.get('NL')!.node.app.get(DatabasePools);
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let holding = 0;
    const held = [1, 2].map(() =>
      pools.get('api').transaction(async () => {
        holding++;
        await released;
      }),
    );
    await fed.waitFor(async () => holding === 2, 'both API connections held');
    let apiAnswered = false;
    const inboxRead = fed.get('NL', '/inbox', 'liaison_officer').then((r) => {
      apiAnswered = true;
      return r;
    });

    const sent = await fed.post('ES', '/notices', 'operator', noticeRequest(['NL']));
    expect(sent.status).toBe(201);
    // NL's inbox records it and NL's relay publishes the receipt, while NL's API pool stays taken.
    await fed.waitFor(async () => (await countRows(fed, 'NL', 'notice', `id = '${sent.body.id}' AND direction = 'inbound'`)) === 1, 'NL records the notice');
    await fed.waitFor(async () => (await countRows(fed, 'ES', 'notice_recipient', `notice_id = '${sent.body.id}' AND status = 'DELIVERED'`)) === 1, 'the receipt reaches ES');
    expect(holding).toBe(2);
    expect(apiAnswered).toBe(false); // the request waits for an API connection

    release();
    await Promise.all(held);
    const answer = await inboxRead;
    expect(answer.status).toBe(200);
  });

  it('sizes each pool by configuration and names the variable when a size is wrong', () => {
    expect(loadNodeConfig(fed.env('NL', { LIAISON_DB_POOL_INBOX: '5' })).databasePools).toEqual({ api: 10, inbox: 5, relay: 2, ledger: 3, attachments: 3 });
    for (const bad of ['0', '201', 'many']) expect(() => loadNodeConfig(fed.env('NL', { LIAISON_DB_POOL_LEDGER: bad }))).toThrow(/LIAISON_DB_POOL_LEDGER/);
  });
});
