// `import = require` keeps the live CommonJS exports object: libsodium adds its functions to it
// only once `ready` resolves, so a copied namespace would miss them.
import sodiumLib = require('libsodium-wrappers-sumo');

export type Sodium = typeof sodiumLib;

/** libsodium (sumo build: Argon2id lives only there), initialised once. */
export async function sodium(): Promise<Sodium> {
  await sodiumLib.ready;
  return sodiumLib;
}
