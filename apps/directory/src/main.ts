import 'reflect-metadata';
import { ConfigError } from '@liaison/config';
import { loadDirectoryConfig } from './config';
import { startDirectoryService } from './service';

export { loadDirectoryConfig, type DirectoryServiceConfig } from './config';
export { startDirectoryService, type RunningDirectoryService } from './service';

async function main(): Promise<void> {
  const service = await startDirectoryService(await loadDirectoryConfig(process.env));
  const stop = () => void service.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    // Fail fast with the reason: a wrong variable is named.
    const message = error instanceof ConfigError ? error.message : `directory service failed to start: ${(error as Error).message}`;
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'fatal', message })}\n`);
    process.exit(1);
  });
}
