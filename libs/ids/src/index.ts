/** @liaison/ids: the identifier rules every part of Liaison shares (agency codes, UUIDs, NumericDates). Pure, no dependencies. */
export * from './identifiers';
export * from './uuidv7';
