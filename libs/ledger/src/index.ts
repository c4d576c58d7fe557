// Public entry of @liaison/ledger: pure ledger functions (no database, no Kafka).
export * from './merkle';
export * from './tree';
export * from './jcs';
export * from './entry';
export * from './note';
export * from './witness';
export * from './self-audit';
export * from './bundle';
export * from './reconcile';
