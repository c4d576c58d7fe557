import 'reflect-metadata';
import { ConfigError } from '@liaison/config';
import { startNode } from './bootstrap';
import { loadNodeConfig } from './config/node-config';

async function main(): Promise<void> {
  const config = loadNodeConfig();
  await startNode(config);
}

main().catch((error: unknown) => {
  // Fail fast with the reason: a wrong variable is named, an unreachable database says what to do.
  const message = error instanceof ConfigError ? error.message : `node failed to start: ${(error as Error).message}`;
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'fatal', message })}\n`);
  process.exit(1);
});
