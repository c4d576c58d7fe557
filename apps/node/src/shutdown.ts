// A stop that finishes: a node asked to stop (SIGTERM, SIGINT) closes what it can within a
// deadline and then exits whatever still hangs (a broker or database gone makes clients retry
// for minutes), so an orchestrator or deploy/local/federation.sh never waits forever.

/** How long a node may take to stop before it exits anyway. */
export const SHUTDOWN_DEADLINE_MS = 10_000;

export type ShutdownOutcome = { finished: true } | { finished: false; reason: string };

/** Runs `close`, giving up after `deadlineMs`; never throws. */
export async function closeWithin(close: () => Promise<void>, deadlineMs: number): Promise<ShutdownOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<ShutdownOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ finished: false, reason: `not finished within ${deadlineMs} ms` }), deadlineMs);
  });
  try {
    return await Promise.race([
      close().then(
        (): ShutdownOutcome => ({ finished: true }),
        (e: unknown): ShutdownOutcome => ({ finished: false, reason: e instanceof Error ? e.message : String(e) }),
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
