import type { Page } from 'playwright-core';
import { ConsoleBrowser, consoleUrl, expectAccessible, signInWithToken, snap } from '../support/browser';
import { noticeRequest, TestFederation } from '../support/federation';

/**
 * The ledger screens are pushed, not polled: the node sends auditors (and admins) a `ledger`
 * event when its ledger grows or its checkpoint's cosignatures change, and the exchange log, a
 * message's timeline and the checkpoint view read again on it. The administrator sees the witness
 * status of the latest checkpoint. Headless Chromium against real nodes; axe-core on every view.
 */
jest.setTimeout(240_000);

describe('web console: ledger screens pushed to auditors, witness status for admins', () => {
  let fed: TestFederation;
  let browser: ConsoleBrowser;

  beforeAll(async () => {
    // CO is in the directory but never started: NL is ES's only witness, so the cosignatures settle.
    fed = await TestFederation.create(['NL', 'ES', 'CO']);
    await Promise.all(['NL', 'ES'].map((a) => fed.start(a)));
    browser = await ConsoleBrowser.launch();
  });
  afterAll(async () => {
    await browser?.close();
    await fed?.destroy();
  });
  afterEach(() => {
    expect(browser.problems).toEqual([]);
  });

  const send = async () => {
    const r = await fed.post('NL', '/notices', 'operator', noticeRequest(['ES']));
    expect(r.status).toBe(201);
    return r.body.id as string;
  };
  /** The checkpoint of ES once it covers the whole ledger (at least `minSize` entries) and NL has cosigned it. */
  const settledCheckpoint = async (minSize = 1) => {
    let cp: { size: number; witnessed: boolean } | undefined;
    await fed.waitFor(async () => {
      const [checkpoint, head] = await Promise.all([fed.get('ES', '/audit/checkpoint', 'auditor'), fed.get('ES', '/audit/entries?limit=1000', 'auditor')]);
      cp = checkpoint.body;
      return checkpoint.status === 200 && checkpoint.body.witnessed === true && checkpoint.body.size >= minSize && checkpoint.body.size === head.body.entries.length;
    }, 'a witnessed checkpoint of the whole ES ledger');
    return cp!;
  };
  /** The ledger reads the page makes from now on. */
  const ledgerReads = (page: Page) => {
    const seen: string[] = [];
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/audit/')) seen.push(path);
    });
    return seen;
  };

  /** The event types an SSE stream sends within a few seconds of opening. */
  async function firstEvents(role: 'auditor' | 'liaison_officer' | 'admin'): Promise<string[]> {
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${fed.port('ES')}/console/api/events`, { headers: { authorization: `Bearer ${await fed.token('ES', role)}` }, signal: controller.signal });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    let text = '';
    const stop = setTimeout(() => controller.abort(), 3000);
    try {
      for (;;) text += new TextDecoder().decode((await reader.read()).value);
    } catch {
      // aborted after the first seconds
    } finally {
      clearTimeout(stop);
    }
    return [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
  }

  it('the event stream sends auditors and admins ledger events, and liaison officers none', async () => {
    // The current state at once (then again whenever it changes, as it may on a node just started).
    const kinds = async (role: 'auditor' | 'liaison_officer' | 'admin') => [...new Set(await firstEvents(role))];
    expect(await kinds('auditor')).toEqual(['ledger']);
    expect(await kinds('admin')).toEqual(['ledger']);
    expect(await kinds('liaison_officer')).toEqual(['inbox']);
  });

  it("the auditor's exchange log shows a new entry when the node pushes it, and does not poll", async () => {
    await settledCheckpoint();
    const page = await browser.newPage('ES auditor');
    await signInWithToken(page, fed.port('ES'), await fed.token('ES', 'auditor'));
    await page.getByRole('heading', { name: 'Exchange log' }).waitFor();
    await page.locator('#log-total', { hasText: /^Total: \d+ entries$/ }).waitFor();
    await new Promise((r) => setTimeout(r, 2000)); // the reads that follow sign-in are done
    const reads = ledgerReads(page);
    await new Promise((r) => setTimeout(r, 8000)); // the ledger does not change: nothing is asked for
    expect(reads).toEqual([]);

    const id = await send();
    const received = page.locator('table.ledger tbody tr[data-event="received"]', { hasText: id });
    await received.waitFor({ timeout: 30000 });
    expect(reads).toContain('/audit/entries'); // read because the node pushed a change
    await expectAccessible(page, 'exchange log after a pushed entry');

    // A message's timeline follows its message too: the answer appears without a reload.
    await page.goto(consoleUrl(fed.port('ES'), `#/audit/message/${id}`));
    await page.locator('ol.event-timeline li[data-event="received"]').waitFor();
    expect((await fed.post('ES', `/inbox/${id}/answer`, 'liaison_officer', { outcome: 'no-hit' })).status).toBe(200);
    await page.locator('ol.event-timeline li[data-event="answered"]').waitFor({ timeout: 30000 });
    await expectAccessible(page, 'message timeline after a pushed step');
  });

  it('the checkpoint view shows the next checkpoint and its cosignature as they arrive', async () => {
    const before = await settledCheckpoint();
    const page = await browser.newPage('ES auditor (checkpoint)');
    await signInWithToken(page, fed.port('ES'), await fed.token('ES', 'auditor'));
    await page.goto(consoleUrl(fed.port('ES'), '#/audit/checkpoint'));
    await page.locator('#checkpoint-region section[data-witnessed="true"]').waitFor();
    expect(await page.locator('#checkpoint-region').innerText()).toMatch(new RegExp(`Tree size\\s+${before.size}\\b`));
    await send(); // ES's ledger grows when ES receives it
    const after = await settledCheckpoint(before.size + 1);
    await page.waitForFunction((size) => new RegExp(`Tree size\\s+${size}\\b`).test((document.querySelector('#checkpoint-region') as HTMLElement | null)?.innerText ?? ''), after.size, { timeout: 30000 });
    await page.locator('#checkpoint-region section[data-witnessed="true"]').waitFor({ timeout: 30000 });
    expect(await page.locator('#checkpoint-region').innerText()).toMatch(/NL/);
    await expectAccessible(page, 'checkpoint after a pushed cosignature');
  });

  it('an administrator sees the latest checkpoint, its cosignatures and whether the quorum is met', async () => {
    const cp = await settledCheckpoint();
    const page = await browser.newPage('ES admin');
    await signInWithToken(page, fed.port('ES'), await fed.token('ES', 'admin'));
    await page.getByRole('heading', { name: 'Node administration' }).waitFor();
    const witness = page.locator('#witness[data-witnessed="true"]');
    await witness.waitFor();
    expect(await page.locator('#quorum-status').innerText()).toMatch(/^✔ Quorum met.*Witnessed by 1 of at least 1 required$/s);
    expect(Number((await page.locator('#checkpoint-size').innerText()).replace(/\D/g, ''))).toBeGreaterThanOrEqual(cp.size);
    expect(await witness.locator('table.cosignatures tbody tr').allInnerTexts()).toEqual([expect.stringMatching(/^NL\t/)]);
    // The admin's token reads the checkpoint, and still not the auditor's log.
    expect((await fed.get('ES', '/audit/checkpoint', 'admin')).status).toBe(200);
    expect((await fed.get('ES', '/audit/entries', 'admin')).status).toBe(403);
    await snap(page, 'ledger-push-admin-witness');
    await expectAccessible(page, 'administration with witness status');
  });
});
