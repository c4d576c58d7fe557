import { readFileSync } from 'fs';
import { join } from 'path';
import type { Page } from 'playwright-core';
import { ConsoleBrowser, consoleUrl, expectAccessible, signInWithToken, snap } from '../support/browser';
import { noticeRequest, TestFederation } from '../support/federation';

/**
 * The joint operation clicked through the web console in headless Chromium, on the real broker
 * and three databases: NL opens a case, ES and CO join; NL composes an intelligence report with a
 * pasted list of selectors and a photo to all participants (a line the console cannot read and a
 * number the node refuses are each named by their line); the officers at ES and CO see the photo
 * previewed on the report and download it byte-identical; ES's later query carries one of NL's numbers in
 * another notation and its officer sees the correlation badge, assigns and notes; CO declines a
 * query on an Art. 6 ground; the case view shows the same timeline on all three nodes, with its
 * correlations, and ES's officer reaches it from the navigation and opens the report from its
 * timeline. Every screen passes axe-core.
 */
jest.setTimeout(300_000);

/** A 48×48 PNG: the photo NL's report carries, which the officers at ES and CO see previewed. */
const PHOTO = join(__dirname, 'fixtures', 'subject-photo.png');

const PASTED = [
  '+31 6 3000 0001',
  '+31 6 3000 0002',
  'recruiter@Model-Jobs.example',
  'https://t.me/model_jobs',
  'telegram:@Model_Jobs',
  '@Model_Jobs_NL',
];

