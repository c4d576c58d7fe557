import { randomUUID } from 'crypto';
import { LoggerService } from '@nestjs/common';
import { TrustStore } from '@liaison/envelope';
import { InboundMessage, MessageConsumer } from '@liaison/transport';

/** Largest directory record considered; anything larger is refused unread. */
const MAX_DIRECTORY_BYTES = 4 * 1024 * 1024;

export interface FeedStatus {
  /** Whether the consumer is connected and reading the topic. */
  consuming: boolean;
  lastAccepted: { serial: number; at: string } | null;
  lastRefused: { reason: string; detail: string; at: string } | null;
  lastError: { message: string; at: string } | null;
}

export type ConsumerFactory = (groupId: string) => MessageConsumer;

/**
 * Reads the compacted directory topic from its beginning and offers every record to the trust
 * store, which adopts only what the pinned root signed and what moves forward (no rollback).
 * Anything refused is logged and the last verified directory keeps being served. A broker that
 * is down at start or goes away is retried with backoff; the HTTP side never waits for it.
 *
 * Each start uses a fresh consumer group (under the principal's allowed prefix), so the whole
 * topic — after compaction, the latest directory — is read again on every start.
 */
export class DirectoryFeed {
  readonly status: FeedStatus = { consuming: false, lastAccepted: null, lastRefused: null, lastError: null };
  private consumer: MessageConsumer | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;
  /** The current connection attempt; stop() waits for it so nothing runs after a close. */
  private inFlight: Promise<void> = Promise.resolve();
  private readonly groupId: string;

  constructor(
    private readonly trust: TrustStore,
    private readonly createConsumer: ConsumerFactory,
    groupPrefix: string,
    private readonly log: LoggerService,
  ) {
    this.groupId = `${groupPrefix}directory-service.${randomUUID()}`;
  }

  /** Starts consuming in the background; resolves at once. */
  start(): void {
    this.stopped = false;
    this.inFlight = this.attempt(1000);
  }

  private async attempt(backoffMs: number): Promise<void> {
    if (this.stopped) return;
    const consumer = this.createConsumer(this.groupId);
    this.consumer = consumer;
    try {
      await consumer.start((batch) => this.handle(batch));
      this.status.consuming = true;
      this.log.log?.(`consuming the directory topic as group ${this.groupId}`, 'DirectoryFeed');
    } catch (error) {
      this.status.consuming = false;
      this.status.lastError = { message: (error as Error).message, at: new Date().toISOString() };
      this.log.warn(`directory topic unreachable (${(error as Error).message}); serving the last verified directory, retrying in ${backoffMs} ms`, 'DirectoryFeed');
      await consumer.stop().catch(() => undefined);
      if (this.stopped) return;
      this.retry = setTimeout(() => (this.inFlight = this.attempt(Math.min(backoffMs * 2, 30_000))), backoffMs);
    }
  }

  private async handle(batch: InboundMessage[]): Promise<void> {
    for (const message of batch) {
      const where = `offset ${message.offset}`;
      if (!message.value) continue; // a tombstone: compaction removed the key; keep what we hold
      if (message.value.length > MAX_DIRECTORY_BYTES) {
        this.refused('too_large', `${message.value.length} bytes at ${where}`);
        continue;
      }
      const result = await this.trust.accept(message.value.toString('utf8').trim());
      if (!result.ok) {
        this.refused(result.reason, `${result.detail} (${where})`);
        continue;
      }
      if (result.changed) {
        this.status.lastAccepted = { serial: result.directory.serial, at: new Date().toISOString() };
        this.log.log?.(`directory serial ${result.directory.serial} of ${result.directory.federation} verified and served (${where})`, 'DirectoryFeed');
        if (!result.persisted) this.log.warn('the verified directory could not be written to the cache file', 'DirectoryFeed');
      }
    }
  }

  private refused(reason: string, detail: string): void {
    this.status.lastRefused = { reason, detail, at: new Date().toISOString() };
    this.log.warn(`refused a directory from the topic: ${reason} (${detail}); still serving serial ${this.trust.serial ?? 'none'}`, 'DirectoryFeed');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.status.consuming = false;
    await this.consumer?.stop().catch(() => undefined);
    await this.inFlight;
  }
}
