/** @liaison/json: strict JSON (no repeated member names) for every input from outside. Pure, no dependencies. */
export * from './strict';
