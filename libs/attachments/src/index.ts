/**
 * @liaison/attachments: files that travel with a notice, end to end encrypted. The format (one
 * content key per attachment, carried in the signed and sealed envelope; the file in STREAM
 * chunks over ChaCha20-Poly1305), the federation's media and size policy, and the receiver's
 * decisions. Pure logic and node:crypto only; no I/O. Byte for byte in docs/protocol/attachments.md.
 */
export * from './limits';
export * from './stream';
export * from './media';
export * from './descriptor';
export * from './policy';
export * from './receive';
