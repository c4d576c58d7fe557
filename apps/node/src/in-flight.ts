// Bounded concurrency for work that overlaps waits (the chunk relay's produce requests), without a dependency for fifteen lines.
/**
 * Runs task(0) … task(count − 1), at most `limit` at a time, in order of start. After a failure no
 * further task starts; the running ones are awaited (they may share the caller's transaction), then
 * the first failure is thrown.
 */
export async function eachInFlight(count: number, limit: number, task: (k: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (failure === null && next < count) {
      const k = next++;
      await task(k).catch((error: unknown) => void (failure ??= { error }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  if (failure) throw (failure as { error: unknown }).error;
}
