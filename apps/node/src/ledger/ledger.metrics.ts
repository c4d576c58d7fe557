import { Injectable, Optional } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { MetricsRegistry } from '../metrics';

/** Prometheus metrics of the ledger's self-audit; labels carry damage kinds, never entry content. */
@Injectable()
export class LedgerMetrics {
  readonly registry = new Registry();
  readonly damage = new Gauge({
    name: 'liaison_ledger_damage',
    help: 'Damage the self-audit currently sees in the stored ledger, by kind (0 when intact)',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly damageFound = new Counter({
    name: 'liaison_ledger_damage_found_total',
    help: 'Distinct damage items found by the self-audit, by kind',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly auditedEntries = new Counter({ name: 'liaison_ledger_audited_entries_total', help: 'Entries re-derived by the background sweep', registers: [this.registry] });
  readonly sweepPosition = new Gauge({ name: 'liaison_ledger_sweep_position', help: 'Seq the running background sweep has reached', registers: [this.registry] });
  readonly size = new Gauge({ name: 'liaison_ledger_size', help: 'Entries in the log (the head)', registers: [this.registry] });
  readonly checkpointSize = new Gauge({ name: 'liaison_ledger_checkpoint_size', help: 'Tree size of the latest signed checkpoint', registers: [this.registry] });
  readonly witnessedSize = new Gauge({ name: 'liaison_ledger_witnessed_size', help: 'Tree size of the latest checkpoint cosigned by the quorum', registers: [this.registry] });
  readonly checkpointAge = new Gauge({ name: 'liaison_ledger_checkpoint_age_seconds', help: 'Age of the latest signed checkpoint', registers: [this.registry] });
  readonly lastCleanSweep = new Gauge({
    name: 'liaison_ledger_last_clean_sweep_timestamp_seconds',
    help: 'When the last full sweep that found no damage completed (Unix seconds)',
    registers: [this.registry],
  });

  /** Also served by the node's one registry (`/metrics`), when there is one (tests may build these alone). */
  constructor(@Optional() node?: MetricsRegistry) {
    if (!node) return;
    for (const { name } of this.registry.getMetricsAsArray()) {
      const metric = this.registry.getSingleMetric(name);
      if (metric) node.registerMetric(metric);
    }
  }
}
