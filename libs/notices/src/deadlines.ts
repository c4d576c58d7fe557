/**
 * Reply deadlines (EU Directive 2023/977, Art. 5: 8 hours for urgent requests on directly
 * accessible data, 7 days for others), configurable per federation.
 */
import type { Priority } from './metadata';
import { isFinalState, type NoticeState } from './workflow';

export interface FederationDeadlines {
  /** Hours to answer an urgent notice. */
  urgentHours: number;
  /** Days (24-hour periods) to answer a normal notice. */
  normalDays: number;
}

export const DEFAULT_DEADLINES: Readonly<FederationDeadlines> = Object.freeze({ urgentHours: 8, normalDays: 7 });

const HOUR_MS = 3_600_000;
const MAX_URGENT_HOURS = 24 * 30;
const MAX_NORMAL_DAYS = 366;

export class DeadlineConfigError extends Error {
  override readonly name = 'DeadlineConfigError';
}

function parsePositive(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const text = raw.trim();
  if (!/^\d{1,6}(\.\d{1,3})?$/.test(text)) {
    throw new DeadlineConfigError(`${name} must be a positive number (got "${text.slice(0, 40)}")`);
  }
  const value = Number(text);
  if (value <= 0 || value > max) throw new DeadlineConfigError(`${name} must be more than 0 and at most ${max} (got ${text})`);
  return value;
}

/**
 * Reads the deadlines from configuration strings (e.g. environment variables); a missing or
 * empty value takes the default. Throws DeadlineConfigError on anything else that is not a
 * positive number in range, or when urgent would be longer than normal.
 */
export function parseFederationDeadlines(config: { urgentHours?: string; normalDays?: string } = {}): FederationDeadlines {
  const urgentHours = parsePositive('urgentHours', config.urgentHours, DEFAULT_DEADLINES.urgentHours, MAX_URGENT_HOURS);
  const normalDays = parsePositive('normalDays', config.normalDays, DEFAULT_DEADLINES.normalDays, MAX_NORMAL_DAYS);
  if (urgentHours > normalDays * 24) {
    throw new DeadlineConfigError(`urgentHours (${urgentHours}) must not be longer than normalDays (${normalDays} days)`);
  }
  return { urgentHours, normalDays };
}

/** When the answer is due: sentAt + urgentHours, or sentAt + normalDays × 24 h (elapsed time, not working days). */
export function replyDeadline(priority: Priority, sentAt: Date, deadlines: FederationDeadlines = DEFAULT_DEADLINES): Date {
  const sent = sentAt.getTime();
  if (Number.isNaN(sent)) throw new RangeError('sentAt is not a valid date');
  const hours = priority === 'urgent' ? deadlines.urgentHours : deadlines.normalDays * 24;
  return new Date(sent + Math.round(hours * HOUR_MS));
}

/**
 * Past its deadline (strictly after it). With a state, a notice that is already answered,
 * declined or expired is never overdue; nor is a notice without deadline (a report expects no answer).
 */
export function isOverdue(deadline: Date | null, now: Date = new Date(), state?: NoticeState): boolean {
  if (deadline === null || (state !== undefined && isFinalState(state))) return false;
  return now.getTime() > deadline.getTime();
}

/** Milliseconds left until the deadline (negative when overdue); for "time left" displays. */
export function timeLeftMs(deadline: Date, now: Date = new Date()): number {
  return deadline.getTime() - now.getTime();
}
