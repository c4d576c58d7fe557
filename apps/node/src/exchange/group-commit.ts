/**
 * Writes items together; if that fails, writes each alone, so one bad item cannot fail the
 * others. Returns each item's outcome in order.
 */
export async function writeTogetherOrAlone<T>(items: T[], write: (items: T[]) => Promise<void>): Promise<PromiseSettledResult<void>[]> {
  try {
    await write(items);
    return items.map(() => ({ status: 'fulfilled', value: undefined }));
  } catch (error) {
    if (items.length === 1) return [{ status: 'rejected', reason: error }];
    const outcomes: PromiseSettledResult<void>[] = [];
    for (const item of items) {
      outcomes.push(await write([item]).then(() => ({ status: 'fulfilled', value: undefined }) as const, (reason: unknown) => ({ status: 'rejected', reason }) as const));
    }
    return outcomes;
  }
}

/**
 * Group commit, in the spirit of tessera's `storage.NewQueue`: items added while a write runs
 * are written together by the next one (up to `maxGroup`), instead of queueing one by one on the
 * same row locks; `add` resolves once its item is committed. A group that fails is written again
 * item by item (see writeTogetherOrAlone).
 */
export class GroupCommit<T> {
  private readonly queue: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private draining = false;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxGroup: number,
  ) {}

  /** Items waiting for their transaction (the caller bounds it: backpressure). */
  get pending(): number {
    return this.queue.length;
  }

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, this.maxGroup);
        const outcomes = await writeTogetherOrAlone(group.map((g) => g.item), this.write);
        outcomes.forEach((o, i) => (o.status === 'fulfilled' ? group[i].resolve() : group[i].reject(o.reason)));
      }
    } finally {
      this.draining = false;
    }
  }
}
