// The console's reading of a pasted selector list (browser ES module, transpiled by the unit project).
import { MAX_SELECTORS as LIBRARY_MAX } from '@liaison/selectors';

type Read = { selectors: Record<string, string>[]; lines: number[]; errors: { field: string; message: string }[] };
const console_ = require('../../console/js/selectors.js') as {
  MAX_SELECTORS: number;
  detectKind(line: string): string | null;
  readSelectors(text: string, options?: { kind?: string; platform?: string; country?: string }): Read;
  selectorErrors(errors: { field: string; message: string }[], lines: number[], humanise: (m: string) => string): { field: string; message: string }[];
};

describe('console: a pasted list of selectors', () => {
  it('tells phone numbers, e-mail addresses, URLs and usernames apart by their shape', () => {
    expect(['+31 6 1000 0007', '0031 (0)6-1000 0007', 'recruiter@Jobs.example', 'https://t.me/jobs', '@Jobs_Abroad', 'telegram:@Jobs_Abroad', 'call me', '+31 6'].map(console_.detectKind))
      .toEqual(['phone', 'phone', 'email', 'url', 'username', 'username', null, null]);
  });

  it('reads one selector per line, skipping blank lines, with the platform and country asked for, and keeps each line number', () => {
    const read = console_.readSelectors('+31 6 1000 0007\n\n06 1000 0008\r\n@Jobs\ninstagram:@jobs.nl\n', { platform: 'Telegram', country: 'nl' });
    expect(read.errors).toEqual([]);
    expect(read.selectors).toEqual([
      { kind: 'phone', value: '+31 6 1000 0007', country: 'NL' },
      { kind: 'phone', value: '06 1000 0008', country: 'NL' },
      { kind: 'username', value: '@Jobs', platform: 'telegram' },
      { kind: 'username', value: '@jobs.nl', platform: 'instagram' },
    ]);
    expect(read.lines).toEqual([1, 3, 4, 5]);
    // A chosen kind is not second-guessed: the node judges the value.
    expect(console_.readSelectors('call me', { kind: 'phone' }).selectors).toEqual([{ kind: 'phone', value: 'call me' }]);
  });

  it('names the line it cannot read, a username without platform, and a list over the limit', () => {
    expect(console_.readSelectors('+31 6 1000 0007\ncall me\n@Jobs').errors.map((e) => e.message)).toEqual([
      'line 2: cannot tell what kind of selector this is; choose the kind above',
      'line 3: a username needs its platform (above, or written platform:@name)',
    ]);
    expect(console_.MAX_SELECTORS).toBe(LIBRARY_MAX);
    const many = Array.from({ length: LIBRARY_MAX + 1 }, (_, i) => `+31 6 1000 ${String(i).padStart(4, '0')}`).join('\n');
    expect(console_.readSelectors(many)).toMatchObject({ selectors: [], errors: [{ field: '/body/selectors', message: `at most ${LIBRARY_MAX} selectors in one report; this list has ${LIBRARY_MAX + 1}` }] });
  });

  it("puts the node's refusals on the line the officer pasted, in words", () => {
    const lines = [1, 3, 4];
    expect(console_.selectorErrors([
      { field: '/body/selectors/1/value', message: 'is not a valid phone number for its country' },
      { field: '/body/selectors/2/value', message: 'is the same phone as /body/selectors/0 once normalised' },
      { field: '/body/narrative', message: 'is required' },
    ], lines, (m) => m)).toEqual([
      { field: '/body/selectors', message: 'line 3: is not a valid phone number for its country' },
      { field: '/body/selectors', message: 'line 4: is the same as line 1' },
      { field: '/body/narrative', message: 'is required' },
    ]);
  });
});
