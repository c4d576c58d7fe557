import { closeWithin } from './shutdown';

describe('closeWithin', () => {
  it('reports a close that finishes', async () => {
    expect(await closeWithin(async () => undefined, 1000)).toEqual({ finished: true });
  });

  it('gives up on a close that hangs (a broker gone), at the deadline', async () => {
    jest.useFakeTimers();
    try {
      const outcome = closeWithin(() => new Promise<void>(() => undefined), 10_000);
      jest.advanceTimersByTime(10_000);
      expect(await outcome).toEqual({ finished: false, reason: 'not finished within 10000 ms' });
    } finally {
      jest.useRealTimers();
    }
  });

  it('reports a close that fails, without throwing', async () => {
    expect(await closeWithin(() => Promise.reject(new Error('connection terminated')), 1000)).toEqual({ finished: false, reason: 'connection terminated' });
  });
});
