import { startNode } from '../../apps/node/src/bootstrap';
import { loadNodeConfig } from '../../apps/node/src/config/node-config';
import { ConsoleBrowser, consoleUrl, snap } from '../support/browser';
import { freePort, TestFederation } from '../support/federation';
import { LocalOidcProvider } from '../support/oidc-provider';

/**
 * Sign-in through a real OpenID Provider (`oidc-provider`) with the authorization-code flow and
 * PKCE, in headless Chromium: the node trusts only that provider (AUTH_ISSUER + AUTH_JWKS_URL),
 * the console learns issuer and client id from /console/config.json.
 */
jest.setTimeout(120_000);


describe('web console: OIDC sign-in (authorization code + PKCE) against a real OpenID Provider', () => {
  let fed: TestFederation;
  let op: LocalOidcProvider;
  let browser: ConsoleBrowser;
  const clientId = 'liaison-console-nl';

  beforeAll(async () => {
    fed = await TestFederation.create(['NL']);
    const port = fed.port('NL');
    op = await LocalOidcProvider.start({
      port: await freePort(),
      clientId,
      redirectUris: [consoleUrl(port)],
      resource: 'urn:liaison:node:nl',
      audience: 'liaison-nl',
      accounts: {
        'auditor.nl': { agency: 'NL', roles: ['auditor'] },
        'officer.es': { agency: 'ES', roles: ['liaison_officer'] },
      },
    });
    const oidc = { AUTH_OIDC_ISSUER_URL: op.issuer, AUTH_OIDC_CLIENT_ID: clientId };
    Object.assign(process.env, oidc); // read by ConsoleModule when NodeConfig does not carry it
    // Not fed.start(): that waits with a development token, which this node no longer accepts.
    const env = fed.env('NL', { AUTH_ISSUER: op.issuer, AUTH_JWKS: '', AUTH_JWKS_URL: op.jwksUri, ...oidc });
    fed.nodes.set('NL', { node: await startNode(loadNodeConfig(env), { logLevels: ['error', 'warn'] }), port, env }); // destroy() stops it
    await fed.waitFor(async () => (await fetch(`http://127.0.0.1:${port}/directory.jws`)).text().then((t) => t.length > 0), 'NL to load the directory');
    browser = await ConsoleBrowser.launch();
  });
  afterAll(async () => {
    await browser?.close();
    await fed?.destroy();
    await op?.stop();
    delete process.env.AUTH_OIDC_ISSUER_URL;
    delete process.env.AUTH_OIDC_CLIENT_ID;
  });

  it('publishes the provider in config.json and allows it in the CSP', async () => {
    const response = await fetch(consoleUrl(fed.port('NL'), 'config.json'));
    expect(await response.json()).toMatchObject({ agency: 'NL', oidc: { issuer: op.issuer, clientId } });
    const index = await fetch(consoleUrl(fed.port('NL')));
    expect(index.headers.get('content-security-policy')).toContain(`connect-src 'self' ${op.issuer}`);
  });

  it('signs an auditor in with the agency provider and shows who, agency and role', async () => {
    const page = await browser.newPage('NL auditor (OIDC)');
    await page.goto(consoleUrl(fed.port('NL')));
    const button = page.getByRole('button', { name: 'Sign in with your agency account' });
    await button.waitFor();
    await snap(page, '20-oidc-sign-in');
    await button.click();
    // The provider's own login page (another origin).
    await page.waitForURL((url) => url.origin === op.issuer);
    await page.locator('input[name="login"]').fill('auditor.nl');
    await page.locator('input[name="password"]').fill('any');
    await snap(page, '21-oidc-provider-login');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    // Back on the console: code exchanged for a JWT access token with PKCE, principal from /me.
    await page.waitForURL((url) => url.origin === new URL(consoleUrl(fed.port('NL'))).origin);
    await page.locator('#who .who-subject').waitFor();
    expect(await page.locator('#who').innerText()).toMatch(/auditor\.nl[\s\S]*NL[\s\S]*Auditor/);
    await page.getByRole('heading', { name: 'Exchange log' }).waitFor();
    expect(page.url()).not.toContain('code=');
    const method = await page.evaluate(() => sessionStorage.getItem('liaison.method'));
    expect(method).toBe('oidc');
    await snap(page, '22-oidc-signed-in');
    // Dev tokens are not trusted by this node.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('textbox', { name: 'Development token' }).fill(await fed.token('NL', 'auditor'));
    await page.getByRole('button', { name: 'Sign in with token' }).click();
    await page.locator('#signin-error').waitFor();
    expect(await page.locator('#signin-error').innerText()).toMatch(/identity provider this node does not trust|signature does not verify/);
    await snap(page, '23-oidc-node-refuses-dev-token');
    expect(browser.problems).toEqual([]);
  });

  it('refuses an account of another agency with a clear message', async () => {
    await browser.context.clearCookies(); // a new person at the provider, not the auditor's session
    const page = await browser.newPage('ES officer at NL (OIDC)');
    await page.goto(consoleUrl(fed.port('NL')));
    await page.getByRole('button', { name: 'Sign in with your agency account' }).click();
    await page.waitForURL((url) => url.origin === op.issuer);
    await page.locator('input[name="login"]').fill('officer.es');
    await page.locator('input[name="password"]').fill('any');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByText(/belongs to another agency/).waitFor();
    expect(await page.locator('#who .who-subject').count()).toBe(0);
  });
});
