import { eachInFlight } from './in-flight';

const tick = () => new Promise((r) => setImmediate(r));

describe('eachInFlight', () => {
  it('runs every task once, in order of start, never more than the limit at a time', async () => {
    const started: number[] = [];
    let running = 0;
    let most = 0;
    await eachInFlight(10, 4, async (k) => {
      started.push(k);
      most = Math.max(most, ++running);
      await tick();
      running--;
    });
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(most).toBe(4);
  });

  it('starts nothing after a failure, waits for the running tasks, then throws the first failure', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const run = eachInFlight(10, 3, async (k) => {
      started.push(k);
      await tick();
      if (k === 1) throw new Error('broker away');
      await tick();
      finished.push(k);
    });
    await expect(run).rejects.toThrow('broker away');
    expect(started).toEqual([0, 1, 2]);
    expect(finished.sort()).toEqual([0, 2]);
  });

  it('does nothing for no tasks', async () => {
    const task = jest.fn(async () => undefined);
    await eachInFlight(0, 4, task);
    expect(task).not.toHaveBeenCalled();
  });
});
