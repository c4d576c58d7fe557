import { INestApplication, Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { NodeConfig } from './config/node-config';
import { accessLog } from './access-log';
import { JsonLogger } from './json-logger';
import { NodeRuntime, openRuntime } from './runtime';
import { Clock } from './tokens';

const DEFAULT_LOG_LEVELS: LogLevel[] = ['log', 'warn', 'error', 'fatal'];

export interface NodeOptions {
  clock?: Clock;
  logLevels?: LogLevel[];
}

export interface RunningNode {
  app: INestApplication;
  /** Stops consumers, relay and HTTP, then closes the broker and database connections. */
  close(): Promise<void>;
}

/** Opens the runtime and starts the node's HTTP API, inbox consumer, outbox relay and ledger. */
export async function startNode(config: NodeConfig, options: NodeOptions = {}): Promise<RunningNode> {
  // Every line in the node's schema from the first (migrations, the runtime, kafkajs), not only Nest's own.
  Logger.overrideLogger(new JsonLogger(config.agency, options.logLevels ?? DEFAULT_LOG_LEVELS));
  const runtime = await openRuntime(config);
  try {
    return await startApi(runtime, options);
  } catch (error) {
    await runtime.publisher.close();
    await runtime.dataSource.destroy();
    throw error;
  }
}

async function startApi(runtime: NodeRuntime, options: NodeOptions): Promise<RunningNode> {
  const { config } = runtime;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRuntime(runtime, options.clock), {
    logger: new JsonLogger(config.agency, options.logLevels ?? DEFAULT_LOG_LEVELS),
    bodyParser: false,
  });
  app.use(accessLog);
  // Bodies are small JSON documents; anything larger is refused before it is parsed.
  app.useBodyParser('json', { limit: '256kb' });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`Liaison node ${config.agency}`)
      .setDescription('Send, receive, acknowledge and answer notices; audit the exchange ledger.')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json' });
  app.use((_req: unknown, res: { setHeader(n: string, v: string): void }, next: () => void) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  try {
    await app.listen(config.httpPort, '127.0.0.1');
  } catch (error) {
    // The consumer, relay and timers already run (init); a port in use must not leave them behind.
    await app.close();
    throw error;
  }
  new Logger('Node').log(`agency ${config.agency} listening on http://127.0.0.1:${config.httpPort}`);
  return {
    app,
    close: async () => {
      await app.close();
      await runtime.publisher.close();
      await runtime.dataSource.destroy();
    },
  };
}
