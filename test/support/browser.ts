import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { TestFederation } from './federation';

/** Debian's chromium (apt-get install -y chromium): the browser cannot be downloaded here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(__dirname, '..', 'artifacts', 'browser');

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Headless Chromium with a fresh profile. Each person in a test gets their own page; nodes of
 * different agencies are different origins (ports), so their sessions never mix.
 */
export class ConsoleBrowser {
  /** Console errors, uncaught exceptions and CSP violations seen on any page. */
  readonly problems: string[] = [];

  private constructor(
    readonly context: BrowserContext,
    private readonly profile: string,
  ) {}

  static async launch(options: { locale?: string } = {}): Promise<ConsoleBrowser> {
    const profile = mkdtempSync(join(tmpdir(), 'liaison-chromium-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1366, height: 860 },
      acceptDownloads: true,
      locale: options.locale ?? 'en-GB',
      timezoneId: 'UTC',
    });
    context.setDefaultTimeout(45000); // generous: CI runs other integration suites on the same broker at the same time
    return new ConsoleBrowser(context, profile);
  }

  async newPage(label: string): Promise<Page> {
    const page = await this.context.newPage();
    page.on('console', (m) => {
      // Only the console's own pages count (an identity provider's login page is not ours);
      // 4xx answers are part of the tested behaviour (expired token, wrong role).
      if (!page.url().includes('/console/')) return;
      if (m.type() === 'error' && !/status of 40[0-9]/.test(m.text())) this.problems.push(`${label} console: ${m.text()}`);
    });
    page.on('pageerror', (e) => this.problems.push(`${label} page error: ${e.message}`));
    return page;
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
    rmSync(this.profile, { recursive: true, force: true });
  }
}

/** Saves a full-page screenshot under test/artifacts/browser/ (git-ignored). */
export async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

export const consoleUrl = (port: number, hash = '') => `http://127.0.0.1:${port}/console/${hash}`;

/** Signs in on the console's page with a development token, as a person pastes it. */
export async function signInWithToken(page: Page, port: number, token: string): Promise<void> {
  await page.goto(consoleUrl(port, '#/signin'));
  await page.getByRole('textbox', { name: 'Development token' }).fill(token);
  await page.getByRole('button', { name: 'Sign in with token' }).click();
  await page.locator('#who .who-subject').waitFor();
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
/** The WCAG 2.1 A and AA rules (EN 301 549 asks for AA). */
const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe-core on the page as it is now and fails on any WCAG 2.1 A/AA violation, naming the
 * view, the rule and the elements. (CDP evaluation is not subject to the console's CSP.)
 */
export async function expectAccessible(page: Page, view: string): Promise<void> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  }, WCAG_AA);
  expect({ view, violations }).toEqual({ view, violations: [] });
}

/**
 * A browser test file's federation (these agencies, `started` of them running) and one browser,
 * set up before its tests and torn down after; each test must end with no console error,
 * uncaught exception or CSP violation on any page. Read `fed` and `browser` inside the tests.
 */
export function consoleSuite(agencies: string[], started = agencies): { fed: TestFederation; browser: ConsoleBrowser } {
  const suite = {} as { fed: TestFederation; browser: ConsoleBrowser };
  beforeAll(async () => {
    suite.fed = await TestFederation.create(agencies);
    await Promise.all(started.map((a) => suite.fed.start(a)));
    suite.browser = await ConsoleBrowser.launch();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.fed?.destroy();
  });
  afterEach(() => {
    expect(suite.browser.problems).toEqual([]);
  });
  return suite;
}
