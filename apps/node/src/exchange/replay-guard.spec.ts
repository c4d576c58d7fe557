import { DataSource } from 'typeorm';
import { DatabaseReplayGuard } from './replay-guard';

const ID1 = '019ab000-0000-7000-8000-000000000001';
const ID2 = '019ab000-0000-7000-8000-000000000002';
const ID3 = '019ab000-0000-7000-8000-000000000003';

function guardWith(query: (sql: string, params: unknown[]) => Promise<unknown>) {
  const calls: unknown[][] = [];
  const dataSource = { query: (sql: string, params: unknown[]) => (calls.push(params), query(sql, params)) } as unknown as DataSource;
  return { guard: new DatabaseReplayGuard(dataSource), calls };
}

describe('DatabaseReplayGuard', () => {
  it('answers the lookups of one tick with one query', async () => {
    const { guard, calls } = guardWith(async () => [{ message_id: ID2 }]);
    await expect(Promise.all([guard.seen(ID1), guard.seen(ID2), guard.seen(ID2), guard.seen(ID3)])).resolves.toEqual([false, true, true, false]);
    expect(calls).toHaveLength(1);
  });

  it('fails every waiter of the batch when the query fails (none is left pending)', async () => {
    const { guard } = guardWith(async () => {
      throw new Error('timeout exceeded when trying to connect');
    });
    const results = await Promise.allSettled([guard.seen(ID1), guard.seen(ID2), guard.seen(ID2), guard.seen(ID3)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
  });

  it('starts a fresh batch after a failed one', async () => {
    let fail = true;
    const { guard } = guardWith(async () => {
      if (fail) throw new Error('down');
      return [];
    });
    await expect(guard.seen(ID1)).rejects.toThrow('down');
    fail = false;
    await expect(guard.seen(ID1)).resolves.toBe(false);
  });
});
