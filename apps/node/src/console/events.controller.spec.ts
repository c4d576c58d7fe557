import { tokenLifetimeMs } from './events.controller';

const jwt = (claims: object) => `${Buffer.from('{"alg":"EdDSA"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('console event stream lifetime', () => {
  const now = Date.parse('2026-12-02T09:00:00Z');

  it('ends the stream when the bearer token expires, so the reconnect is authenticated again', () => {
    expect(tokenLifetimeMs(`Bearer ${jwt({ exp: now / 1000 + 90 })}`, now)).toBe(90_000);
    expect(tokenLifetimeMs(`Bearer ${jwt({ exp: now / 1000 - 5 })}`, now)).toBe(0);
  });

  it('does not limit a token without expiry and ends at once without a token', () => {
    expect(tokenLifetimeMs(`Bearer ${jwt({ sub: 'x' })}`, now)).toBeNull();
    expect(tokenLifetimeMs(undefined, now)).toBe(0);
  });
});
