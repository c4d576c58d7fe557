import { INestApplication, Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { KafkaInboxTransport } from './exchange/inbox.transport';
import { ATTACHMENT_BATCH, ChunkRetryPolicy } from './attachments/chunk.listener';
import { InboxMonitor } from './exchange/inbox.monitor';
import { httpBaseUrl, NodeConfig } from './config/node-config';
import { accessLog } from './access-log';
import { JsonLogger } from './json-logger';
import { applyApiRules, documentedMethods } from './http/api-rules';
import { buildOpenApi } from './http/openapi';
import { bodyErrorHandler, STRICT_JSON_OPTIONS } from './http/strict-json';
import { closeRuntime, NodeRuntime, openRuntime } from './runtime';
import { Clock } from './tokens';

/** How long the server keeps an idle keep-alive connection open (docs/api.md). */
export const KEEP_ALIVE_MS = 95_000;

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
    await closeRuntime(runtime);
    throw error;
  }
}

async function startApi(runtime: NodeRuntime, options: NodeOptions): Promise<RunningNode> {
  const { config } = runtime;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRuntime(runtime, options.clock), {
    logger: new JsonLogger(config.agency, options.logLevels ?? DEFAULT_LOG_LEVELS),
    bodyParser: false,
    // TLS terminated by the node itself when configured (README "TLS and reverse proxies").
    ...(config.httpTls ? { httpsOptions: { cert: config.httpTls.cert, key: config.httpTls.key } } : {}),
  });
  app.use(accessLog);
  // Strict JSON (UTF-8, no repeated member names, 256 KiB); its refusals are problems too.
  app.useBodyParser('json', STRICT_JSON_OPTIONS as never);
  app.use(bodyErrorHandler);
  const document = buildOpenApi(app, config.agency);
  applyApiRules(app, documentedMethods(document));
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json' });
  app.use((_req: unknown, res: { setHeader(n: string, v: string): void }, next: () => void) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  const server = app.getHttpServer() as { keepAliveTimeout: number; headersTimeout: number };
  // Idle keep-alive sockets must be closed by the client, never by the server under a request
  // the client is just sending (a reset it cannot tell from a lost notice): stay above the idle
  // timeouts of common clients and proxies (Node undici 4 s, nginx and load balancers 60 s, Go 90 s).
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  // Node's rule: headersTimeout above keepAliveTimeout, or a reused socket can be cut mid-headers.
  server.headersTimeout = KEEP_ALIVE_MS + 5_000;
  // The inbox runs as a NestJS microservice on the project's own Kafka batch consumer.
  app.connectMicroservice({
    strategy: new KafkaInboxTransport(runtime.consumers, {
      groupId: runtime.topics.inboxGroup(config.agency),
      topic: runtime.topics.inbox(config.agency),
      fromBeginning: true,
      // Each partition's batch is its own transaction and receipts are idempotent by id, so the
      // partitions are handled concurrently, as replicas of a node would handle them.
      partitionsConcurrently: config.inboxPartitions,
      // A batch that fails is retried in place with backoff, counted and reported by readiness.
      retry: app.get(InboxMonitor),
    }),
  });
  // Attachment chunks: the same transport on the agency's attachment topic, its own group, so a
  // 50 MB transfer never waits in front of the inbox's notices (decision 0014).
  app.connectMicroservice({
    strategy: new KafkaInboxTransport(runtime.consumers, {
      groupId: runtime.topics.attachmentsGroup(config.agency),
      topic: runtime.topics.attachments(config.agency),
      fromBeginning: true,
      partitionsConcurrently: config.inboxPartitions,
      retry: new ChunkRetryPolicy(),
    }, ATTACHMENT_BATCH),
  });
  try {
    // Modules first (the ledger's self-check runs at init), then the inbox, then HTTP.
    await app.init();
    await app.startAllMicroservices();
    await app.listen(config.httpPort, config.httpHost);
  } catch (error) {
    // The consumer, relay and timers already run; a port in use must not leave them behind.
    await app.close();
    throw error;
  }
  new Logger('Node').log(`agency ${config.agency} listening on ${httpBaseUrl(config)}`);
  return {
    app,
    close: async () => {
      await app.close();
      await closeRuntime(runtime);
    },
  };
}