describe('web console: a joint operation (case, report with selectors, correlation, casework, decline)', () => {
  let fed: TestFederation;
  let browser: ConsoleBrowser;
  let caseId = '';
  let reference = '';
  let reportId = '';
  let queryId = '';
  const pages: Record<string, Page> = {};

  beforeAll(async () => {
    fed = await TestFederation.create(['NL', 'ES', 'CO']);
    await Promise.all(['NL', 'ES', 'CO'].map((a) => fed.start(a)));
    browser = await ConsoleBrowser.launch();
  });
  afterAll(async () => {
    await browser?.close();
    await fed?.destroy();
  });
  afterEach(() => {
    expect(browser.problems).toEqual([]);
  });

  const signedIn = async (name: string, agency: string, role: 'operator' | 'liaison_officer') => {
    const page = (pages[name] = await browser.newPage(name));
    await page.goto(consoleUrl(fed.port(agency)));
    await signInWithToken(page, fed.port(agency), await fed.token(agency, role));
    return page;
  };

  it('NL opens a case inviting ES and CO; both accept', async () => {
    const page = await signedIn('nl', 'NL', 'operator');
    await page.getByRole('link', { name: 'Cases' }).click();
    await page.getByLabel('Title').fill('Operation Lighthouse');
    await page.getByLabel('Purpose').fill('Recruitment for trafficking facilitated online');
    await page.getByLabel('Legal basis').fill('Directive (EU) 2023/977, Art. 4');
    await page.getByLabel('Default handling code').selectOption('H2');
    await page.getByLabel('Until').fill('2026-12-04');
    await page.getByLabel('Invite agencies').fill('ES, CO');
    await page.getByRole('button', { name: 'Open the case' }).click();
    await page.getByRole('heading', { name: /^Case NL-\d{4}-0001 Operation Lighthouse/ }).waitFor();
    caseId = page.url().split('#/cases/')[1];
    reference = (await fed.get('NL', `/cases/${caseId}`, 'operator')).body.reference;

    for (const agency of ['ES', 'CO']) {
      const op = await signedIn(`${agency.toLowerCase()}-op`, agency, 'operator');
      await fed.waitFor(async () => (await fed.get(agency, `/cases/${caseId}`, 'operator')).status === 200, `${agency} to receive the invitation`);
      await op.getByRole('link', { name: 'Cases' }).click();
      await op.getByRole('link', { name: reference }).click();
      await op.getByRole('button', { name: 'Accept the invitation' }).click();
    }
    for (const agency of ['NL', 'ES', 'CO']) {
      await fed.waitFor(async () => JSON.stringify((await fed.get(agency, `/cases/${caseId}`, 'operator')).body.members) === '["CO","ES","NL"]', `${agency} to see three members`);
    }
  });

  it('NL composes a report with pasted selectors to all participants; each refusal names its line', async () => {
    const page = pages.nl;
    await page.getByRole('link', { name: 'Compose' }).click();
    await page.getByRole('radio', { name: 'Intelligence report' }).check();
    await page.getByLabel('Case (joint operation)').selectOption(caseId);
    // The case's default handling code comes with it.
    expect(await page.getByLabel('Handling code').inputValue()).toBe('H2');
    await page.getByRole('textbox', { name: 'Narrative' }).fill('Telegram groups recruit young women for sham modelling contracts abroad.');
    await page.getByLabel('Family name').fill('Janssen');
    await page.getByLabel('Given name').fill('Pieter');
    await page.getByLabel('Platform of the usernames').fill('telegram');
    // A line the console cannot place: named by its line, nothing sent.
    await page.getByLabel('Selectors', { exact: true }).fill([...PASTED.slice(0, 2), 'call me maybe', ...PASTED.slice(2)].join('\n'));
    await page.getByRole('button', { name: 'Review and send…' }).click();
    await page.locator('.error-summary').waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await page.locator('.field[data-field="/body/selectors"] .field-error').innerText()).toBe('line 3: cannot tell what kind of selector this is; choose the kind above');
    await expectAccessible(page, 'report with a line the console cannot read');

    // A number the node refuses: its refusal (/body/selectors/2/value) is shown on line 3, in words.
    await page.getByLabel('Selectors', { exact: true }).fill([...PASTED.slice(0, 2), '+31 6 1234', ...PASTED.slice(2)].join('\n'));
    await page.getByRole('button', { name: 'Review and send…' }).click();
    await page.getByRole('dialog', { name: 'Send this notice?' }).getByRole('button', { name: 'Send notice' }).click();
    await page.locator('.error-summary').waitFor();
    expect(await page.locator('.field[data-field="/body/selectors"] .field-error').innerText()).toBe('line 3: is not a valid phone number for its country');
    await snap(page, 'operation-01-report-refused');
    await expectAccessible(page, 'report refused by the node');

    await page.getByLabel('Selectors', { exact: true }).fill(PASTED.join('\n'));
    // The photo of the report's subject, attached with the file picker.
    await page.getByLabel('Add files (photos, documents)').setInputFiles(PHOTO);
    await page.locator('li.attachment[data-state="done"]').waitFor();
    await page.getByLabel('Photo of the person').selectOption({ label: 'subject-photo.png' });
    await page.getByRole('button', { name: 'Review and send…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send this notice?' });
    expect(await dialog.innerText()).toMatch(new RegExp(`Intelligence report[\\s\\S]*${reference} Operation Lighthouse[\\s\\S]*All participants of the case[\\s\\S]*Janssen[\\s\\S]*Attachments\\s+subject-photo\\.png \\(218 byte\\)[\\s\\S]*Photo\\s+subject-photo\\.png[\\s\\S]*6 selectors`));
    await expectAccessible(page, 'report confirmation');
    await dialog.getByRole('button', { name: 'Send notice' }).click();
    const follow = page.getByRole('link', { name: 'Follow this notice' });
    await follow.waitFor();
    expect(await page.locator('#compose-result').innerText()).toMatch(/To CO, ES\.[\s\S]*expects no answer/);
    reportId = ((await follow.getAttribute('href')) ?? '').replace('#/sent/', '');
    const sent = (await fed.get('NL', `/notices/${reportId}`, 'operator')).body;
    expect(sent).toMatchObject({ kind: 'intelligence-report', case: caseId });
    expect(sent.body.selectors).toEqual([
      { kind: 'phone', value: '+31 6 3000 0001' }, { kind: 'phone', value: '+31 6 3000 0002' }, { kind: 'email', value: 'recruiter@Model-Jobs.example' },
      { kind: 'url', value: 'https://t.me/model_jobs' }, { kind: 'username', value: '@Model_Jobs', platform: 'telegram' }, { kind: 'username', value: '@Model_Jobs_NL', platform: 'telegram' },
    ]);
    const attached = (await fed.get('NL', `/notices/${reportId}/attachments`, 'operator')).body as { id: string; name: string }[];
    expect(attached.map((a) => a.name)).toEqual(['subject-photo.png']);
    expect(sent.body.subjects).toEqual([expect.objectContaining({ names: { family: 'Janssen', given: 'Pieter' }, photo: { attachment: attached[0].id } })]);
  });

  it("the officers at ES and CO see the report's photo previewed and download it byte-identical", async () => {
    for (const agency of ['ES', 'CO']) {
      await fed.waitFor(async () => (await fed.get(agency, `/inbox/${reportId}/attachments`, 'liaison_officer')).body?.[0]?.available === true, `${agency} to hold the photo`, 120_000);
      const officer = await signedIn(`${agency.toLowerCase()}-photo`, agency, 'liaison_officer');
      await officer.goto(consoleUrl(fed.port(agency), `#/inbox/${reportId}`));
      const img = officer.getByRole('img', { name: 'Image attached to the notice: subject-photo.png' });
      await img.waitFor();
      await officer.waitForFunction(() => (document.querySelector('img.attach-preview') as HTMLImageElement | null)?.naturalWidth === 48);
      expect(await img.getAttribute('src')).toMatch(/^blob:http:\/\/127\.0\.0\.1:\d+\//);
      // Named as the photo of the report's subject.
      const card = officer.locator('li.attachment-card[data-available="true"]', { has: img });
      expect(await card.innerText()).toMatch(/Photo of the person[\s\S]*image\/png[\s\S]*218 byte/);
      const [download] = await Promise.all([officer.waitForEvent('download'), card.getByRole('button', { name: 'Download subject-photo.png' }).click()]);
      expect(readFileSync((await download.path()) as string).equals(readFileSync(PHOTO))).toBe(true);
      await card.getByText('Downloaded; its SHA-256 matches the signed notice.').waitFor();
      await expectAccessible(officer, `report with its photo (${agency} officer)`);
    }
  });

  it("ES's later query holds NL's number in another notation: ES's officer sees the badge, assigns and notes", async () => {
    const query = noticeRequest([], { priority: 'normal' });
    const sent = await fed.post('ES', `/cases/${caseId}/notices`, 'operator', {
      ...query, recipients: undefined, handling: undefined,
      body: { ...query.body, names: { family: 'Jansen' }, date_of_birth: undefined, case_reference: 'ES-2026-31', selectors: [{ kind: 'phone', value: '0031 (0)6-3000 0002' }] },
    });
    expect(sent.status).toBe(201);
    queryId = sent.body.id;

    // The ES operator's sent query shows the correlation with NL's report, in the case.
    const op = pages['es-op'];
    await op.goto(consoleUrl(fed.port('ES'), `#/sent/${queryId}`));
    const badge = op.locator('#correlations li.correlation');
    await badge.waitFor();
    expect(await badge.innerText()).toMatch(new RegExp(`^Match phone number also in Intelligence report from NL \\(case ${reference}\\), `));
    await expectAccessible(op, 'sent query with its correlation');

    // ES's officer opens NL's report: the same correlation (ES's own query), assigns it and notes.
    await fed.waitFor(async () => (await fed.get('ES', `/inbox/${reportId}`, 'liaison_officer')).status === 200, 'ES to receive the report');
    const officer = await signedIn('es-officer', 'ES', 'liaison_officer');
    await officer.goto(consoleUrl(fed.port('ES'), `#/inbox/${reportId}`));
    await officer.locator('#correlations li.correlation').waitFor();
    expect(await officer.locator('#correlations li.correlation').innerText()).toMatch(new RegExp(`phone number also in Identity query sent by this agency \\(case ${reference}\\)`));
    expect(await officer.locator('#report-selectors li').count()).toBe(6);
    await officer.locator('#notice-case a', { hasText: `${reference} — Operation Lighthouse` }).waitFor();
    expect(await officer.locator('#assigned-to').innerText()).toBe('Not assigned to anyone yet.');
    await officer.getByRole('button', { name: 'Assign' }).click();
    // The refusal of an empty officer is shown next to the field (wait for it: the submit handler runs after the click returns).
    await officer.locator('#assign-form .field-error:not([hidden])').waitFor();
    expect(await officer.locator('#assign-form .field-error:not([hidden])').innerText()).not.toBe('');
    await officer.getByRole('textbox', { name: 'Officer', exact: true }).fill('Inspector Ana Ruiz');
    await officer.getByRole('button', { name: 'Assign' }).click();
    await officer.locator('#assigned-to', { hasText: 'Assigned to Inspector Ana Ruiz by' }).waitFor();
    await officer.getByLabel('New note').fill('Same recruiter as in our case ES-2026-31; ask NL for the group export.');
    await officer.getByRole('button', { name: 'Add note' }).click();
    const note = officer.locator('#notes li.note');
    await note.waitFor();
    expect(await note.innerText()).toMatch(/officer\.es@example\.test[\s\S]*Same recruiter as in our case ES-2026-31/);
    await snap(officer, 'operation-02-casework');
    await expectAccessible(officer, 'report with correlation, assignment and note');
    // Acknowledged, never answered: a report has no hit or decline.
    expect(await officer.locator('#answer-hit').count()).toBe(0);
    await officer.getByRole('link', { name: 'Show the thread of this notice' }).click();
    await officer.locator(`#thread li[data-id="${reportId}"]`).waitFor();
    await expectAccessible(officer, 'thread (officer)');
  });

  it('CO declines the query on an Art. 6 ground', async () => {
    await fed.waitFor(async () => (await fed.get('CO', `/inbox/${queryId}`, 'liaison_officer')).status === 200, 'CO to receive the query');
    const officer = await signedIn('co-officer', 'CO', 'liaison_officer');
    await officer.goto(consoleUrl(fed.port('CO'), `#/inbox/${queryId}`));
    await officer.getByLabel('Reason for declining').fill('Would endanger an ongoing investigation here.');
    await officer.getByLabel('Refusal ground (Directive (EU) 2023/977)').selectOption('investigation_or_safety');
    await officer.getByRole('button', { name: 'Decline…' }).click();
    const confirm = officer.getByRole('dialog', { name: 'Decline the request from ES?' });
    expect(await confirm.innerText()).toContain('ongoing investigation or a person’s safety');
    await confirm.getByRole('button', { name: 'Decline' }).click();
    await officer.locator('#actions .success-box').waitFor();
    await fed.waitFor(async () => ((await fed.get('ES', `/notices/${queryId}`, 'operator')).body.recipients as { agency: string; status: string }[])
      .some((r) => r.agency === 'CO' && r.status === 'DECLINED'), 'ES to see the decline');
    const op = pages['es-op'];
    await op.goto(consoleUrl(fed.port('ES'), `#/sent/${queryId}`));
    await op.locator('[data-agency="CO"] p.ground').waitFor();
    expect(await op.locator('[data-agency="CO"] p.ground').innerText()).toContain('Art. 6(1)(f)(ii)');
    await expectAccessible(op, 'sent query with a decline on a ground');
  });

  it('shows the same timeline on all three nodes, and the case\'s correlations', async () => {
    const rows: string[][] = [];
    for (const name of ['nl', 'es-op', 'co-op']) {
      const page = pages[name];
      const agency = name.slice(0, 2).toUpperCase();
      await page.goto(consoleUrl(fed.port(agency), `#/cases/${caseId}`));
      await page.locator('#case-timeline tbody tr').nth(1).waitFor();
      rows.push(await page.locator('#case-timeline tbody tr').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.id ?? '')));
    }
    expect(rows[0]).toEqual([reportId, queryId]);
    expect(rows[1]).toEqual(rows[0]);
    expect(rows[2]).toEqual(rows[0]);
    const nl = pages.nl;
    await nl.locator('#case-correlations li.correlation').first().waitFor();
    expect(await nl.locator(`#case-correlations > ul > li[data-id="${reportId}"] li.correlation`).innerText()).toMatch(/phone number also in Identity query from ES/);
    await snap(nl, 'operation-03-case');
    await expectAccessible(nl, 'case view with timeline and correlations');

    // An officer reaches the case from the navigation and opens the report from its timeline.
    const officer = pages['es-officer'];
    await officer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases' }).click();
    await officer.getByRole('link', { name: reference }).click();
    await officer.locator('#case-timeline tbody tr').nth(1).waitFor();
    expect(await officer.locator('#case-timeline tbody tr').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.id ?? ''))).toEqual(rows[0]);
    await expectAccessible(officer, 'case view (officer)');
    // ES's own query is not the officer's to open; NL's report is, in the inbox.
    expect(await officer.locator(`#case-timeline tr[data-id="${queryId}"] a`, { hasText: 'Identity query' }).count()).toBe(0);
    await officer.locator(`#case-timeline tr[data-id="${reportId}"]`).getByRole('link', { name: 'Intelligence report' }).click();
    await officer.waitForURL(new RegExp(`#/inbox/${reportId}$`));
    await officer.locator('#report-selectors').waitFor();
  });
});
