import { readFileSync } from 'fs';
import { join } from 'path';
import type { Page, Request } from 'playwright-core';
import { consoleSuite, consoleUrl, expectAccessible, signInWithToken, snap } from '../support/browser';

const FIXTURES = join(__dirname, 'fixtures');
const PHOTO = join(FIXTURES, 'subject-photo.png');
const NOTE = join(FIXTURES, 'case-note.pdf');

/**
 * An identity query's photo, clicked through the console in headless Chromium against two nodes
 * on the real broker and databases: the NL operator attaches a photo and a PDF with the file
 * picker (a file of a refused type is stopped in the browser), chooses the photo, sends; the ES
 * officer sees the photo previewed inline and downloads it byte-identical; NL sees both files
 * delivered to ES; the NL auditor sees their media type, digest and size, never their content.
 * The bearer token travels only in Authorization headers, never in a URL.
 */
jest.setTimeout(240_000);

describe('web console: attachments in a real browser', () => {
  const suite = consoleSuite(['NL', 'ES']);
  let noticeId = '';
  const pages: Record<string, Page> = {};
  const tokens: string[] = [];
  const requests: Request[] = [];
  const token = async (agency: string, role: 'operator' | 'liaison_officer' | 'auditor') => {
    const minted = await suite.fed.token(agency, role);
    tokens.push(minted);
    return minted;
  };
  const watch = (page: Page) => page.on('request', (r) => requests.push(r));

  it('publishes the attachment policy and lets images load only from the node and blob: URLs', async () => {
    const index = await fetch(consoleUrl(suite.fed.port('NL')));
    expect(index.headers.get('content-security-policy')).toContain("img-src 'self' data: blob:;");
    const config = await (await fetch(consoleUrl(suite.fed.port('NL'), 'config.json'))).json();
    expect(config.attachments).toMatchObject({ maxAttachmentBytes: 50 * 1024 * 1024, maxNoticeBytes: 100 * 1024 * 1024, maxAttachments: 32, extensions: { png: 'image/png', pdf: 'application/pdf' } });
    expect(config.attachments.types).toEqual(expect.arrayContaining(['image/jpeg', 'image/png', 'application/pdf', 'text/csv']));
  });

  it('an NL operator attaches a photo and a PDF with the file picker, chooses the photo and sends an identity query to ES', async () => {
    const page = (pages.nl = await suite.browser.newPage('NL operator'));
    watch(page);
    await signInWithToken(page, suite.fed.port('NL'), await token('NL', 'operator'));
    await page.getByRole('link', { name: 'Compose' }).click();
    await page.getByRole('heading', { name: 'Compose a notice' }).waitFor();
    const picker = page.getByLabel('Add files (photos, documents)');
    expect(await picker.getAttribute('accept')).toContain('image/png');

    // A type the federation does not allow is stopped before any upload.
    await picker.setInputFiles({ name: 'page.html', mimeType: 'text/html', buffer: Buffer.from('<script>alert(1)</script>') });
    const refused = page.locator('li.attachment[data-state="refused"]');
    expect(await refused.innerText()).toMatch(/page\.html[\s\S]*Not attached: files of type text\/html may not be sent in this federation/);
    await page.getByRole('button', { name: 'Remove page.html' }).click();
    expect(await refused.count()).toBe(0);

    await picker.setInputFiles([PHOTO, NOTE]);
    await page.locator('li.attachment[data-state="done"]').nth(1).waitFor();
    const rows = await page.locator('li.attachment').allInnerTexts();
    expect(rows).toEqual([expect.stringMatching(/subject-photo\.png[\s\S]*image\/png · 218 byte[\s\S]*Uploaded · SHA-256 [0-9a-f]{12}…/), expect.stringMatching(/case-note\.pdf[\s\S]*application\/pdf · 615 byte[\s\S]*Uploaded/)]);
    expect(await page.locator('li.attachment progress').count()).toBe(0); // the progress bars finished and gave way
    // Only images can be the person's photo.
    const photo = page.getByLabel('Photo of the person');
    expect(await photo.locator('option').allInnerTexts()).toEqual(['No photo', 'subject-photo.png']);
    await photo.selectOption({ label: 'subject-photo.png' });
    await snap(page, 'attach-01-compose');
    await expectAccessible(page, 'compose with attachments');

    await page.getByRole('checkbox', { name: /^ES/ }).check();
    await page.getByLabel('Case reference').fill('NL-2026-0077');
    await page.getByLabel('Legal basis').fill('EU Directive 2023/977 Art. 4');
    await page.getByLabel(/Reason for the request/).fill('Woman seen in advertisements; name unknown');
    await page.getByRole('button', { name: 'Review and send…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send this notice?' });
    expect(await dialog.innerText()).toMatch(/Attachments\s+subject-photo\.png \(218 byte\); case-note\.pdf \(615 byte\)[\s\S]*Photo\s+subject-photo\.png/);
    await dialog.getByRole('button', { name: 'Send notice' }).click();
    const follow = page.getByRole('link', { name: 'Follow this notice' });
    await follow.waitFor();
    noticeId = ((await follow.getAttribute('href')) ?? '').replace('#/sent/', '');
    expect(await page.locator('li.attachment').count()).toBe(0); // the next notice starts without files

    const sent = await suite.fed.get('NL', `/notices/${noticeId}`, 'operator');
    const attached = (await suite.fed.get('NL', `/notices/${noticeId}/attachments`, 'operator')).body as { id: string; name: string }[];
    expect(sent.body.body.photo).toEqual({ attachment: attached.find((a) => a.name === 'subject-photo.png')?.id });
    expect(sent.body.body.names).toBeUndefined();
    await follow.click();
    await page.locator('#attachments li.attachment-card').nth(1).waitFor();
  });

  it("ES's officer sees the photo previewed inline and downloads it byte-identical", async () => {
    const page = (pages.es = await suite.browser.newPage('ES officer'));
    watch(page);
    await signInWithToken(page, suite.fed.port('ES'), await token('ES', 'liaison_officer'));
    await page.goto(consoleUrl(suite.fed.port('ES'), `#/inbox/${noticeId}`));
    await page.getByRole('heading', { name: 'Identity query from NL' }).waitFor();
    // Until the files arrived whole and verified they show as arriving; the page reads again meanwhile.
    await suite.fed.waitFor(async () => ((await suite.fed.get('ES', `/inbox/${noticeId}/attachments`, 'liaison_officer')).body as { available: boolean }[]).every((a) => a.available), 'both attachments available at ES', 120_000).catch(async (e: Error) => {
      const at = async (agency: string, path: string, role: 'operator' | 'liaison_officer') => JSON.stringify((await suite.fed.get(agency, path, role)).body);
      throw new Error(`${e.message}: ES lists ${await at('ES', `/inbox/${noticeId}/attachments`, 'liaison_officer')}; NL lists ${await at('NL', `/notices/${noticeId}/attachments`, 'operator')}`);
    });
    const img = page.getByRole('img', { name: 'Image attached to the notice: subject-photo.png' });
    await img.waitFor();
    await page.waitForFunction(() => (document.querySelector('img.attach-preview') as HTMLImageElement | null)?.naturalWidth === 48);
    expect(await img.getAttribute('src')).toMatch(/^blob:http:\/\/127\.0\.0\.1:\d+\//);
    const photoCard = page.locator('li.attachment-card[data-available="true"]', { has: img });
    expect(await photoCard.innerText()).toMatch(/Photo of the person[\s\S]*image\/png[\s\S]*218 byte/);
    // The PDF is offered for download, never shown.
    const pdfCard = page.locator('li.attachment-card', { hasText: 'case-note.pdf' });
    await pdfCard.getByRole('button', { name: 'Download case-note.pdf' }).waitFor();
    expect(await pdfCard.locator('img').count()).toBe(0);
    await snap(page, 'attach-02-officer-preview');
    await expectAccessible(page, 'received notice with attachments');

    const [download] = await Promise.all([page.waitForEvent('download'), photoCard.getByRole('button', { name: 'Download subject-photo.png' }).click()]);
    expect(download.suggestedFilename()).toBe('subject-photo.png');
    expect(readFileSync((await download.path()) as string).equals(readFileSync(PHOTO))).toBe(true);
    await photoCard.getByText('Downloaded; its SHA-256 matches the signed notice.').waitFor();
  });

  it('NL sees both attachments delivered to ES, with the time', async () => {
    const page = pages.nl;
    for (const name of ['subject-photo.png', 'case-note.pdf']) {
      await page.locator('li.attachment-card', { hasText: name }).locator('li[data-agency="ES"][data-status="delivered"]').waitFor({ timeout: 60000 });
    }
    expect(await page.locator('li.attachment-card', { hasText: 'subject-photo.png' }).locator('li[data-agency="ES"]').innerText()).toMatch(/ES\s+delivered\s+\d+ \w+ \d{4}/);
    await snap(page, 'attach-03-sent-delivered');
    await expectAccessible(page, 'sent notice with attachments');
  });

  it('the NL auditor sees media type, digest and size of the attachments sent, never their content', async () => {
    const page = (pages.audit = await suite.browser.newPage('NL auditor'));
    watch(page);
    await signInWithToken(page, suite.fed.port('NL'), await token('NL', 'auditor'));
    await page.getByRole('heading', { name: 'Exchange log' }).waitFor();
    await page.getByLabel('Event').selectOption('attachment-sent');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.locator('table.ledger tbody tr[data-event="attachment-sent"]').nth(1).waitFor();
    const rows = await page.locator('table.ledger tbody tr').allInnerTexts();
    expect(rows.join('\n')).toMatch(/attachment sent\s+image\/png[\s\S]*[0-9a-f]{12}…[\s\S]*218 byte \(218 bytes\)/);
    expect(rows.join('\n')).toMatch(/attachment sent\s+application\/pdf[\s\S]*615 byte \(615 bytes\)/);
    await expectAccessible(page, 'exchange log of attachments');
    // The auditor's page fetched no attachment bytes.
    expect(requests.filter((r) => r.frame().page() === page && /^\/(?!console\/).*attachments\//.test(new URL(r.url()).pathname)).map((r) => r.url())).toEqual([]);
  });

  it('sent the bearer token only in Authorization headers, never in a URL', async () => {
    // The API's attachment routes (not the console's own attachments.js).
    const attachmentRequests = requests.filter((r) => /^\/(?!console\/).*attachments/.test(new URL(r.url()).pathname));
    expect(attachmentRequests.length).toBeGreaterThan(3);
    for (const r of requests) for (const minted of tokens) expect(r.url()).not.toContain(minted);
    const unauthenticated: string[] = [];
    for (const r of attachmentRequests) if (!/^Bearer /.test((await r.headerValue('authorization')) ?? '')) unauthenticated.push(`${r.method()} ${r.url()} ${JSON.stringify(await r.allHeaders())}`);
    expect(unauthenticated).toEqual([]);
  });
});
