/**
 * SQLSTATE classes that say the database, not the statement's data, failed: connection (08),
 * insufficient resources (53), operator intervention such as a shutdown (57), system error (58),
 * internal error (XX) and transaction rollback such as a deadlock (40). Retry those; a data error
 * (22, 23, …) would fail again on every retry.
 */
const INFRASTRUCTURE_CLASSES = new Set(['08', '40', '53', '57', '58', 'XX']);

interface DriverLikeError {
  code?: unknown;
  constraint?: unknown;
  driverError?: { code?: unknown; constraint?: unknown };
  message?: unknown;
}

function sqlState(error: unknown): string | null {
  const e = (error ?? {}) as DriverLikeError;
  const code = e.driverError?.code ?? e.code;
  return typeof code === 'string' ? code : null;
}

/** True when retrying later may succeed: the database or the network failed, not this statement's data. */
export function isInfrastructureError(error: unknown): boolean {
  const code = sqlState(error);
  if (code !== null && /^[0-9A-Z]{5}$/.test(code)) return INFRASTRUCTURE_CLASSES.has(code.slice(0, 2));
  if (code !== null && /^E[A-Z]+$/.test(code)) return true; // ECONNREFUSED, ECONNRESET, ETIMEDOUT…
  const message = String((error as DriverLikeError | null)?.message ?? '');
  return /connection (terminated|refused|timeout)|timeout exceeded|Connection terminated|ECONNRESET/i.test(message);
}

/** What failed, safe to record: the error's kind, SQLSTATE and constraint, never a value from the statement. */
export function describeFailure(error: unknown): string {
  const e = (error ?? {}) as DriverLikeError;
  const constraint = e.driverError?.constraint ?? e.constraint;
  const name = error instanceof Error ? error.name : typeof error;
  return [name, sqlState(error), typeof constraint === 'string' ? `constraint ${constraint}` : null].filter(Boolean).join(', ');
}

/**
 * Something the node depends on is unusable (its ledger refuses appends, its trust data expired):
 * no message is at fault, so the batch waits and is retried, never refused. `dependency` is the
 * metric label of the failure.
 */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** True when a batch must wait and be retried whole: the database or a dependency failed, not a message. */
export function mustRetryBatch(error: unknown): boolean {
  return error instanceof DependencyUnavailableError || isInfrastructureError(error);
}

/** The metric label of a failed batch: the dependency, `database`, or `unexpected` (a bug: the log has the error). */
export function batchFailureReason(error: unknown): string {
  if (error instanceof DependencyUnavailableError) return error.dependency;
  return isInfrastructureError(error) ? 'database' : 'unexpected';
}
