// Strict JSON for everything Liaison reads from outside (HTTP bodies, envelopes): JSON.parse keeps
// the last of repeated member names, so two readers of one document could disagree on it.

/**
 * The JSON pointer of the first member whose name repeats within one object, or null. Scans the
 * text once, iteratively (deeply nested input cannot overflow the stack); text that is not JSON is
 * left to JSON.parse to refuse.
 */
export function duplicateMember(text: string): string | null {
  interface Frame {
    object: boolean;
    names: Set<string>;
    path: string;
    index: number;
    expectName: boolean;
    last?: string;
  }
  const stack: Frame[] = [];
  const pointer = (f: Frame | undefined) => (f ? `${f.path}/${f.object ? (f.last ?? '').replace(/~/g, '~0').replace(/\//g, '~1') : String(f.index)}` : '');
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (top?.object && top.expectName) {
        let name: string;
        try {
          name = JSON.parse(text.slice(i, j + 1)) as string; // "\u0061" and "a" are the same name
        } catch {
          return null;
        }
        if (top.names.has(name)) return `${top.path}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        top.names.add(name);
        top.last = name;
        top.expectName = false;
      }
      i = j;
    } else if (c === '{' || c === '[') {
      stack.push({ object: c === '{', names: new Set(), path: pointer(top), index: 0, expectName: c === '{' });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',' && top) {
      if (top.object) top.expectName = true;
      else top.index++;
    }
  }
  return null;
}

export type StrictJson = { ok: true; value: unknown } | { ok: false; duplicate: string | null };

/** Strict JSON: invalid text and repeated member names are both refused (duplicate: its pointer), never thrown. */
export function parseStrictJson(text: string): StrictJson {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return { ok: false, duplicate: null };
  }
  const duplicate = duplicateMember(text);
  return duplicate === null ? { ok: true, value } : { ok: false, duplicate };
}
