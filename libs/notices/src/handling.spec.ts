import { HANDLING_CODES, HANDLING_EXPLANATIONS, explainHandling, mayPassOn, mayUseInJudicialProceedings } from './index';

describe('handling codes', () => {
  it('H2 may not be passed on without the provider\'s permission', () => {
    expect(mayPassOn({ code: 'H2' })).toEqual({
      ok: false,
      reason: 'H2: not to be passed on to anyone else without the permission of the providing agency',
    });
    expect(mayPassOn({ code: 'H2' }, { providerPermission: true })).toEqual({ ok: true });
  });

  it('H0 and H1 may be passed on', () => {
    expect(mayPassOn({ code: 'H0' })).toEqual({ ok: true });
    expect(mayPassOn({ code: 'H1' })).toEqual({ ok: true });
  });

  it('H1 may not be used in judicial proceedings without permission; H0 and H2 may', () => {
    expect(mayUseInJudicialProceedings({ code: 'H1' })).toEqual({
      ok: false,
      reason: 'H1: not to be used in judicial proceedings without the permission of the providing agency',
    });
    expect(mayUseInJudicialProceedings({ code: 'H1' }, { providerPermission: true })).toEqual({ ok: true });
    expect(mayUseInJudicialProceedings({ code: 'H0' })).toEqual({ ok: true });
    expect(mayUseInJudicialProceedings({ code: 'H2' })).toEqual({ ok: true });
  });

  it('H3 free text cannot be interpreted, so restricted uses need permission and the reason quotes it', () => {
    const h3 = { code: 'H3' as const, restriction: 'Only for case NL-2026/00042' };
    expect(mayPassOn(h3)).toEqual({ ok: false, reason: expect.stringContaining('"Only for case NL-2026/00042"') });
    expect(mayUseInJudicialProceedings(h3)).toEqual({ ok: false, reason: expect.stringMatching(/^H3: .*judicial use needs its permission$/) });
    expect(mayPassOn(h3, { providerPermission: true })).toEqual({ ok: true });
  });

  it('explains every code for the console, with the H3 text', () => {
    for (const code of HANDLING_CODES) {
      expect(HANDLING_EXPLANATIONS[code].code).toBe(code);
      expect(HANDLING_EXPLANATIONS[code].text.length).toBeGreaterThan(20);
    }
    expect(explainHandling({ code: 'H2' })).toMatch(/must not be passed on/);
    expect(explainHandling({ code: 'H1' })).toMatch(/judicial proceedings/);
    expect(explainHandling({ code: 'H3', restriction: 'Delete after 30 days' })).toMatch(/Restriction: Delete after 30 days$/);
  });
});
