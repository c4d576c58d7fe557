import type { Page } from 'playwright-core';
import { consoleSuite, consoleUrl, expectAccessible, signInWithToken, snap } from '../support/browser';

/**
 * Private hit/no-hit clicked through the console in headless Chromium against NL and ES on the real
 * broker and databases (issue 18): ES's admin imports an index on the Match index screen (pasted
 * CSV, then a JSON-lines file; a bad record is named by its line); NL's operator pastes a list of
 * document numbers in other notations, sees exactly the hits (the answer is polled: NL answers 202
 * at once), sends the follow-up from one hit in one step, and ES's officer sees it; a second check
 * over ES's rate limit shows the refusal; both auditors see the counts and no value; an operator
 * cannot reach the admin screen; the auditor's screen in Spanish.
 */
jest.setTimeout(240_000);

describe('web console: private match in a real browser', () => {
  const suite = consoleSuite(['NL', 'ES'], []);
  const pages: Record<string, Page> = {};
  const BURST = 15;
  const number = (i: number) => `X${10_000_000 + i}`;
  // Lines as the operator pastes them: hits on lines 1, 3, 7 and 10 (other notations of indexed
  // numbers); X10000021 lies just outside the index, Y99999999 was added and removed in one import.
  const pasted = ['X1000-0003', 'QZ7300001W', ' x 1000 0007, es', 'X10000021', '', 'QZ7300014W', 'X1000.0011', 'Y99999999', 'QZ7300027W', 'X10000019', 'QZ7300040W'];
  const hitLines = [1, 3, 7, 10];
  let followUpId = '';

  beforeAll(async () => {
    await suite.fed.start('ES', { LIAISON_MATCH_PARTNERS: 'NL', LIAISON_MATCH_BURST: String(BURST), LIAISON_MATCH_RATE_PER_HOUR: String(BURST), LIAISON_MATCH_PUBLISH_DELAY_MS: '300' });
    // A check waits for nothing: the console gets 202 and polls the Location.
    await suite.fed.start('NL', { LIAISON_MATCH_HOLDERS: 'ES', LIAISON_MATCH_CHECK_WAIT_MS: '0' });
  });

  it("ES's admin imports the index on the Match index screen: pasted CSV, a bad file named by its line, a good file; the screen shows size, key and partners", async () => {
    const page = (pages.esAdmin = await suite.browser.newPage('ES admin'));
    await signInWithToken(page, suite.fed.port('ES'), await suite.fed.token('ES', 'admin'));
    await page.getByRole('link', { name: 'Match index' }).click();
    await page.getByRole('heading', { name: 'Match index', level: 1 }).waitFor();
    expect(await page.locator('#match-size').innerText()).toBe('0');
    expect(await page.locator('#match-partner-list').innerText()).toBe('NL');

    const csv = ['kind,value,country,op', ...Array.from({ length: 20 }, (_, i) => `document,${number(i + 1)},ES,add`), 'document,Y99999999,ES,add', 'document,Y99999999,ES,remove'].join('\n');
    await page.getByLabel('Or paste the entries').fill(csv);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.locator('#import-done').waitFor();
    expect(await page.locator('#import-done').innerText()).toBe('Imported 22 records: 20 added, 0 removed, 2 unchanged. The index holds 20 entries.');
    await page.locator('#match-size', { hasText: '20' }).waitFor();

    // A JSON-lines file whose second record the node refuses: named by its line, next to the file field; nothing of it imported.
    const file = page.getByLabel('File', { exact: true });
    const jsonl = (records: object[]) => ({ name: 'more.jsonl', mimeType: 'application/json', buffer: Buffer.from(records.map((r) => JSON.stringify(r)).join('\n')) });
    await file.setInputFiles(jsonl([{ kind: 'phone', value: '+34 600 000 001' }, { kind: 'document', value: 'Z1', country: 'E' }]));
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const fileError = page.locator('.field[data-field="/file"] .field-error');
    await fileError.waitFor();
    expect(await fileError.innerText()).toBe('line 2: the issuing country is 2 or 3 letters (ISO 3166-1)');
    expect(await page.locator('#match-size').innerText()).toBe('20');

    await file.setInputFiles(jsonl([{ kind: 'phone', value: '+34 600 000 001' }, { kind: 'email', value: 'recruiter@jobs.example' }, { kind: 'person', value: 'Lucía Pérez', dob: '1990-01-31' }]));
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.locator('#import-done', { hasText: 'The index holds 23 entries.' }).waitFor();
    await page.locator('#match-size', { hasText: '23' }).waitFor();
    expect(await page.locator('#match-by-kind').innerText()).toBe('Document number: 20 · E-mail address: 1 · Name with date of birth: 1 · Phone number: 1');
    expect(await page.locator('#match-key-age').innerText()).toBe('0 d');
    expect(await page.locator('#match-last-import').innerText()).toMatch(/\d{4}.*\(2 imports\)/);
    // The filter of the 23 entries went to NL; the screen shows it at its next reading (every 5 s).
    await suite.fed.waitFor(async () => (await suite.fed.get('ES', '/match/index', 'admin')).body.publication?.entries === 23, 'ES to send the filter of 23 entries');
    await page.locator('#match-last-filter', { hasText: '23 entries' }).waitFor({ timeout: 15_000 });
    expect(await page.locator('#match-last-filter').innerText()).toMatch(/^23 entries, [\d,]+ bytes in 1 parts, to NL — \d/);
    await snap(page, 'match-01-admin-index');
    await expectAccessible(page, 'match index');
  });

  it('NL operator pastes a list, sees a refused line named, then exactly the hits per line once ES answers', async () => {
    await suite.fed.waitFor(async () => (await suite.fed.get('NL', '/match/holders', 'operator')).body[0]?.filter?.entries === 23, 'NL to hold the filter of 23 entries');
    const page = (pages.nl = await suite.browser.newPage('NL operator'));
    await signInWithToken(page, suite.fed.port('NL'), await suite.fed.token('NL', 'operator'));
    await page.getByRole('link', { name: 'Match check' }).click();
    await page.getByRole('heading', { name: 'Private match check' }).waitFor();
    const es = page.getByRole('checkbox', { name: 'ES — index of 23 entries' });
    expect(await es.isChecked()).toBe(true);
    await page.getByLabel('Kind of values').selectOption('document');
    await page.getByLabel(/^Issuing country/).fill('ES');

    // The node refuses a value it cannot canonicalise: the line is named next to the list, nothing is asked.
    const values = page.getByLabel('Values, one per line');
    await values.fill([...pasted, 'X1000ü'].join('\n'));
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    const valuesError = page.locator('.field[data-field="/values"] .field-error');
    await valuesError.waitFor();
    expect(await valuesError.innerText()).toBe('line 12: the document number has letters and digits only once separators are removed');
    expect(await values.getAttribute('aria-invalid')).toBe('true');
    expect((await suite.fed.get('NL', '/match/audit', 'auditor')).body.asked).toEqual([]);

    const polled: string[] = [];
    page.on('request', (r) => { if (/\/match\/checks\/[0-9a-f-]{36}$/.test(new URL(r.url()).pathname)) polled.push(r.method()); });
    await values.fill(pasted.join('\n'));
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.locator('#match-summary li[data-partner="ES"][data-status="answered"]').waitFor();
    // NL answered 202 at once (LIAISON_MATCH_CHECK_WAIT_MS=0): the console read the Location until complete.
    expect(polled.length).toBeGreaterThan(0);
    expect(new Set(polled)).toEqual(new Set(['GET']));
    expect(await page.locator('#match-summary').innerText()).toBe('ES: 4 hits of 10 values');
    expect(await page.locator('#match-status').innerText()).toBe('Every agency asked has answered.');
    const rows = await page.locator('#match-table tbody tr').evaluateAll((trs) => trs.map((tr) => [Number((tr as HTMLElement).dataset.line), (tr.querySelector('td[data-outcome]') as HTMLElement).dataset.outcome]));
    expect(rows).toEqual(pasted.flatMap((line, i) => (line.trim() ? [[i + 1, hitLines.includes(i + 1) ? 'hit' : 'no-hit']] : [])));
    expect(await page.locator('#match-table tbody tr[data-line="3"]').innerText()).toMatch(/^3\s+x 1000 0007 \(es\)\s+Hit\s+Send follow-up…$/);
    await snap(page, 'match-02-operator-hits');
    await expectAccessible(page, 'match check results');
  });

  it('NL operator sends the follow-up from one hit in one step; it refers to the match answer; ES officer sees it', async () => {
    const page = pages.nl;
    await page.getByRole('button', { name: 'Send follow-up to ES on line 3' }).click();
    const form = page.locator('#follow-up-form');
    await page.getByRole('heading', { name: 'Follow-up to ES on line 3' }).waitFor();
    expect(await form.getByLabel(/^Document number/).inputValue()).toBe('x 1000 0007');
    expect(await form.getByLabel(/^Issuing country/).inputValue()).toBe('es');
    await form.getByLabel(/^Document type/).selectOption('passport');
    await form.getByLabel('Case reference').fill('NL-2026-0099');
    await form.getByLabel('Legal basis').fill('EU Directive 2023/977 Art. 4');
    // The reason is the operator's: without it nothing is sent, and the field says so.
    await page.getByRole('button', { name: 'Send follow-up to ES', exact: true }).click();
    const reasonError = form.locator('.field[data-field="/body/reason"] .field-error');
    await reasonError.waitFor();
    expect(await reasonError.innerText()).toBe('is required');
    await expectAccessible(page, 'match follow-up form');
    await form.getByLabel('Reason for the request').fill('Hit in ES’s index: passport seen at Schiphol with a forged visa');
    await page.getByRole('button', { name: 'Send follow-up to ES', exact: true }).click();
    const follow = page.locator('#follow-sent');
    await follow.waitFor();
    expect(await page.locator('#follow-up-region').innerText()).toMatch(/^Follow-up sent to ES \(line 3\)\./);
    followUpId = ((await follow.getAttribute('href')) ?? '').replace('#/sent/', '');
    // The hit's row now links to the follow-up instead of offering another.
    expect(await page.locator('#match-table tbody tr[data-line="3"] a').getAttribute('href')).toBe(`#/sent/${followUpId}`);

    const sent = (await suite.fed.get('NL', `/notices/${followUpId}`, 'operator')).body;
    const [answer] = await suite.fed.sql<{ responseId: string }>('NL', `SELECT response_id AS "responseId" FROM match_check_partner WHERE status = 'answered'`);
    expect(sent).toMatchObject({ kind: 'identity-query', re: answer.responseId, recipients: [expect.objectContaining({ agency: 'ES' })] });
    expect(sent.body.identity_documents).toEqual([{ type: 'passport', number: 'x 1000 0007', issuing_country: 'ES' }]);

    const officer = (pages.esOfficer = await suite.browser.newPage('ES officer'));
    await signInWithToken(officer, suite.fed.port('ES'), await suite.fed.token('ES', 'liaison_officer'));
    await suite.fed.waitFor(async () => (await suite.fed.get('ES', `/inbox/${followUpId}`, 'liaison_officer')).status === 200, 'ES to receive the follow-up');
    await officer.goto(consoleUrl(suite.fed.port('ES'), `#/inbox/${followUpId}`));
    await officer.getByRole('heading', { name: 'Identity query from NL' }).waitFor();
    expect(await officer.locator('main').innerText()).toMatch(/x 1000 0007[\s\S]*Hit in ES’s index: passport seen at Schiphol/);
  });

  it("a second check over ES's rate limit shows ES's refusal", async () => {
    const page = pages.nl;
    await page.getByLabel('Values, one per line').fill(Array.from({ length: 8 }, (_, i) => `QZ74${i}000W`).join('\n'));
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.locator('#match-summary li[data-partner="ES"][data-status="refused"]').waitFor();
    expect(await page.locator('#match-summary').innerText()).toMatch(/^ES: refused — rate limit reached \(NL is over its rate of 15 evaluations an hour; retry in \d+ s\)$/);
    expect(await page.locator('#match-table td[data-outcome="refused"]').count()).toBe(8);
    expect(await page.locator('#follow-up-region').innerText()).toBe('');
  });

  it('both auditors see the counts per partner and no value', async () => {
    const expectNoValue = async (page: Page) => {
      const text = await page.locator('main').innerText();
      for (const v of ['X1000', 'x 1000', 'QZ73', 'QZ74', 'Y9999', '+34', 'recruiter', 'Lucía']) expect({ v, shown: text.includes(v) }).toEqual({ v, shown: false });
    };
    const nl = (pages.nlAudit = await suite.browser.newPage('NL auditor'));
    await signInWithToken(nl, suite.fed.port('NL'), await suite.fed.token('NL', 'auditor'));
    await nl.getByRole('link', { name: 'Match counts' }).click();
    await nl.getByRole('heading', { name: 'Private match counts' }).waitFor();
    expect(await nl.locator('#match-asked tbody tr[data-partner="ES"]').innerText()).toBe(['ES', '2', '18', '4', '1', '1', '0'].join('\t'));
    expect(await nl.locator('#match-served-empty').innerText()).toBe('None yet.');
    await expectNoValue(nl);
    await expectAccessible(nl, 'match counts (requester)');

    const es = (pages.esAudit = await suite.browser.newPage('ES auditor'));
    await signInWithToken(es, suite.fed.port('ES'), await suite.fed.token('ES', 'auditor'));
    await es.goto(consoleUrl(suite.fed.port('ES'), '#/audit/match'));
    await es.getByRole('heading', { name: 'Private match counts' }).waitFor();
    expect(await es.locator('#match-served tbody tr[data-partner="NL"]').innerText()).toBe(['NL', '1', '10', '1', '1', '0'].join('\t'));
    await expectNoValue(es);
    await snap(es, 'match-03-auditor-counts');
    await expectAccessible(es, 'match counts (holder)');
  });

  it('an operator has no Match index entry and cannot open the screen', async () => {
    const page = pages.nl;
    expect(await page.locator('#nav').getByRole('link', { name: 'Match index' }).count()).toBe(0);
    await page.goto(consoleUrl(suite.fed.port('NL'), '#/admin/match'));
    await page.getByRole('heading', { name: 'Not available for your role' }).waitFor();
    expect(await page.locator('#forbidden').innerText()).toBe('The screen “Match index” is for the Administrator role. You are signed in as Operator.');
    expect(await page.locator('#match-index').count()).toBe(0);
  });

  it('the auditor reads the counts in Spanish', async () => {
    const page = pages.nlAudit;
    await page.getByLabel('Language').selectOption('es');
    await page.getByRole('heading', { name: 'Recuentos de coincidencias privadas' }).waitFor();
    expect(await page.locator('#nav').getByRole('link', { name: 'Recuentos de coincidencias' }).getAttribute('aria-current')).toBe('page');
    expect((await page.locator('#match-asked thead').innerText()).trim()).toMatch(/^Agencia consultada\s+Comprobaciones\s+Valores comprobados\s+Coincidencias\s+Seguimientos enviados\s+Rechazos por límite de frecuencia\s+Otros rechazos$/);
    await expectAccessible(page, 'match counts in Spanish');
  });
});
