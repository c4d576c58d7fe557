import { Logger } from '@nestjs/common';
import { BaseRpcContext, CustomTransportStrategy, Server } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import type { ConsumerOptions, InboundMessage, MessageConsumer } from '@liaison/transport';
import type { ConsumerFactory } from '../tokens';

/** The pattern of the inbox handler: one partition's batch of envelopes. */
export const INBOX_BATCH = 'liaison.inbox.batch';

/** What a handler may know of where its batch came from. */
export class InboxBatchContext extends BaseRpcContext<[topic: string, partition: number]> {
  get topic(): string {
    return this.args[0];
  }

  get partition(): number {
    return this.args[1];
  }
}

/**
 * A NestJS microservice transport over the project's own batch consumer (libs/transport), not
 * @nestjs/microservices' Kafka transport: that one runs `eachMessage` only and retries every
 * exception forever (brief). Here a batch goes to the `@EventPattern(INBOX_BATCH)` handler; its
 * offsets are committed only after the handler resolved (its transaction committed); a handler
 * failure makes the consumer retry the batch in place after the wait its retry policy says
 * (InboxMonitor: backoff, metric, readiness). Replicas share partitions through one group.
 */
export class KafkaInboxTransport extends Server implements CustomTransportStrategy {
  private readonly log = new Logger('InboxTransport');
  private consumer: MessageConsumer | null = null;

  constructor(
    private readonly consumers: ConsumerFactory,
    private readonly options: ConsumerOptions,
    /** The pattern whose handler takes the batches: the inbox's, or another topic's (attachment chunks). */
    private readonly pattern: string = INBOX_BATCH,
  ) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    const handler = this.getHandlerByPattern(this.pattern);
    if (!handler) return callback(new Error(`no handler for ${this.pattern}`));
    this.consumer = this.consumers.create(this.options);
    try {
      await this.consumer.start(async (batch: InboundMessage[]) => {
        const context = new InboxBatchContext([batch[0].topic, batch[0].partition]);
        await lastValueFrom(this.transformToObservable(await handler(batch, context)), { defaultValue: undefined });
      });
      this.log.log(`consuming ${this.options.topic}`);
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = null;
  }

  /** No transport events to subscribe to: status is reported through health and metrics. */
  on(): never {
    throw new Error('KafkaInboxTransport has no events');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }
}
