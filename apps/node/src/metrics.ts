import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The node's one Prometheus registry (with the process's default metrics): every feature
 * registers its metrics here and `/metrics` serves it. Labels carry kinds and codes, never content.
 */
export class MetricsRegistry extends Registry {
  constructor() {
    super();
    collectDefaultMetrics({ register: this });
  }
}
