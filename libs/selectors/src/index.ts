/**
 * @liaison/selectors: what a report or query points at (phone numbers, e-mail addresses, URLs,
 * usernames) and the identifiers of a person (names, dates of birth, documents), normalised
 * into the one form two agencies' copies match in. Pure, no I/O. Rules: docs/selectors.md.
 */
export { MAX_SELECTOR_LENGTH, type Normalised } from './text';
export { PLATFORMS, normalisePlatform, type PlatformRule, type SelectorContext } from './kinds';
export { normaliseFullName } from './identifiers';
export * from './registry';
export * from './selectors';
