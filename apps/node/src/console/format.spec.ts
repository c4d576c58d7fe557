// The console's pure formatting helpers (browser ES module, transpiled by the unit project).
const format = require('../../console/js/format.js') as {
  duration(ms: number): string;
  deadlineLabel(deadline: string | null, status?: string, now?: number): { overdue: boolean; text: string } | null;
};

describe('console time-left labels', () => {
  const now = Date.parse('2026-11-24T08:00:00Z');

  it('counts down to the deadline in days, hours and minutes', () => {
    expect(format.deadlineLabel('2026-11-24T13:12:00Z', 'DELIVERED', now)).toEqual({ overdue: false, text: '5 h 12 min left' });
    expect(format.deadlineLabel('2026-11-27T09:00:00Z', 'ACKNOWLEDGED', now)).toEqual({ overdue: false, text: '3 d 1 h left' });
    expect(format.deadlineLabel('2026-11-24T08:00:40Z', 'DELIVERED', now)).toEqual({ overdue: false, text: '1 min left' });
  });

  it('marks open notices past their deadline as overdue', () => {
    expect(format.deadlineLabel('2026-11-24T06:00:00Z', 'DELIVERED', now)).toEqual({ overdue: true, text: 'Overdue by 2 h 0 min' });
  });

  it('says nothing about deadlines of notices that are done', () => {
    for (const status of ['ANSWERED', 'DECLINED', 'EXPIRED']) expect(format.deadlineLabel('2026-11-24T06:00:00Z', status, now)).toBeNull();
    expect(format.deadlineLabel(null, 'DELIVERED', now)).toBeNull();
  });
});
