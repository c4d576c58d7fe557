import { ConfigError, EnvReader } from '@liaison/config';
import { defaultReplication, kafkaSettingsFromEnv } from './kafka-settings';

const settings = (env: Record<string, string>) =>
  kafkaSettingsFromEnv(new EnvReader({ KAFKA_USERNAME: 'NL', KAFKA_PASSWORD: 'secret', ...env }), 'test');

describe('replication settings (KAFKA_REPLICATION_FACTOR, KAFKA_MIN_INSYNC_REPLICAS)', () => {
  it('defaults to 1 and 1 for a one-broker bootstrap list (the local quick start)', () => {
    expect(settings({ KAFKA_BROKERS: '127.0.0.1:19092' }).replication).toEqual({ factor: 1, minInsyncReplicas: 1 });
  });

  it('defaults to 3 and 2 when three or more brokers are configured (one may fail, no write is lost)', () => {
    expect(settings({ KAFKA_BROKERS: 'a:9092,b:9092,c:9092' }).replication).toEqual({ factor: 3, minInsyncReplicas: 2 });
    expect(settings({ KAFKA_BROKERS: 'a:9092,b:9092,c:9092,d:9092,e:9092' }).replication).toEqual({ factor: 3, minInsyncReplicas: 2 });
    expect(defaultReplication(2)).toEqual({ factor: 2, minInsyncReplicas: 1 });
  });

  it('takes explicit values, a minimum in-sync count below a smaller factor included', () => {
    expect(settings({ KAFKA_BROKERS: 'a:1,b:1,c:1', KAFKA_REPLICATION_FACTOR: '5', KAFKA_MIN_INSYNC_REPLICAS: '3' }).replication).toEqual({ factor: 5, minInsyncReplicas: 3 });
    expect(settings({ KAFKA_BROKERS: 'a:1,b:1,c:1', KAFKA_REPLICATION_FACTOR: '1' }).replication).toEqual({ factor: 1, minInsyncReplicas: 1 });
  });

  it.each([
    [{ KAFKA_REPLICATION_FACTOR: '0' }, 'KAFKA_REPLICATION_FACTOR', /between 1 and 32767/],
    [{ KAFKA_REPLICATION_FACTOR: 'three' }, 'KAFKA_REPLICATION_FACTOR', /whole number/],
    [{ KAFKA_MIN_INSYNC_REPLICAS: '0' }, 'KAFKA_MIN_INSYNC_REPLICAS', /between 1 and 32767/],
    [{ KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '4' }, 'KAFKA_MIN_INSYNC_REPLICAS', /at most KAFKA_REPLICATION_FACTOR \(3\), got 4/],
    [{ KAFKA_MIN_INSYNC_REPLICAS: '2' }, 'KAFKA_MIN_INSYNC_REPLICAS', /at most KAFKA_REPLICATION_FACTOR \(1\), got 2/],
  ])('refuses %j naming %s', (env, variable, problem) => {
    let error: unknown;
    try {
      settings({ KAFKA_BROKERS: '127.0.0.1:19092', ...env });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toMatch(problem);
  });
});
