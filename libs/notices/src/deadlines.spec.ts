import { DEFAULT_DEADLINES, DeadlineConfigError, isOverdue, parseFederationDeadlines, replyDeadline, timeLeftMs } from './index';

describe('federation deadlines', () => {
  it('defaults to 8 hours and 7 days', () => {
    expect(parseFederationDeadlines()).toEqual({ urgentHours: 8, normalDays: 7 });
    expect(parseFederationDeadlines({ urgentHours: '', normalDays: ' ' })).toEqual(DEFAULT_DEADLINES);
  });

  it('reads numbers from strings', () => {
    expect(parseFederationDeadlines({ urgentHours: '12', normalDays: '3' })).toEqual({ urgentHours: 12, normalDays: 3 });
    expect(parseFederationDeadlines({ urgentHours: ' 0.5 ' })).toEqual({ urgentHours: 0.5, normalDays: 7 });
  });

  it.each([
    [{ urgentHours: '0' }, /urgentHours must be more than 0/],
    [{ urgentHours: '-8' }, /urgentHours must be a positive number/],
    [{ urgentHours: '8h' }, /urgentHours must be a positive number/],
    [{ urgentHours: '1e3' }, /urgentHours must be a positive number/],
    [{ urgentHours: 'NaN' }, /urgentHours must be a positive number/],
    [{ urgentHours: '721' }, /at most 720/],
    [{ normalDays: '367' }, /at most 366/],
    [{ normalDays: 'seven' }, /normalDays must be a positive number/],
    [{ urgentHours: '48', normalDays: '1' }, /must not be longer than normalDays/],
  ])('refuses %p', (config, message) => {
    expect(() => parseFederationDeadlines(config)).toThrow(DeadlineConfigError);
    expect(() => parseFederationDeadlines(config)).toThrow(message);
  });

  it('computes the reply deadline by priority', () => {
    const sent = new Date('2026-03-01T22:00:00Z');
    expect(replyDeadline('urgent', sent).toISOString()).toBe('2026-03-02T06:00:00.000Z');
    expect(replyDeadline('normal', sent).toISOString()).toBe('2026-03-08T22:00:00.000Z');
    const sirene = { urgentHours: 12, normalDays: 3 };
    expect(replyDeadline('urgent', sent, sirene).toISOString()).toBe('2026-03-02T10:00:00.000Z');
    expect(replyDeadline('normal', sent, sirene).toISOString()).toBe('2026-03-04T22:00:00.000Z');
    expect(() => replyDeadline('urgent', new Date('nope'))).toThrow(RangeError);
  });

  it('is overdue strictly after the deadline', () => {
    const deadline = new Date('2026-03-02T06:00:00Z');
    expect(isOverdue(deadline, new Date('2026-03-02T05:59:59.999Z'))).toBe(false);
    expect(isOverdue(deadline, new Date('2026-03-02T06:00:00Z'))).toBe(false);
    expect(isOverdue(deadline, new Date('2026-03-02T06:00:00.001Z'))).toBe(true);
    const late = new Date('2026-03-03T00:00:00Z');
    expect(isOverdue(deadline, late, 'ACKNOWLEDGED')).toBe(true);
    expect(isOverdue(deadline, late, 'DELIVERED')).toBe(true);
    expect(isOverdue(deadline, late, 'ANSWERED')).toBe(false);
    expect(isOverdue(deadline, late, 'DECLINED')).toBe(false);
    expect(isOverdue(deadline, late, 'EXPIRED')).toBe(false);
    expect(timeLeftMs(deadline, new Date('2026-03-02T05:00:00Z'))).toBe(3_600_000);
  });
});
