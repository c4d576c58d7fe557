/** @liaison/match: private hit/no-hit — RFC 9497 VOPRF (ristretto255-SHA512), the binary fuse filter, canonical match values. Pure (wire.ts registers the envelope kinds in the notice-kind registry). */
export * from './oprf';
export * from './fuse-filter';
export * from './match-value';
export { isCanonicalElement } from './sodium-group';
export * from './messages';
export * from './rate-limit';
export * from './index-file';
export * from './wire';
export * from './api';
