/**
 * @liaison/federation: one harness for a whole federation — keys, signed directory, topics and
 * ACLs, node environments and databases, node processes — and the HTTP client of a node's API.
 * Used by the CLI (local-setup, demo, daily actions), the tests and the bench (decision 0009).
 */
export * from './material';
export * from './node-client';
export * from './federation';
