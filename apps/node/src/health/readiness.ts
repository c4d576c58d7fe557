// What /health/ready says, as plain functions of what the node measured: each check is `up`,
// `warn` (the node works, an operator should look) or `down` (do not route traffic here), with
// the reason in words. Only `down` makes the node not ready.

export type CheckState = 'up' | 'warn' | 'down';

export interface Check {
  status: CheckState;
  reason?: string;
}

export interface Readiness {
  status: 'ready' | 'not ready';
  checks: Record<string, Check>;
}

export function readiness(checks: Record<string, Check>): Readiness {
  return { status: Object.values(checks).some((c) => c.status === 'down') ? 'not ready' : 'ready', checks };
}

/** Ledger damage found by the self-audit: not ready, naming the first items. */
export function ledgerCheck(damage: readonly { kind: string; seq: number; toSeq?: number }[]): Check {
  if (damage.length === 0) return { status: 'up' };
  const named = damage.slice(0, 3).map((d) => `${d.kind} at ${d.seq}${d.toSeq === undefined ? '' : `..${d.toSeq}`}`);
  return { status: 'down', reason: `ledger damaged: ${named.join(', ')}${damage.length > 3 ? ` and ${damage.length - 3} more` : ''} (GET /audit/integrity)` };
}

/** Entries waiting for a checkpoint longer than `limitSeconds`. */
export function checkpointCheck(input: { headSize: number; checkpoint: { size: number; createdAt: Date } | null; now: Date; limitSeconds: number; startedAt: Date }): Check {
  const { headSize, checkpoint, now, limitSeconds } = input;
  const covered = checkpoint?.size ?? 0;
  if (headSize <= covered) return { status: 'up' };
  const since = checkpoint?.createdAt ?? input.startedAt;
  const age = Math.floor((now.getTime() - since.getTime()) / 1000);
  if (age <= limitSeconds) return { status: 'up' };
  return { status: 'warn', reason: `${headSize - covered} entries not checkpointed for ${age} s (limit ${limitSeconds} s)` };
}

/** The latest checkpoint's cosignatures against the quorum. */
export function witnessCheck(input: { checkpoint: { size: number; createdAt: Date; cosignatures: number } | null; quorum: number; now: Date; limitSeconds: number }): Check {
  const { checkpoint, quorum } = input;
  if (checkpoint === null || checkpoint.cosignatures >= quorum) return { status: 'up' };
  const age = Math.floor((input.now.getTime() - checkpoint.createdAt.getTime()) / 1000);
  if (age <= input.limitSeconds) return { status: 'up' };
  return { status: 'warn', reason: `checkpoint ${checkpoint.size} has ${checkpoint.cosignatures} of ${quorum} cosignatures after ${age} s` };
}

/** The outbox's oldest message waiting longer than `limitSeconds`: the broker does not take our messages. */
export function outboxCheck(input: { count: number; oldest: Date | null; now: Date; limitSeconds: number }): Check {
  if (input.oldest === null) return { status: 'up' };
  const age = Math.floor((input.now.getTime() - input.oldest.getTime()) / 1000);
  if (age <= input.limitSeconds) return { status: 'up' };
  return { status: 'warn', reason: `${input.count} messages waiting in the outbox, the oldest for ${age} s` };
}

/** Days before the agency's last valid signing key expires from which readiness warns. */
export const KEY_EXPIRY_WARNING_DAYS = 14;

/**
 * The verified directory: without one, past its expiry (the node fails closed, decision 0008) or
 * without a valid signing key of ours in it, nothing can be exchanged; it warns in the
 * directory's warning period and before our keys expire.
 */
export function directoryCheck(input: {
  directory: { serial: number; issued_at: string } | null;
  trust: { expired: boolean; stale: boolean; expiresAt: string | null };
  ownKeys: readonly { not_after: string }[];
  agency: string;
  now: Date;
}): Check {
  const { directory, ownKeys, now, trust } = input;
  if (directory === null) return { status: 'down', reason: 'no verified directory yet' };
  if (trust.expired) return { status: 'down', reason: `directory serial ${directory.serial} expired at ${trust.expiresAt}: nothing is opened or sealed until a fresh one arrives` };
  if (ownKeys.length === 0) return { status: 'down', reason: `directory serial ${directory.serial} holds no valid signing key of ${input.agency}` };
  const last = Math.max(...ownKeys.map((k) => Date.parse(k.not_after)));
  const days = Math.floor((last - now.getTime()) / 86_400_000);
  if (days < KEY_EXPIRY_WARNING_DAYS) return { status: 'warn', reason: `the signing keys of ${input.agency} expire in ${days} days (directory serial ${directory.serial})` };
  if (trust.stale) return { status: 'warn', reason: `directory serial ${directory.serial} expires at ${trust.expiresAt}: the federation must publish a fresh one` };
  return { status: 'up' };
}
