import { AsyncLocalStorage } from 'async_hooks';
import { ConsoleLogger, Logger, LogLevel } from '@nestjs/common';
import { logLevel as KafkaLevel, type LogEntry } from 'kafkajs';

/**
 * The node's one log schema: one JSON object per line with exactly these members. Callers log
 * identifiers, kinds, codes and counts only: never notice content, tokens or key material (see
 * docs/ARCHITECTURE.md, "What is logged").
 */
export interface LogRecord {
  /** RFC 3339 UTC with milliseconds. */
  time: string;
  level: LogLevel;
  /** The agency the node serves (null before its configuration is read). */
  agency: string | null;
  /** Who logged it: a Nest context (`Ledger`, `Inbox`) or `kafkajs.<namespace>`. */
  context: string;
  /** The HTTP request whose handling wrote the line (its `X-Request-Id`), else null. */
  requestId: string | null;
  message: string;
}

/** The request being handled, for every line its handling logs (set by the access log). */
export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

export function logLine(level: LogLevel, agency: string | null, context: string, message: string): string {
  const record: LogRecord = { time: new Date().toISOString(), level, agency, context, requestId: requestContext.getStore()?.requestId ?? null, message };
  return `${JSON.stringify(record)}\n`;
}

export class JsonLogger extends ConsoleLogger {
  constructor(
    private readonly agency: string,
    levels: LogLevel[],
  ) {
    super();
    this.setLogLevels(levels);
  }

  protected override printMessages(messages: unknown[], context = '', logLevel: LogLevel = 'log'): void {
    for (const message of messages) {
      const text = message instanceof Error ? message.message : typeof message === 'string' ? message : JSON.stringify(message);
      (logLevel === 'error' || logLevel === 'fatal' ? process.stderr : process.stdout).write(logLine(logLevel, this.agency, context, text));
    }
  }
}

/**
 * Conditions kafkajs reports as errors that are normal while a broker or a group starts or moves
 * (the client retries them): logged at debug, so a normal start shows no ERROR lines.
 */
const TRANSIENT = [
  /coordinator is loading/i,
  /coordinator is not available/i,
  /not the (correct )?coordinator/i,
  /not the leader/i,
  /leadership election/i,
  /rebalanc/i,
  /group is (re)?joining|rebalance in progress/i,
];

/** Members of a kafkajs log entry worth keeping (connection details, never message values). */
const KAFKA_FIELDS = ['broker', 'clientId', 'groupId', 'memberId', 'topic', 'partition', 'error', 'retryCount', 'retryTime'] as const;

/** What one kafkajs entry becomes in the node's schema. */
export function kafkaLogRecord(namespace: string, level: KafkaLevel, log: LogEntry['log']): { level: LogLevel; context: string; message: string } {
  const extra = KAFKA_FIELDS.filter((k) => log[k] !== undefined && log[k] !== null).map((k) => `${k}=${String(log[k])}`);
  const message = extra.length > 0 ? `${log.message} (${extra.join(', ')})` : log.message;
  const transient = TRANSIENT.some((re) => re.test(message));
  const mapped: LogLevel = transient ? 'debug' : level <= KafkaLevel.ERROR ? 'error' : level === KafkaLevel.WARN ? 'warn' : level === KafkaLevel.INFO ? 'log' : 'debug';
  return { level: mapped, context: `kafkajs${namespace ? `.${namespace}` : ''}`, message };
}

/** A kafkajs logCreator writing through Nest's logger (hence the JSON schema above). */
export function kafkaLogCreator(): (level: KafkaLevel) => (entry: LogEntry) => void {
  return () => (entry) => {
    const r = kafkaLogRecord(entry.namespace, entry.level, entry.log);
    const logger = new Logger(r.context);
    if (r.level === 'error') logger.error(r.message);
    else if (r.level === 'warn') logger.warn(r.message);
    else if (r.level === 'log') logger.log(r.message);
    else logger.debug(r.message);
  };
}
