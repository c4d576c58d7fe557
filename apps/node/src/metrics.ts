import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import type { StatementCounter } from './persistence/statement-counter';

/**
 * The node's one Prometheus registry (with the process's default metrics): every feature
 * registers its metrics here and `/metrics` serves it. Labels carry kinds and codes, never content.
 * `statements` (absent only when the module graph is built without a database) feeds
 * `liaison_db_statements_total`, which the bench divides by the notices delivered.
 */
export class MetricsRegistry extends Registry {
  constructor(statements?: StatementCounter) {
    super();
    // The event-loop delay is sampled every 100 ms (prom-client's default, 10 ms, wakes an idle process 100 times a second).
    collectDefaultMetrics({ register: this, eventLoopMonitoringPrecision: 100 });
    if (statements) {
      new Counter({
        name: 'liaison_db_statements_total', help: 'Statements sent to PostgreSQL (every round trip, BEGIN and COMMIT included)', registers: [this],
        collect() {
          this.reset();
          this.inc(statements.count);
        },
      });
    }
  }
}
