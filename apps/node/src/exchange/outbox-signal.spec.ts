import { nextPollDelay, OUTBOX_POLL, OutboxSignal } from './outbox-signal';

describe('outbox relay wake-up', () => {
  it('looks again soon after work, then backs off to the fallback maximum while it finds nothing', () => {
    let delay: number = OUTBOX_POLL.minMs;
    const seen: number[] = [];
    for (let i = 0; i < 7; i++) seen.push((delay = nextPollDelay(delay, false)));
    expect(seen).toEqual([500, 1000, 2000, 4000, 5000, 5000, 5000]);
    expect(nextPollDelay(5000, true)).toBe(OUTBOX_POLL.minMs);
  });

  it('keeps a commit signalled while the relay was busy, so its next wait returns at once', async () => {
    const signal = new OutboxSignal();
    signal.notify(); // the relay was publishing: nobody waits
    const order: string[] = [];
    const waited = signal.wait(60_000).then(() => order.push('woken'));
    await Promise.resolve().then(() => order.push('next tick'));
    await waited;
    expect(order).toEqual(['woken', 'next tick']);
  });

  it('wakes a waiting relay on notify, once: the following wait waits again', async () => {
    const signal = new OutboxSignal();
    const first = signal.wait(60_000);
    signal.notify();
    await first;
    let second = false;
    void signal.wait(60_000).then(() => (second = true));
    await Promise.resolve();
    expect(second).toBe(false);
    signal.notify(); // ends the wait (and its timer)
  });
});
