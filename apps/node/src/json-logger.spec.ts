import { logLevel } from 'kafkajs';
import { kafkaLogRecord, logLine, requestContext } from './json-logger';

describe('log schema', () => {
  it('writes one JSON object per line with exactly time, level, agency, context and message', () => {
    const line = logLine('warn', 'NL', 'Ledger', 'x');
    expect(line.endsWith('\n')).toBe(true);
    const record = JSON.parse(line);
    expect(Object.keys(record)).toEqual(['time', 'level', 'agency', 'context', 'requestId', 'message']);
    expect(record).toMatchObject({ level: 'warn', agency: 'NL', context: 'Ledger', message: 'x' });
  });

  it('names the HTTP request a line was written for', () => {
    expect(JSON.parse(logLine('log', 'NL', 'Notices', 'x')).requestId).toBeNull();
    const inside = requestContext.run({ requestId: 'r-1' }, () => logLine('log', 'NL', 'Notices', 'x'));
    expect(JSON.parse(inside).requestId).toBe('r-1');
  });

  it('puts kafkajs entries in the same schema, normal start-up conditions at debug', () => {
    const loading = kafkaLogRecord('Consumer', logLevel.ERROR, {
      message: 'Crash: KafkaJSProtocolError: The coordinator is loading and hence can\'t process requests',
      timestamp: 't',
      logger: 'kafkajs',
      groupId: 'liaison.NL.inbox',
      retryCount: 0,
    } as never);
    expect(loading).toEqual({ level: 'debug', context: 'kafkajs.Consumer', message: expect.stringContaining('(groupId=liaison.NL.inbox, retryCount=0)') });
    expect(kafkaLogRecord('Connection', logLevel.ERROR, { message: 'Connection error: connect ECONNREFUSED', broker: '127.0.0.1:19092' } as never)).toEqual({
      level: 'error',
      context: 'kafkajs.Connection',
      message: 'Connection error: connect ECONNREFUSED (broker=127.0.0.1:19092)',
    });
    expect(kafkaLogRecord('', logLevel.WARN, { message: 'w' } as never)).toEqual({ level: 'warn', context: 'kafkajs', message: 'w' });
  });
});
