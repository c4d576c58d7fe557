/**
 * @liaison/cases: cases (joint operations) shared by several agencies. The membership state
 * machine of signed events and its judgement, the wire format of case events (registered as
 * notice kinds on import) and the validation of case requests. Pure logic: no I/O.
 */
export * from './membership';
export * from './wire';
