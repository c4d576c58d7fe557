import { AddressInfo } from 'net';
import { ConsoleLogger, INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TrustStore } from '@liaison/envelope';
import { createKafka, KafkaBatchConsumer } from '@liaison/transport';
import { DirectoryServiceConfig } from './config';
import { DirectoryAppModule } from './directory.controller';
import { ConsumerFactory, DirectoryFeed } from './directory-feed';
import { FileDirectoryCache } from './file-cache';

export interface DirectoryServiceOptions {
  logLevels?: LogLevel[];
  /** Replaces the Kafka consumer (tests of the HTTP side alone). */
  consumerFactory?: ConsumerFactory;
}

export interface RunningDirectoryService {
  app: INestApplication;
  /** http://host:port of the listening service. */
  url: string;
  trust: TrustStore;
  feed: DirectoryFeed;
  close(): Promise<void>;
}

/**
 * Starts the directory service: loads and re-verifies the cached directory, listens on HTTP, and
 * consumes the directory topic in the background (a broker outage never stops it serving the last
 * verified directory).
 */
export async function startDirectoryService(config: DirectoryServiceConfig, options: DirectoryServiceOptions = {}): Promise<RunningDirectoryService> {
  const logger = new ConsoleLogger('liaison-directory', { json: true, logLevels: options.logLevels ?? ['log', 'warn', 'error', 'fatal'] });
  const trust = new TrustStore(config.rootJwks, new FileDirectoryCache(config.cacheFile));
  const loaded = await trust.init();
  // The service only serves what the root signed (clients verify it again), so an unreadable cache
  // is a warning here, not a refusal to start: the topic refills it.
  if (loaded.state === 'loaded') logger.log(`cached directory serial ${loaded.serial} re-verified (${config.cacheFile})`, 'DirectoryService');
  else if (loaded.state === 'unreadable') logger.warn(`cached directory not used: ${loaded.reason}`, 'DirectoryService');
  // Few client retries: the feed retries itself with backoff, and a stop must not wait for kafkajs.
  const kafka = options.consumerFactory ? null : createKafka(config.kafka, { retry: { initialRetryTime: 300, retries: 3 } });
  const consumerFactory: ConsumerFactory =
    options.consumerFactory ?? ((groupId) => new KafkaBatchConsumer(kafka!, { groupId, topic: config.topic, fromBeginning: true }));
  const feed = new DirectoryFeed(trust, consumerFactory, config.groupPrefix, logger);
  const app = await NestFactory.create(DirectoryAppModule.forRuntime(trust, feed), { logger, bodyParser: false });
  (app.getHttpAdapter().getInstance() as { disable(setting: string): void }).disable('x-powered-by');
  app.use((_req: unknown, res: { setHeader(n: string, v: string): void }, next: () => void) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  await app.listen(config.httpPort, config.httpHost);
  const address = app.getHttpServer().address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.log(`serving the directory of root ${config.rootJwks.map((k) => k.kid).join(', ')} on ${url} (topic ${config.topic} as ${config.kafka.username})`, 'DirectoryService');
  feed.start();
  return {
    app,
    url,
    trust,
    feed,
    close: async () => {
      await feed.stop();
      await app.close();
    },
  };
}
