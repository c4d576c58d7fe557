import type { Page } from 'playwright-core';
import { ConsoleBrowser, consoleUrl, expectAccessible, signInWithToken, snap } from '../support/browser';
import { noticeRequest, TestFederation } from '../support/federation';

/**
 * The case scenario clicked through the web console in headless Chromium, on the real broker and
 * databases: an NL operator opens a case inviting ES; an ES operator accepts it; NL shares a
 * notice with all participants and ES follows it up; both see the same timeline and the thread.
 * Every screen passes axe-core.
 */
jest.setTimeout(240_000);

describe('web console: a case (joint operation) in a real browser', () => {
  let fed: TestFederation;
  let browser: ConsoleBrowser;
  let caseId = '';
  const pages: Record<string, Page> = {};

  beforeAll(async () => {
    fed = await TestFederation.create(['NL', 'ES']);
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

  it('an NL operator opens a case inviting ES', async () => {
    const page = (pages.nl = await browser.newPage('NL operator'));
    await page.goto(consoleUrl(fed.port('NL')));
    await signInWithToken(page, fed.port('NL'), await fed.token('NL', 'operator'));
    await page.getByRole('link', { name: 'Cases' }).click();
    await page.getByRole('heading', { name: 'Cases (joint operations)' }).waitFor();
    await expectAccessible(page, 'case list');
    // Refused without a title: the error sits next to its field.
    await page.getByLabel('Until').fill('2026-12-04');
    await page.getByLabel('Purpose').fill('Trafficking facilitated online');
    await page.getByLabel('Legal basis').fill('Directive (EU) 2023/977');
    await page.getByRole('button', { name: 'Open the case' }).click();
    await page.locator('.error-summary').waitFor();
    await expectAccessible(page, 'open case with errors');
    await page.getByLabel('Title').fill('Operation Lantern');
    await page.getByLabel('Invite agencies').fill('ES');
    await page.getByRole('button', { name: 'Open the case' }).click();
    await page.getByRole('heading', { name: /^Case NL-\d{4}-0001 Operation Lantern/ }).waitFor();
    caseId = page.url().split('#/cases/')[1];
    expect(caseId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await page.locator('#case-invited').innerText()).toBe('ES');
    await snap(page, 'cases-01-opened');
    await expectAccessible(page, 'case view (owner)');
  });

  it('an ES operator sees the invitation and accepts it; both see ES as a member', async () => {
    const page = (pages.es = await browser.newPage('ES operator'));
    await page.goto(consoleUrl(fed.port('ES')));
    await signInWithToken(page, fed.port('ES'), await fed.token('ES', 'operator'));
    await fed.waitFor(async () => (await fed.get('ES', `/cases/${caseId}`, 'operator')).status === 200, 'ES to receive the invitation');
    await page.getByRole('link', { name: 'Cases' }).click();
    await page.getByRole('link', { name: /^NL-\d{4}-0001$/ }).click();
    await page.getByRole('button', { name: 'Accept the invitation' }).click();
    await fed.waitFor(async () => (await fed.get('ES', `/cases/${caseId}`, 'operator')).body.standing === 'member', 'ES to join');
    await page.reload();
    await page.getByRole('button', { name: 'Leave the case' }).waitFor();
    expect(await page.locator('#case-members').innerText()).toBe('ES, NL');
    await expectAccessible(page, 'case view (member)');
  });

  it('shows the same timeline on both nodes, and the thread of a notice', async () => {
    const shared = await fed.post('NL', `/cases/${caseId}/notices`, 'operator', { ...noticeRequest([]), recipients: undefined });
    expect(shared.status).toBe(201);
    await fed.waitFor(async () => (await fed.get('ES', `/cases/${caseId}`, 'operator')).body.timeline.length === 1, 'ES to receive the notice');
    const reply = await fed.post('ES', `/cases/${caseId}/notices`, 'operator', { ...noticeRequest([]), recipients: undefined, re: shared.body.id });
    expect(reply.status).toBe(201);
    await fed.waitFor(async () => (await fed.get('NL', `/cases/${caseId}`, 'operator')).body.timeline.length === 2, 'NL to receive the follow-up');
    const rows: string[][] = [];
    for (const agency of ['nl', 'es']) {
      const page = pages[agency];
      await page.reload();
      await page.locator('#case-timeline tbody tr').nth(1).waitFor();
      rows.push(await page.locator('#case-timeline tbody tr').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.id ?? '')));
    }
    expect(rows[0]).toEqual([shared.body.id, reply.body.id]);
    expect(rows[1]).toEqual(rows[0]);
    const nl = pages.nl;
    await expectAccessible(nl, 'case timeline');
    await nl.locator(`#case-timeline tr[data-id="${reply.body.id}"]`).getByRole('link', { name: 'Thread' }).click();
    await nl.getByRole('heading', { name: 'Thread of a notice' }).waitFor();
    expect(await nl.locator('#thread li').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.id))).toEqual([shared.body.id, reply.body.id]);
    await snap(nl, 'cases-02-thread');
    await expectAccessible(nl, 'thread');
  });
});
