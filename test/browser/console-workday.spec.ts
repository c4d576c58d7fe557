import { readFileSync } from 'fs';
import { join } from 'path';
import type { Page } from 'playwright-core';
import { HEADER_DIGEST, HEADER_MESSAGE_ID, HEADER_RECIPIENT, HEADER_SENDER } from '@liaison/envelope';
import { uuidv7 } from '@liaison/ids';
import { ARTIFACTS, ConsoleBrowser, consoleUrl, expectAccessible, signInWithToken, snap } from '../support/browser';
import { noticeRequest, TestFederation } from '../support/federation';
import { HostileKit, sha256 } from '../support/hostile-kafka';

/**
 * A working day in the console beyond the happy path, in headless Chromium against real nodes:
 * pushed updates and notifications, open work first, pass-on and its H2 refusal, printing with
 * the handling marking, the auditor's full ids, counts and CSV, the administrator's view, the
 * Spanish console, and keyboard-only use at 200 % zoom. Every view is checked with axe-core.
 */
jest.setTimeout(240_000);

describe('web console: a working day in a real browser', () => {
  let fed: TestFederation;
  let browser: ConsoleBrowser;
  let officer: Page;
  let urgentId = '';
  let h2Id = '';
  let answeredId = '';

  beforeAll(async () => {
    fed = await TestFederation.create(['NL', 'ES', 'CO']);
    // One-hour reply deadlines for urgent notices: "deadline approaching" is due at once.
    await Promise.all(['NL', 'ES', 'CO'].map((a) => fed.start(a, { LIAISON_DEADLINE_URGENT_HOURS: '1' })));
    browser = await ConsoleBrowser.launch();
    await browser.context.grantPermissions(['notifications', 'clipboard-read', 'clipboard-write'], { origin: `http://127.0.0.1:${fed.port('ES')}` });
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `http://127.0.0.1:${fed.port('NL')}` });
  });
  afterAll(async () => {
    await browser?.close();
    await fed?.destroy();
  });
  afterEach(() => {
    expect(browser.problems).toEqual([]);
  });

  const send = async (overrides: Record<string, unknown>) => {
    const r = await fed.post('NL', '/notices', 'operator', noticeRequest(['ES'], overrides));
    expect(r.status).toBe(201);
    return r.body.id as string;
  };
  const row = (page: Page, id: string) => page.locator(`tr[data-id="${id}"]`);
  /** Elements that stick out of the page sideways (what sits in a scrolling region does not count). */
  const sticksOut = (page: Page) => page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    return Array.from(document.body.querySelectorAll('*'))
      .filter((el) => !el.parentElement?.closest('.table-scroll') && el.getBoundingClientRect().right > width + 1)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : ''} ${Math.round(el.getBoundingClientRect().right)}`)
      .concat(document.documentElement.scrollWidth > width ? [`page ${document.documentElement.scrollWidth} > ${width}`] : []);
  });

  it('the event stream needs a bearer token, and never takes one in the URL', async () => {
    const url = `http://127.0.0.1:${fed.port('ES')}/console/api/events`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(`${url}?access_token=${await fed.token('ES', 'liaison_officer')}`)).status).toBe(401);
    // Which events each role gets (auditors and admins: the ledger's): console-ledger-push.spec.ts.
    const controller = new AbortController();
    const response = await fetch(url, { headers: { authorization: `Bearer ${await fed.token('ES', 'liaison_officer')}` }, signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    let text = '';
    while (!/\n\n/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toMatch(/^event: inbox$/m); // the current state at once: the console then reads the list
    controller.abort();
  });

  it('an officer gets new notices pushed without polling, with a browser notification for urgent ones and near deadlines', async () => {
    officer = await browser.newPage('ES officer');
    // Records what the console asks the browser to show (headless Chromium displays nothing).
    await officer.addInitScript(() => {
      const shown: string[] = [];
      (window as unknown as { shown: string[] }).shown = shown;
      const Real = window.Notification;
      function Recording(title: string, options?: NotificationOptions) {
        shown.push(`${title} | ${options?.body ?? ''}`);
        return new Real(title, options);
      }
      Object.defineProperty(Recording, 'permission', { get: () => Real.permission });
      Object.defineProperty(Recording, 'requestPermission', { value: () => Real.requestPermission() });
      Object.defineProperty(window, 'Notification', { value: Recording });
    });
    await signInWithToken(officer, fed.port('ES'), await fed.token('ES', 'liaison_officer'));
    await officer.getByRole('heading', { name: 'Inbox' }).waitFor();
    await officer.getByText('Notifications are on for new urgent notices and approaching deadlines.').waitFor();
    await expectAccessible(officer, 'empty inbox');
    await new Promise((r) => setTimeout(r, 2000)); // the reads that follow sign-in are done

    const inboxRequests: string[] = [];
    officer.on('request', (r) => { if (new URL(r.url()).pathname === '/inbox') inboxRequests.push(r.url()); });
    await new Promise((r) => setTimeout(r, 8000)); // nothing changes: nothing is asked for
    expect(inboxRequests).toEqual([]);

    urgentId = await send({ priority: 'urgent', handling: { code: 'H1' } });
    await row(officer, urgentId).waitFor({ timeout: 30000 });
    expect(inboxRequests.length).toBeGreaterThan(0); // read because the node pushed a change
    await officer.waitForFunction(() => (window as unknown as { shown: string[] }).shown.length >= 2, undefined, { timeout: 30000 });
    const shown = await officer.evaluate(() => (window as unknown as { shown: string[] }).shown);
    expect(shown).toEqual(expect.arrayContaining([
      'Urgent Identity query from NL | A new urgent notice is waiting in the inbox.',
      expect.stringMatching(/^Deadline soon: Identity query from NL \| (\d+ min|1 h 0 min) left$/),
    ]));
    expect(shown.join('\n')).not.toMatch(/Janssen|Schiphol/); // no notice content in notifications
  });

  it('the inbox lists open work first, each row with its own link name', async () => {
    answeredId = await send({ priority: 'urgent', handling: { code: 'H0' } });
    await fed.waitFor(async () => (await fed.get('ES', `/inbox/${answeredId}`, 'liaison_officer')).status === 200, 'the notice at ES');
    expect((await fed.post('ES', `/inbox/${answeredId}/answer`, 'liaison_officer', { outcome: 'no-hit' })).status).toBe(200);
    h2Id = await send({ priority: 'normal', handling: { code: 'H2' } });
    await row(officer, h2Id).waitFor({ timeout: 30000 });
    await officer.locator(`tr[data-id="${answeredId}"][data-status="ANSWERED"]`).waitFor({ timeout: 30000 });
    const ids = await officer.locator('table.inbox tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.id));
    // The node orders urgent first; the answered urgent notice still goes below the open normal one.
    expect(ids).toEqual([urgentId, h2Id, answeredId]);
    const names = await officer.locator('table.inbox tbody a').evaluateAll((links) => links.map((a) => a.getAttribute('aria-label')));
    expect(new Set(names).size).toBe(names.length);
    expect(names[0]).toMatch(/^Open Urgent Identity query from NL.*, issued \d{1,2} \w{3} \d{4}, \d{2}:\d{2}:\d{2} UTC/);
    await expectAccessible(officer, 'inbox with open and done work');
  });

  it('keyboard only: the first Tab reaches the skip link, focus stays on the work after Acknowledge', async () => {
    await officer.goto(consoleUrl(fed.port('ES'), `#/inbox/${urgentId}`));
    await officer.reload();
    await officer.locator('#handling-panel').waitFor();
    await officer.keyboard.press('Tab');
    expect(await officer.evaluate(() => document.activeElement?.className)).toBe('skip-link');
    expect(await officer.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await officer.keyboard.press('Enter');
    expect(await officer.evaluate(() => document.activeElement?.id)).toBe('main');
    for (let i = 0; i < 40 && (await officer.evaluate(() => document.activeElement?.id)) !== 'acknowledge'; i++) await officer.keyboard.press('Tab');
    expect(await officer.evaluate(() => document.activeElement?.id)).toBe('acknowledge');
    await officer.keyboard.press('Enter');
    await officer.getByRole('dialog', { name: 'Acknowledge this notice?' }).waitFor();
    await officer.keyboard.press('Tab');
    await officer.keyboard.press('Enter');
    await officer.waitForFunction(() => document.activeElement?.id === 'ack-status');
    expect(await officer.evaluate(() => document.activeElement?.textContent)).toMatch(/You acknowledged this notice/);
    await expectAccessible(officer, 'acknowledged notice');
  });

  it('prints the notice with its handling marking and without the navigation', async () => {
    await officer.emulateMedia({ media: 'print' });
    try {
      const marking = officer.locator('.print-marking');
      expect(await marking.isVisible()).toBe(true);
      expect(await marking.innerText()).toMatch(new RegExp(`^H1 — Not for judicial proceedings · Identity query · NL → ES · ${urgentId}$`));
      // position: fixed repeats the marking at the top of every printed page.
      expect(await marking.evaluate((el) => getComputedStyle(el).position)).toBe('fixed');
      expect(await officer.locator('header.topbar').isVisible()).toBe(false);
      expect(await officer.locator('#actions').isVisible()).toBe(false);
      expect(await officer.locator('#handling-panel').isVisible()).toBe(true);
      await officer.screenshot({ path: join(ARTIFACTS, 'workday-01-print.png'), fullPage: true });
    } finally {
      await officer.emulateMedia({ media: 'screen' });
    }
    expect(await officer.locator('.print-marking').isVisible()).toBe(false);
  });

  it('an officer passes an H1 notice on to CO; an H2 notice offers no pass-on and the node refuses it with 403', async () => {
    await officer.getByRole('checkbox', { name: /^CO/ }).check();
    await officer.getByRole('button', { name: 'Pass on…' }).click();
    const dialog = officer.getByRole('dialog', { name: 'Pass this notice on to CO?' });
    expect(await dialog.innerText()).toMatch(/same handling code \(H1\)/);
    await expectAccessible(officer, 'pass-on confirmation');
    await dialog.getByRole('button', { name: 'Pass on' }).click();
    const done = officer.locator('#pass-on-result .success-box');
    await done.waitFor();
    const passedId = (await done.locator('code').innerText()).trim();
    await fed.waitFor(async () => (await fed.get('CO', `/inbox/${passedId}`, 'liaison_officer')).status === 200, 'the passed-on notice at CO');
    expect((await fed.get('CO', `/inbox/${passedId}`, 'liaison_officer')).body).toMatchObject({ sender: 'ES', re: urgentId, handling: { code: 'H1' } });

    await officer.goto(consoleUrl(fed.port('ES'), `#/inbox/${h2Id}`));
    await officer.locator('#pass-on-h2').waitFor();
    expect(await officer.locator('#pass-on-form').count()).toBe(0);
    const refused = await fed.post('ES', `/inbox/${h2Id}/pass-on`, 'liaison_officer', { recipients: ['CO'] });
    expect(refused.status).toBe(403);
    await expectAccessible(officer, 'H2 notice');
  });

  it('at 640 px (200 % zoom) tables scroll in their own region, reachable and scrollable by keyboard', async () => {
    await officer.setViewportSize({ width: 640, height: 800 });
    try {
      await officer.goto(consoleUrl(fed.port('ES'), '#/inbox'));
      await row(officer, urgentId).waitFor();
      await officer.waitForFunction(() => document.activeElement?.id === 'main');
      expect(await sticksOut(officer)).toEqual([]);
      const region = officer.getByRole('region', { name: 'Received notices (scrolls sideways)' });
      expect(await region.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
      for (let i = 0; i < 40 && !(await region.evaluate((el) => el === document.activeElement)); i++) await officer.keyboard.press('Tab');
      expect(await region.evaluate((el) => el === document.activeElement)).toBe(true);
      await officer.keyboard.press('ArrowRight');
      await officer.keyboard.press('ArrowRight');
      await officer.waitForFunction(() => (document.activeElement as HTMLElement).scrollLeft > 0);
      await snap(officer, 'workday-02-inbox-640');
      await expectAccessible(officer, 'inbox at 640 px');
    } finally {
      await officer.setViewportSize({ width: 1366, height: 860 });
    }
  });

  it('an auditor sees full ids with a copy button, the total count, every actor, and exports the filtered log as CSV', async () => {
    const page = await browser.newPage('ES auditor');
    await page.setViewportSize({ width: 640, height: 800 });
    await signInWithToken(page, fed.port('ES'), await fed.token('ES', 'auditor'));
    await page.getByRole('heading', { name: 'Exchange log' }).waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'main'); // a new screen puts focus on its content
    // Keyboard: the date picker keeps a visible focus ring.
    for (let i = 0; i < 40 && (await page.evaluate(() => document.activeElement?.id)) !== 'audit-since'; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('audit-since');
    expect(await page.evaluate(() => { const s = getComputedStyle(document.activeElement!); return `${s.outlineStyle} ${s.outlineWidth}`; })).toBe('solid 3px');
    await page.keyboard.press('Tab'); // into the next part of the date and time
    expect(await page.evaluate(() => { const s = getComputedStyle(document.activeElement!); return `${s.outlineStyle} ${s.outlineWidth}`; })).toBe('solid 3px');

    await page.getByRole('textbox', { name: 'Message id' }).fill(answeredId);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.locator('table.ledger tbody tr[data-event="answered"]').waitFor();
    expect(await sticksOut(page)).toEqual([]);
    const answered = page.locator('table.ledger tbody tr[data-event="answered"]');
    expect(await answered.innerText()).toContain(answeredId); // the whole id, not 8 characters
    expect(await answered.locator('td.actor').innerText()).toMatch(/liaison_officer\.es@example\.test$/);
    const total = await page.locator('#log-total').innerText();
    const count = Number(/^Total: (\d+) entries$/.exec(total)?.[1]);
    const shownRows = await page.locator('table.ledger tbody tr').count();
    expect(count).toBe(shownRows);
    await answered.getByRole('button', { name: `Copy message id ${answeredId}` }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(answeredId);
    await snap(page, 'workday-03-audit-640');
    await expectAccessible(page, 'exchange log at 640 px');

    const downloaded = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const csv = readFileSync((await (await downloaded).path())!, 'utf8').trimEnd().split('\r\n');
    expect(csv[0]).toBe('seq,time,event,kind,counterpart,messageId,re,digest,actor,reason');
    expect(csv.length - 1).toBe(count);
    expect(csv.find((l) => l.includes(',answered,'))).toContain(`,${answeredId},`);
    expect(csv.find((l) => l.includes(',answered,'))).toMatch(/,(ES:)?liaison_officer\.es@example\.test,/);
    expect(csv.join('\n')).not.toMatch(/Janssen|Schiphol/);
    await page.getByText(/^Downloaded ledger-ES-.*\.csv with \d+ entries\.$/).waitFor();

    await page.goto(consoleUrl(fed.port('ES'), `#/audit/message/${answeredId}`));
    await page.locator('ol.event-timeline li').first().waitFor();
    expect(await sticksOut(page)).toEqual([]);
    expect(await page.locator('ol.event-timeline li[data-event="answered"]').innerText()).toMatch(/by liaison_officer\.es@example\.test/);
    await expectAccessible(page, 'message timeline at 640 px');
    await page.goto(consoleUrl(fed.port('ES'), '#/audit/checkpoint'));
    await page.locator('#checkpoint-region section').waitFor();
    expect(await sticksOut(page)).toEqual([]);
    await expectAccessible(page, 'checkpoint at 640 px');
  });

  it('an administrator sees node health and queues, the directory with its age, and rejected messages with their reasons', async () => {
    const kit = await HostileKit.create(fed);
    try {
      const value = Buffer.from('not an envelope');
      const jti = uuidv7();
      await kit.write('CO', fed.topics.inbox('ES'), [{ key: jti, value, headers: { [HEADER_MESSAGE_ID]: jti, [HEADER_SENDER]: 'CO', [HEADER_RECIPIENT]: 'ES', [HEADER_DIGEST]: sha256(value) } }]);
      await fed.waitFor(async () => (await fed.get('ES', '/rejected', 'admin')).body.length > 0, 'ES to reject the message');
      const page = await browser.newPage('ES admin');
      await signInWithToken(page, fed.port('ES'), await fed.token('ES', 'admin'));
      await page.getByRole('heading', { name: 'Node administration' }).waitFor();
      await page.locator('#health[data-ready="true"]').waitFor();
      expect(await page.locator('#health').innerText()).toMatch(/Ready[\s\S]*Database[\s\S]*up[\s\S]*Kafka broker[\s\S]*up/);
      const directory = await page.locator('#directory').innerText();
      expect(directory).toMatch(/Agencies\s+3\n/);
      for (const agency of ['NL\tPolitie Nederland', 'ES\tPolicía Nacional', 'CO\tPolicía Nacional de Colombia']) expect(directory).toContain(agency);
      expect(await page.locator('#directory-age').innerText()).toMatch(/^\d+ (min|h \d+ min) old$/);
      const rejected = page.locator('table.rejected tbody tr').first();
      await rejected.waitFor();
      expect(await rejected.innerText()).toMatch(new RegExp(`CO[\\s\\S]*${jti}`));
      const code = await rejected.getAttribute('data-code');
      expect(code).toMatch(/^[a-z][a-z0-9_-]*$/);
      await page.locator('#refused-by-code', { hasText: `${code}: 1` }).waitFor();
      expect(await page.locator('#outbox-backlog').innerText()).toMatch(/^\d+$/);
      expect(await page.locator('#consumer-lag').innerText()).toMatch(/^\d+$/);
      await snap(page, 'workday-04-admin');
      await expectAccessible(page, 'administration');
    } finally {
      await kit.close();
    }
  });

  it('a notice the node refuses names its fields in words, in the chosen language, and nothing is sent', async () => {
    const page = await browser.newPage('NL operator');
    await signInWithToken(page, fed.port('NL'), await fed.token('NL', 'operator'));
    await page.getByLabel('Language').selectOption('es');
    await page.getByRole('heading', { name: 'Redactar un aviso' }).waitFor();
    const before = (await fed.get('NL', '/notices', 'operator')).body.length;
    await page.getByRole('checkbox', { name: /^ES/ }).check();
    await page.getByLabel('Apellidos').fill('Janssen');
    await page.getByLabel('Fecha de nacimiento').fill('12/04/1980'); // not a date the node accepts
    await page.getByLabel('Referencia del caso').fill('NL-2026-0077');
    await page.getByLabel('Base jurídica').fill('Directiva (UE) 2023/977, art. 4');
    await page.getByLabel(/Motivo de la solicitud/).fill('Comprobación de identidad');
    await page.getByRole('button', { name: 'Revisar y enviar…' }).click();
    await page.getByRole('dialog', { name: '¿Enviar este aviso?' }).getByRole('button', { name: 'Enviar aviso' }).click();
    const error = page.locator('.field[data-field="/body/date_of_birth"] .field-error');
    await error.waitFor();
    expect(await error.innerText()).toBe('debe ser una fecha escrita AAAA, AAAA-MM o AAAA-MM-DD');
    expect(await page.locator('.error-summary').innerText()).toMatch(/^El aviso no se envió\. Corrija lo siguiente:\s+Fecha de nacimiento: debe ser una fecha escrita/);
    expect(await page.getByLabel('Fecha de nacimiento').getAttribute('aria-invalid')).toBe('true');
    expect((await fed.get('NL', '/notices', 'operator')).body.length).toBe(before);
    await expectAccessible(page, 'aviso rechazado');
  });

  it('the Spanish console: chosen once, remembered, with dates and numbers in the Spanish locale', async () => {
    await officer.goto(consoleUrl(fed.port('ES'), '#/inbox'));
    await row(officer, urgentId).waitFor();
    await officer.getByLabel('Language').selectOption('es');
    await officer.getByRole('heading', { name: 'Bandeja de entrada' }).waitFor();
    await officer.reload(); // remembered
    await officer.getByRole('heading', { name: 'Bandeja de entrada' }).waitFor();
    expect(await officer.evaluate(() => document.documentElement.lang)).toBe('es');
    expect(await officer.getByRole('navigation', { name: 'Principal' }).getByRole('link').allInnerTexts()).toEqual(['Bandeja de entrada', 'Casos']);
    const r = row(officer, urgentId);
    await r.waitFor();
    expect(await r.innerText()).toMatch(/Urgente[\s\S]*Consulta de identidad[\s\S]*ACEPTADO/);
    const { shown, expected } = await r.locator('time').first().evaluate((el) => ({
      shown: el.textContent,
      expected: new Intl.DateTimeFormat('es', { dateStyle: 'medium', timeStyle: 'long' }).format(new Date(el.getAttribute('datetime')!)),
    }));
    expect(shown).toBe(expected);
    expect(shown).toMatch(/UTC$/);
    expect(await r.getByRole('link').getAttribute('aria-label')).toMatch(/^Abrir Consulta de identidad \(Urgente\) de NL( — [^,]+)?, emitida el /);
    await snap(officer, 'workday-05-inbox-es');
    await expectAccessible(officer, 'bandeja de entrada');

    await officer.goto(consoleUrl(fed.port('ES'), `#/inbox/${h2Id}`));
    await officer.getByRole('heading', { name: 'Consulta de identidad de NL' }).waitFor();
    expect(await officer.locator('#handling-panel').innerText()).toMatch(/H2[\s\S]*No transmitir[\s\S]*No puede transmitir este aviso/);
    await officer.getByRole('button', { name: 'Denegar…' }).click();
    expect(await officer.locator('#decline-form .field-error').innerText()).toMatch(/es obligatorio/);
    await expectAccessible(officer, 'aviso recibido');

    await officer.getByLabel('Idioma').selectOption('en');
    await officer.getByRole('heading', { name: 'Identity query from NL' }).waitFor();
  });
});
