export * from './protocol';
export * from './jwk';
export * from './keys';
export * from './directory';
export * from './claims';
export * from './sealer';
export * from './opener';
export { CodedError, sha256Hex } from './encoding';
