import { Logger } from '@nestjs/common';
import { Periodic } from './periodic';

describe('Periodic', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs its work every interval, logs a failure and keeps going, and stops', async () => {
    const warnings: string[] = [];
    const log = { warn: (m: string) => warnings.push(m) } as unknown as Logger;
    let runs = 0;
    const periodic = new Periodic('test sweep', log, async () => {
      runs++;
      if (runs === 2) throw new Error('database away');
    });
    periodic.start(1000);
    await jest.advanceTimersByTimeAsync(3500);
    expect(runs).toBe(3);
    expect(warnings).toEqual(['test sweep failed: database away']);
    periodic.stop();
    await jest.advanceTimersByTimeAsync(5000);
    expect(runs).toBe(3);
  });
});
