import { MatchValueError, canonicalMatchValue } from './match-value';

describe('canonical match values: notations of one value meet', () => {
  it.each([
    [{ kind: 'document', value: 'x 123-456.7', country: 'es' }, 'document:ES:X1234567'],
    [{ kind: 'document', value: 'X1234567', country: 'ES' }, 'document:ES:X1234567'],
    [{ kind: 'phone', value: '+34 612 34 56 78' }, 'phone:+34612345678'],
    [{ kind: 'phone', value: '612-345-678', country: 'ES' }, 'phone:+34612345678'],
    [{ kind: 'email', value: 'Ana.Lopez@Example.ES' }, 'email:Ana.Lopez@example.es'],
    [{ kind: 'username', value: '@Ana_L', platform: 'Telegram' }, 'username:telegram:ana_l'],
    [{ kind: 'person', value: '  José   MARÍA  García-López ', dob: '1980-02-29' }, 'person:jose maria garcia lopez:1980-02-29'],
  ] as const)('%j → %s', (input, expected) => {
    expect(canonicalMatchValue(input)).toBe(expected);
  });

  it.each([
    [{ kind: 'document', value: 'X1', country: 'E' }, 'country'],
    [{ kind: 'document', value: '—', country: 'ES' }, 'value'],
    [{ kind: 'phone', value: '12' }, 'value'],
    [{ kind: 'email', value: 'nobody' }, 'value'],
    [{ kind: 'username', value: 'x', platform: '' }, 'platform'],
    [{ kind: 'person', value: 'Ana', dob: '1980-13-01' }, 'dob'],
    [{ kind: 'vehicle', value: 'x' }, 'kind'],
    [{ kind: 'document', value: 'x'.repeat(257), country: 'ES' }, 'value'],
  ])('refuses %j naming %s', (input, field) => {
    expect(() => canonicalMatchValue(input as never)).toThrow(MatchValueError);
    try {
      canonicalMatchValue(input as never);
    } catch (error) {
      expect((error as MatchValueError).field).toBe(field);
    }
  });
});
