import { duplicateMember, parseStrictJson } from './strict';

describe('duplicateMember', () => {
  it.each([
    ['{"a":1,"b":2}', null],
    ['{"a":1,"a":2}', '/a'],
    ['{"a":{"x":1},"b":{"x":2}}', null],
    ['{"a":{"x":1,"x":2}}', '/a/x'],
    ['{"a":[{"k":1},{"k":2,"k":3}]}', '/a/1/k'],
    ['{"a":1,"\\u0061":2}', '/a'],
    ['{"s":"{\\"a\\":1,\\"a\\":2}"}', null],
    ['{"a/b":1,"a/b":2}', '/a~1b'],
    ['[1,{"a":1},{"a":1}]', null],
  ])('%s → %s', (text, expected) => {
    expect(duplicateMember(text)).toBe(expected);
  });

  it('scans 100,000 levels of nesting without overflowing the stack', () => {
    expect(duplicateMember(`${'['.repeat(100000)}${']'.repeat(100000)}`)).toBeNull();
  });
});

describe('parseStrictJson', () => {
  it('sees repeats after unescaping, at any depth, not across objects nor inside strings', () => {
    expect(parseStrictJson('{"a":1,"\\u0061":2}')).toEqual({ ok: false, duplicate: '/a' });
    expect(parseStrictJson('{"x":[{"b":1},{"b":2}],"y":{"c":{"d":1,"d":1}}}')).toEqual({ ok: false, duplicate: '/y/c/d' });
    expect(parseStrictJson('{"x":[{"b":1},{"b":2}],"b":"\\"b\\"","s":"a,\\"a\\":"}')).toEqual({ ok: true, value: { x: [{ b: 1 }, { b: 2 }], b: '"b"', s: 'a,"a":' } });
  });

  it('refuses text that is not JSON without throwing', () => {
    expect(parseStrictJson('{"a":')).toEqual({ ok: false, duplicate: null });
  });
});
