/** @liaison/auth: bearer-token verification, NestJS guard and decorators, development token issuer. */
export * from './roles';
export * from './token-verifier';
export * from './dev-token-issuer';
export * from './nest';
export * from './remote-key-set';
