import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { Page } from 'playwright-core';
import { DevTokenIssuer } from '@liaison/auth';
import { run as verifyBundle } from '../../apps/cli/src/commands/verify';
import { ConsoleBrowser, consoleUrl, expectAccessible, signInWithToken, snap } from '../support/browser';
import { noticeRequest, TestFederation } from '../support/federation';

/**
 * The product's scenario clicked through the web console in headless Chromium, against three
 * nodes on the real broker and databases: NL asks ES and CO to identify a person; ES acknowledges
 * and answers hit, CO declines; NL follows both; the NL auditor checks the log, the checkpoint
 * and downloads a bundle the offline CLI verifies. Screenshots go to test/artifacts/browser/.
 */
jest.setTimeout(240_000);

describe('web console: the exchange scenario in a real browser', () => {
  let fed: TestFederation;
  let browser: ConsoleBrowser;
  let noticeId = '';
  const tmp = mkdtempSync(join(tmpdir(), 'liaison-console-'));
  const pages: Record<string, Page> = {};

  beforeAll(async () => {
    fed = await TestFederation.create(['NL', 'ES', 'CO']);
    await Promise.all(['NL', 'ES', 'CO'].map((a) => fed.start(a)));
    browser = await ConsoleBrowser.launch();
  });
  afterAll(async () => {
    await browser?.close();
    await fed?.destroy();
    rmSync(tmp, { recursive: true, force: true });
  });
  afterEach(() => {
    // No console error, uncaught exception or CSP violation on any page.
    expect(browser.problems).toEqual([]);
  });

  const text = (page: Page, selector: string) => page.locator(selector).innerText();

  it('serves the console with a strict Content-Security-Policy and a public config', async () => {
    const index = await fetch(consoleUrl(fed.port('NL')));
    expect(index.status).toBe(200);
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const config = await (await fetch(consoleUrl(fed.port('NL'), 'config.json'))).json();
    expect(config).toMatchObject({ agency: 'NL', oidc: null, attachments: { maxAttachmentBytes: 50 * 1024 * 1024 } });
    expect((await fetch(consoleUrl(fed.port('NL'), 'js/nope.js'))).status).toBe(404);
    const redirect = await fetch(`http://127.0.0.1:${fed.port('NL')}/console`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
  });

  it('an NL operator composes and sends an urgent identity query to ES and CO', async () => {
    const page = (pages.nl = await browser.newPage('NL operator'));
    await page.goto(consoleUrl(fed.port('NL')));
    await page.getByRole('heading', { name: 'Sign in to the NL node' }).waitFor();
    await snap(page, '01-sign-in');
    await expectAccessible(page, 'sign-in');
    await signInWithToken(page, fed.port('NL'), await fed.token('NL', 'operator'));
    expect(await text(page, '#who')).toMatch(/operator\.nl@example\.test[\s\S]*NL[\s\S]*Operator/);
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Compose', 'Match check', 'Sent notices', 'Cases']);

    await page.getByRole('link', { name: 'Compose' }).click();
    await page.getByRole('heading', { name: 'Compose a notice' }).waitFor();
    await expectAccessible(page, 'compose');
    // Checked before the final confirmation: the errors appear next to their fields, in words,
    // and the "cannot be recalled" dialog does not open.
    await page.getByRole('button', { name: 'Review and send…' }).click();
    await page.locator('.error-summary').waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    const summary = await page.locator('.error-summary').innerText();
    expect(summary).toMatch(/Recipients: choose at least one[\s\S]*Person of interest: give at least a name, a photo or an identity document[\s\S]*Case reference: is required/);
    expect(summary).not.toMatch(/[a-z]+_[a-z]+|\/body/); // no internal field names
    await expectAccessible(page, 'compose with errors');
    const reasonError = page.locator('.field[data-field="/body/reason"] .field-error');
    expect(await reasonError.innerText()).toMatch(/required/);
    expect(await page.locator('fieldset[data-field="/recipients"] .field-error').innerText()).not.toBe('');
    expect(await page.getByLabel(/Reason for the request/).getAttribute('aria-invalid')).toBe('true');
    await snap(page, '02-compose-validation');

    await page.getByRole('checkbox', { name: /^ES/ }).check();
    await page.getByRole('checkbox', { name: /^CO/ }).check();
    await page.getByRole('radio', { name: 'Urgent' }).check();
    await page.getByLabel('Handling code').selectOption('H1');
    await page.getByLabel('Family name').fill('Janssen');
    await page.getByLabel('Given name').fill('Pieter');
    await page.getByLabel('Date of birth').fill('1980-04-12');
    await page.getByLabel('Nationality').fill('NL');
    await page.getByLabel('Document type').selectOption('passport');
    await page.getByLabel('Document number').fill('NX1234567');
    await page.getByLabel('Issuing country').fill('NL');
    await page.getByLabel('Case reference').fill('NL-2026-0042');
    await page.getByLabel('Legal basis').fill('EU Directive 2023/977 Art. 4');
    await page.getByLabel(/Reason for the request/).fill('Suspected document fraud at Schiphol');
    await page.getByRole('button', { name: 'Review and send…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send this notice?' });
    // The whole notice, as the recipients will receive it.
    expect(await dialog.innerText()).toMatch(/Identity query[\s\S]*ES — [\s\S]*CO — [\s\S]*Urgent[\s\S]*H1 — [\s\S]*Source B, information 2[\s\S]*Janssen[\s\S]*Pieter[\s\S]*1980-04-12[\s\S]*Passport NX1234567 \(NL\)[\s\S]*NL-2026-0042[\s\S]*Art\. 4[\s\S]*Suspected document fraud at Schiphol[\s\S]*cannot be recalled/);
    await snap(page, '03-compose-confirm');
    await expectAccessible(page, 'compose confirmation');
    await dialog.getByRole('button', { name: 'Send notice' }).click();
    const follow = page.getByRole('link', { name: 'Follow this notice' });
    await follow.waitFor();
    noticeId = ((await follow.getAttribute('href')) ?? '').replace('#/sent/', '');
    expect(noticeId).toMatch(/^[0-9a-f-]{36}$/);
    // The next notice starts from the same sensible defaults, not from empty radios.
    expect(await page.getByRole('radio', { name: 'Identity query' }).isChecked()).toBe(true);
    expect(await page.getByRole('radio', { name: 'Normal' }).isChecked()).toBe(true);
    expect(await page.getByLabel('Source reliability').inputValue()).toBe('B');
    expect(await page.getByLabel('Expires at').inputValue()).not.toBe('');
    await follow.click();
    await page.locator('section.recipient[data-agency="ES"][data-status="DELIVERED"]').waitFor();
    await page.locator('section.recipient[data-agency="CO"][data-status="DELIVERED"]').waitFor();
    await snap(page, '04-sent-delivered');
    await expectAccessible(page, 'sent notice');
  });

  it('an ES liaison officer sees it with its deadline, acknowledges and answers hit', async () => {
    const page = (pages.es = await browser.newPage('ES officer'));
    await signInWithToken(page, fed.port('ES'), await fed.token('ES', 'liaison_officer'));
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    const row = page.locator(`tr[data-id="${noticeId}"]`);
    await row.waitFor();
    expect(await row.innerText()).toMatch(/Urgent[\s\S]*\d+ h \d+ min left[\s\S]*NL[\s\S]*Identity query[\s\S]*H1[\s\S]*DELIVERED/);
    // Search narrows the list; a filter that matches nothing says so.
    await page.getByLabel('Search').fill('location');
    await page.getByText('No notice matches these filters.').waitFor();
    await page.getByLabel('Search').fill('');
    await row.waitFor();
    await snap(page, '05-inbox-es');
    await expectAccessible(page, 'inbox');

    await row.getByRole('link', { name: /Open/ }).click();
    await page.getByRole('heading', { name: 'Identity query from NL' }).waitFor();
    expect(await text(page, '#handling-panel')).toMatch(/H1[\s\S]*Not for judicial proceedings/);
    expect(await text(page, '#deadline-left')).toMatch(/left$/);
    expect(await text(page, 'dl.content')).toMatch(/Janssen[\s\S]*Pieter[\s\S]*Passport NX1234567 \(NL\)/);
    await expectAccessible(page, 'received notice');

    await page.getByRole('button', { name: 'Acknowledge…' }).click();
    await page.getByRole('dialog', { name: 'Acknowledge this notice?' }).getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByText('You acknowledged this notice.').waitFor();

    await page.getByLabel(/What you found/).fill('Known to ES: resident permit in Madrid since 2021');
    await page.getByRole('button', { name: 'Answer: hit…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Answer "hit" to NL?' });
    expect(await confirm.innerText()).toContain('resident permit in Madrid');
    await snap(page, '06-answer-confirm');
    await confirm.getByRole('button', { name: 'Send hit' }).click();
    await page.locator('#actions .success-box').waitFor();
    expect(await text(page, '#actions')).toMatch(/ANSWERED/);
    await snap(page, '07-answered-es');
    await expectAccessible(page, 'answered notice');
  });

  it('a CO officer declines with a reason', async () => {
    const page = (pages.co = await browser.newPage('CO officer'));
    await signInWithToken(page, fed.port('CO'), await fed.token('CO', 'liaison_officer'));
    await page.goto(consoleUrl(fed.port('CO'), `#/inbox/${noticeId}`));
    await page.getByRole('heading', { name: 'Identity query from NL' }).waitFor();
    // Declining without a reason is stopped next to the field.
    await page.getByRole('button', { name: 'Decline…' }).click();
    expect(await page.locator('#decline-form .field-error').innerText()).toMatch(/required/);
    await page.getByLabel('Reason for declining').fill('Outside our competence: no legal basis for this request in CO');
    // A Directive 2023/977 Art. 6 ground goes with the reason, and the confirmation names it.
    await page.getByLabel('Refusal ground (Directive (EU) 2023/977)').selectOption('not_an_offence');
    await page.getByRole('button', { name: 'Decline…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Decline the request from NL?' });
    expect(await dialog.innerText()).toMatch(/Art\. 6\(1\)\(g\)\(ii\) — not an offence here/);
    await dialog.getByRole('button', { name: 'Decline' }).click();
    await page.locator('#actions .success-box').waitFor();
    expect(await text(page, '#actions')).toMatch(/DECLINED/);
    await snap(page, '08-declined-co');
  });

  it('the NL operator sees both outcomes on the timeline without reloading', async () => {
    const page = pages.nl;
    const es = page.locator('section.recipient[data-agency="ES"][data-status="ANSWERED"]');
    const co = page.locator('section.recipient[data-agency="CO"][data-status="DECLINED"]');
    await es.waitFor({ timeout: 60000 });
    await co.waitFor({ timeout: 60000 });
    await es.locator('.answer[data-outcome="hit"]').waitFor();
    await co.locator('.answer[data-outcome="declined"]').waitFor();
    expect(await es.innerText()).toMatch(/SENT[\s\S]*DELIVERED[\s\S]*ACKNOWLEDGED[\s\S]*by ES:liaison_officer\.es@example\.test[\s\S]*ANSWERED[\s\S]*Hit[\s\S]*resident permit in Madrid/);
    expect(await co.innerText()).toMatch(/SENT[\s\S]*by operator\.nl@example\.test[\s\S]*DELIVERED[\s\S]*ACKNOWLEDGED[\s\S]*skipped[\s\S]*DECLINED[\s\S]*Declined[\s\S]*Outside our competence/);
    expect(await es.locator('li.step.done').count()).toBe(4);
    await snap(page, '09-timeline-nl');
    await expectAccessible(page, 'sent notice timeline');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sent notices' }).click();
    const row = page.locator(`tr[data-id="${noticeId}"]`);
    expect(await row.innerText()).toMatch(/CO[\s\S]*DECLINED[\s\S]*ES[\s\S]*ANSWERED/);
    await expectAccessible(page, 'sent notices');
  });

  it('an NL auditor filters the log to the message, sees every event, a verified witnessed checkpoint, and downloads a bundle the CLI verifies', async () => {
    const page = (pages.audit = await browser.newPage('NL auditor'));
    await signInWithToken(page, fed.port('NL'), await fed.token('NL', 'auditor'));
    await page.getByRole('heading', { name: 'Exchange log' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts()).toEqual(['Exchange log', 'Checkpoint & alerts', 'Match counts']);
    await page.getByRole('textbox', { name: 'Message id' }).fill(noticeId);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.locator('table.ledger tbody tr').first().waitFor();
    const events = await page.locator('table.ledger tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.event));
    expect(events).toEqual(expect.arrayContaining(['sent', 'delivered', 'acknowledged', 'answered', 'declined']));
    await snap(page, '10-audit-log-filtered');
    await expectAccessible(page, 'exchange log');

    await page.getByRole('link', { name: 'its full timeline' }).click();
    await page.getByRole('heading', { name: 'Message timeline' }).waitFor();
    await page.locator('ol.event-timeline li').first().waitFor();
    const timeline = await page.locator('ol.event-timeline li').allInnerTexts();
    const all = timeline.join('\n');
    for (const e of ['sent', 'received', 'delivered', 'acknowledged', 'answered', 'declined']) expect(all).toContain(e);
    expect(all).toMatch(/ES/);
    expect(all).toMatch(/CO/);
    await snap(page, '11-audit-message-timeline');
    await expectAccessible(page, 'message timeline');

    // Checkpoint: signed by NL, cosigned by ES and CO; the browser checks the signatures itself.
    await page.getByRole('link', { name: 'Checkpoint & alerts' }).click();
    await page.locator('section.checkpoint[data-verified="true"][data-witnessed="true"]').waitFor({ timeout: 90000 });
    expect(await text(page, '#cp-verified')).toMatch(/Verified/);
    expect(await text(page, '#cp-witnessed')).toMatch(/Witnessed by [12]/);
    expect(await text(page, '#alerts-region')).toMatch(/No alerts/);
    await snap(page, '12-audit-checkpoint');
    await expectAccessible(page, 'checkpoint and alerts');

    // The auditor sees metadata and digests only: no notice content anywhere.
    await page.getByRole('link', { name: 'Exchange log' }).click();
    await page.getByRole('textbox', { name: 'Message id' }).fill(noticeId);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.locator('table.ledger tbody tr').first().waitFor();
    await page.locator('section.checkpoint[data-verified="true"]').waitFor({ timeout: 60000 });
    // The message's last events may be newer than the last checkpoint: the console then waits for the next one.
    const downloaded = page.waitForEvent('download', { timeout: 120000 }).catch(async (e: Error) => {
      throw new Error(`${e.message}; the console said: ${await text(page, '#bundle-status')}`);
    });
    await page.getByRole('button', { name: 'Download audit bundle' }).click();
    const download = await downloaded;
    const file = join(tmp, download.suggestedFilename());
    await download.saveAs(file);
    await page.getByText(/Downloaded audit-NL-/).waitFor();
    await snap(page, '13-audit-bundle');
    const bundle = readFileSync(file, 'utf8');
    expect(bundle.split('\n')[0]).toContain('"liaison-audit-bundle"');
    expect(bundle).toContain(noticeId);
    for (const secret of ['Janssen', 'Pieter', 'Schiphol', 'Madrid', 'NX1234567']) {
      expect(bundle).not.toContain(secret);
      expect(await page.locator('body').innerText()).not.toContain(secret);
    }
    const out: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => { out.push(String(chunk)); return true; }) as typeof process.stdout.write;
    let code: number;
    try {
      code = await verifyBundle([file, '--json']);
    } finally {
      process.stdout.write = write;
    }
    writeFileSync(join(tmp, 'verify.json'), out.join(''));
    expect({ code, report: out.join('').slice(0, 2000) }).toMatchObject({ code: 0 });
  });

  it('an auditor cannot open notice content, and a liaison officer cannot reach the auditor screens', async () => {
    const audit = pages.audit;
    await audit.goto(consoleUrl(fed.port('NL'), `#/sent/${noticeId}`));
    await audit.getByRole('heading', { name: 'Not available for your role' }).waitFor();
    expect(await audit.locator('body').innerText()).not.toContain('Janssen');
    expect((await fed.get('NL', `/notices/${noticeId}`, 'auditor')).status).toBe(403);

    const es = pages.es;
    expect(await es.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts()).toEqual(['Inbox', 'Cases']);
    await es.goto(consoleUrl(fed.port('ES'), '#/audit'));
    await es.getByRole('heading', { name: 'Not available for your role' }).waitFor();
    expect(await es.locator('#forbidden').innerText()).toMatch(/for the Auditor role/);
    expect(await es.locator('table.ledger').count()).toBe(0);
    await snap(es, '14-officer-forbidden-audit');
    await expectAccessible(es, 'not for your role');
    const direct = await es.evaluate(async () => {
      const r = await fetch('/audit/entries', { headers: { authorization: `Bearer ${sessionStorage.getItem('liaison.token')}` } });
      return { status: r.status, body: await r.json() };
    });
    expect(direct.status).toBe(403);
    expect(direct.body.code).toBe('wrong_role');
  });

  it('explains H2 prominently, works from the keyboard, and labels every control', async () => {
    const sent = await fed.post('NL', '/notices', 'operator', noticeRequest(['ES'], { handling: { code: 'H2' }, priority: 'normal' }));
    expect(sent.status).toBe(201);
    const page = pages.es;
    await page.goto(consoleUrl(fed.port('ES'), '#/inbox'));
    const row = page.locator(`tr[data-id="${sent.body.id}"]`);
    await row.waitFor({ timeout: 60000 }); // appears without reloading
    // Open work first: the new normal notice above the urgent one ES already answered.
    const ids = await page.locator('table.inbox tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.id));
    expect(ids.indexOf(sent.body.id)).toBeLessThan(ids.indexOf(noticeId));
    await page.goto(consoleUrl(fed.port('ES'), `#/inbox/${sent.body.id}`));
    const panel = page.locator('#handling-panel');
    await panel.waitFor();
    expect(await panel.innerText()).toMatch(/H2[\s\S]*Do not pass on[\s\S]*You may not pass this notice on/);

    // Keyboard only: focus "Acknowledge…", open with Enter, Escape cancels (nothing sent), Enter on the confirm button sends.
    await page.getByRole('button', { name: 'Acknowledge…' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Acknowledge this notice?' });
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect((await fed.get('ES', `/inbox/${sent.body.id}`, 'liaison_officer')).body.recipients[0].status).toBe('DELIVERED');
    await page.getByRole('button', { name: 'Acknowledge…' }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText('You acknowledged this notice.').waitFor();
    // The Acknowledge button is gone: focus is on what replaced it, not at the top of the page.
    await page.waitForFunction(() => document.activeElement?.id === 'ack-status');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('answer-nohit');
    await snap(page, '16-h2-notice-keyboard');

    // Every form control on the screens used here has a label (or an accessible name).
    const unlabelled = async () => page.locator('input:not([type=hidden]), select, textarea').evaluateAll((els) =>
      els.filter((e) => !(e as HTMLInputElement).labels?.length && !e.getAttribute('aria-label')).map((e) => e.outerHTML));
    expect(await unlabelled()).toEqual([]);
    await page.goto(consoleUrl(fed.port('ES'), '#/inbox'));
    await page.locator('table.inbox').waitFor();
    expect(await unlabelled()).toEqual([]);
    await pages.nl.goto(consoleUrl(fed.port('NL'), '#/compose'));
    await pages.nl.locator('#compose-form').waitFor();
    expect(await pages.nl.locator('input:not([type=hidden]), select, textarea').evaluateAll((els) =>
      els.filter((e) => !(e as HTMLInputElement).labels?.length && !e.getAttribute('aria-label')).map((e) => e.outerHTML))).toEqual([]);
  });

  it('an expired token says so and offers to sign in again, then returns to the same screen', async () => {
    const page = await browser.newPage('ES officer (expiring)');
    // A token that the node still accepts for a few seconds (30 s clock tolerance), then refuses as expired.
    const skewed = (ms: number) => DevTokenIssuer.fromPrivateJwk(fed.material.idpIssuer, fed.material.idp.exportPrivateJwk(), { now: () => Date.now() - ms });
    const expiring = await skewed(600_000 + 10_000).mint({ subject: 'liaison_officer.es@example.test', agency: 'ES', roles: ['liaison_officer'], audience: 'liaison-es', ttlSeconds: 600 });
    await signInWithToken(page, fed.port('ES'), expiring);
    await page.locator(`tr[data-id="${noticeId}"]`).waitFor();
    // The inbox's event stream ends when the token expires; its reconnect is refused and the console says so.
    const banner = page.locator('#banner');
    await banner.getByText('Your sign-in has expired. Sign in again to continue.').waitFor({ timeout: 60000 });
    await snap(page, '15-expired');
    await expectAccessible(page, 'expired sign-in');
    await banner.getByRole('button', { name: 'Sign in again' }).click();
    await page.getByRole('textbox', { name: 'Development token' }).fill(await fed.token('ES', 'liaison_officer'));
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.locator(`tr[data-id="${noticeId}"]`).waitFor();
    expect(page.url()).toContain('#/inbox');

    // A token that expired long ago is refused at once, with the same words.
    const expired = await skewed(3 * 3600 * 1000).mint({ subject: 'liaison_officer.es@example.test', agency: 'ES', roles: ['liaison_officer'], audience: 'liaison-es', ttlSeconds: 600 });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('textbox', { name: 'Development token' }).fill(expired);
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.locator('#signin-error').waitFor();
    expect(await page.locator('#signin-error').innerText()).toMatch(/Your sign-in has expired/);
  });
});
