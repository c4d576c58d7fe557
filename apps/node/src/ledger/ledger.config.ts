import type { NodeConfig } from '../config/node-config';

/** What the ledger reads of the node's configuration. */
export type LedgerConfig = Pick<NodeConfig, 'agency' | 'checkpoint' | 'selfAudit'>;
