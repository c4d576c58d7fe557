import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError } from '@liaison/config';
import { startNode } from './bootstrap';
import { loadNodeConfig } from './config/node-config';
import { logLine } from './json-logger';
import { SHUTDOWN_DEADLINE_MS, closeWithin } from './shutdown';

async function main(): Promise<void> {
  const config = loadNodeConfig();
  const node = await startNode(config);
  const stop = (signal: NodeJS.Signals) => {
    const logger = new Logger('Node');
    logger.log(`${signal}: stopping (at most ${SHUTDOWN_DEADLINE_MS / 1000} s)`);
    void closeWithin(() => node.close(), SHUTDOWN_DEADLINE_MS).then((outcome) => {
      if (outcome.finished) logger.log('stopped');
      else logger.warn(`shutdown incomplete, exiting anyway: ${outcome.reason}`);
      process.exit(outcome.finished ? 0 : 1);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  // Fail fast with the reason: a wrong variable is named, an unreachable database says what to do.
  const message = error instanceof ConfigError ? error.message : `node failed to start: ${(error as Error).message}`;
  process.stderr.write(logLine('fatal', process.env.LIAISON_AGENCY ?? null, 'Node', message));
  process.exit(1);
});
