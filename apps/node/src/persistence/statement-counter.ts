import type { Logger } from 'typeorm';

/**
 * TypeORM's logger for the node's connection, used only to count the statements sent to
 * PostgreSQL (every round trip: BEGIN and COMMIT too), for `liaison_db_statements_total`.
 * It never sees a statement's text or parameters through to any output: nothing is logged.
 */
export class StatementCounter implements Logger {
  private sent = 0;

  get count(): number {
    return this.sent;
  }

  logQuery(): void {
    this.sent++;
  }

  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}
