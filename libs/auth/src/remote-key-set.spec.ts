import { jwtVerify } from 'jose';
import { DevTokenIssuer, RemoteKeySet, TokenVerifier, type RemoteKeySetOptions } from './index';

const ISSUER = 'https://idp.nl.example';
const URL_ = new URL('https://idp.nl.example/jwks.json');

/** A fake provider: what it serves can change, it can go down, and it counts requests. */
function provider(initial: DevTokenIssuer) {
  const state = { serving: [initial], down: false, body: undefined as string | undefined, requests: 0 };
  const fetchImpl = (async () => {
    state.requests++;
    await new Promise((r) => setTimeout(r, 5));
    if (state.down) throw new TypeError('fetch failed');
    const body = state.body ?? JSON.stringify({ keys: state.serving.flatMap((i) => i.jwks().keys) });
    return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { state, fetchImpl };
}

function clock(start = 1_000_000) {
  const c = { t: start, now: () => c.t };
  return c;
}

const mint = (issuer: DevTokenIssuer) => issuer.mint({ subject: 's', agency: 'NL', roles: ['operator'], audience: 'aud' });
const verifyWith = (set: RemoteKeySet, token: string) => jwtVerify(token, set.getKey, { issuer: ISSUER, audience: 'aud' });

describe('RemoteKeySet', () => {
  const idp = DevTokenIssuer.generate(ISSUER);

  function setup(options: RemoteKeySetOptions = {}) {
    const p = provider(idp);
    const c = clock();
    const set = new RemoteKeySet(URL_, { fetch: p.fetchImpl, now: c.now, ...options });
    return { ...p, c, set };
  }

  it('fetches once for many concurrent first requests', async () => {
    const { set, state } = setup();
    const token = await mint(idp);
    await Promise.all(Array.from({ length: 20 }, () => verifyWith(set, token)));
    expect(state.requests).toBe(1);
    expect(set.status()).toEqual({ url: URL_.toString(), fetchedAt: new Date(1_000_000), lastError: undefined });
  });

  it('keeps working on the last key set while the provider is down (refreshing in the background)', async () => {
    const { set, state, c } = setup();
    const token = await mint(idp);
    await verifyWith(set, token);
    state.down = true;
    c.t += 60 * 60_000; // an hour later: older than refreshMs
    await expect(verifyWith(set, token)).resolves.toBeDefined();
    await new Promise((r) => setTimeout(r, 20)); // let the background refresh fail
    expect(state.requests).toBe(2);
    expect(set.status().lastError).toBe('fetch failed');
    await expect(verifyWith(set, token)).resolves.toBeDefined();
    expect(state.requests).toBe(2); // cooldown: no new fetch at once
  });

  it('stops trusting a key set older than maxStaleMs', async () => {
    const { set, state, c } = setup({ maxStaleMs: 3_600_000 });
    const token = await mint(idp);
    await verifyWith(set, token);
    state.down = true;
    c.t += 3_600_001;
    await expect(verifyWith(set, token)).rejects.toMatchObject({ code: 'ERR_LIAISON_JWKS_UNAVAILABLE' });
  });

  it('refetches once for an unknown kid (key rotation), then respects the cooldown', async () => {
    const { set, state, c } = setup();
    await verifyWith(set, await mint(idp));
    const rotated = DevTokenIssuer.generate(ISSUER);
    state.serving = [idp, rotated];
    c.t += 31_000;
    await expect(verifyWith(set, await mint(rotated))).resolves.toBeDefined();
    expect(state.requests).toBe(2);
    const stranger = DevTokenIssuer.generate(ISSUER);
    await expect(verifyWith(set, await mint(stranger))).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    expect(state.requests).toBe(2); // within cooldown: no fetch storm from forged kids
  });

  it('keeps the previous set when the provider serves garbage', async () => {
    const { set, state, c } = setup();
    const token = await mint(idp);
    await verifyWith(set, token);
    state.body = '{"keys": "nope"}';
    c.t += 11 * 60_000;
    await expect(verifyWith(set, token)).resolves.toBeDefined();
    await new Promise((r) => setTimeout(r, 20));
    expect(set.status().lastError).toBeDefined();
    expect(set.status().fetchedAt).toEqual(new Date(1_000_000));
  });

  it('refuses a key set served through a redirect (a real HTTP server answering 302)', async () => {
    const { createServer } = await import('http');
    const jwks = JSON.stringify({ keys: idp.jwks().keys });
    const server = createServer((req, res) => {
      if (req.url === '/elsewhere.json') return res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
      res.writeHead(302, { location: '/elsewhere.json' }).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const set = new RemoteKeySet(new URL(`http://127.0.0.1:${port}/jwks.json`));
      await expect(verifyWith(set, await mint(idp))).rejects.toThrow(/redirect/);
      expect(set.status().lastError).toMatch(/redirect.*refused/);
      // The same set, served directly, is taken.
      const direct = new RemoteKeySet(new URL(`http://127.0.0.1:${port}/elsewhere.json`));
      await expect(verifyWith(direct, await mint(idp))).resolves.toBeDefined();
    } finally {
      server.close();
    }
  });

  it('refuses an oversized key set', async () => {
    const { set, state } = setup({ maxBytes: 100 });
    state.body = JSON.stringify({ keys: [], pad: 'x'.repeat(200) });
    await expect(verifyWith(set, await mint(idp))).rejects.toMatchObject({ code: 'ERR_LIAISON_JWKS_UNAVAILABLE' });
    expect(set.status().lastError).toBe('key set too large');
  });

  it('makes TokenVerifier answer jwks_unavailable, and reports its status', async () => {
    const { state, fetchImpl } = provider(idp);
    state.down = true;
    const verifier = new TokenVerifier({ issuer: ISSUER, audience: 'aud', agency: 'NL', jwksUrl: URL_.toString(), jwksOptions: { fetch: fetchImpl } });
    expect(await verifier.verify(await mint(idp))).toMatchObject({ ok: false, reason: 'jwks_unavailable' });
    expect(verifier.keySetStatus()).toMatchObject({ url: URL_.toString(), fetchedAt: undefined, lastError: 'fetch failed' });
    expect(new TokenVerifier({ issuer: ISSUER, audience: 'aud', agency: 'NL', jwks: idp.jwks() }).keySetStatus()).toBeUndefined();
  });
});
