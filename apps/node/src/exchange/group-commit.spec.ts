import { GroupCommit, writeTogetherOrAlone } from './group-commit';

describe('GroupCommit', () => {
  it('writes items that arrive while a write runs together, in order, and resolves each once written', async () => {
    const writes: number[][] = [];
    let release!: () => void;
    const first = new Promise<void>((r) => (release = r));
    const queue = new GroupCommit<number>(async (items) => {
      writes.push(items);
      if (writes.length === 1) await first;
    }, 10);
    const done = [queue.add(1)];
    await Promise.resolve();
    done.push(queue.add(2), queue.add(3));
    expect(queue.pending).toBe(2);
    release();
    await Promise.all(done);
    expect(writes).toEqual([[1], [2, 3]]);
    expect(queue.pending).toBe(0);
  });

  it('caps a group at maxGroup items', async () => {
    const writes: number[][] = [];
    const queue = new GroupCommit<number>(async (items) => void writes.push(items), 2);
    await Promise.all([1, 2, 3, 4, 5].map((i) => queue.add(i)));
    expect(writes.flat()).toEqual([1, 2, 3, 4, 5]);
    expect(Math.max(...writes.map((w) => w.length))).toBeLessThanOrEqual(2);
  });

  it('retries a failed group item by item, so only the bad item fails', async () => {
    const queue = new GroupCommit<number>(async (items) => {
      if (items.includes(13)) throw new Error('bad item');
    }, 10);
    const results = await Promise.allSettled([12, 13, 14].map((i) => queue.add(i)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});

describe('writeTogetherOrAlone', () => {
  it('reports each item outcome when the group fails', async () => {
    const calls: string[][] = [];
    const outcomes = await writeTogetherOrAlone(['a', 'b'], async (items) => {
      calls.push(items);
      if (items.includes('b')) throw new Error('b is broken');
    });
    expect(calls).toEqual([['a', 'b'], ['a'], ['b']]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected']);
  });

  it('writes once when the group succeeds', async () => {
    const calls: number[][] = [];
    await writeTogetherOrAlone([1, 2], async (items) => void calls.push(items));
    expect(calls).toEqual([[1, 2]]);
  });
});
