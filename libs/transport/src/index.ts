export { createKafka, defaultReplication, kafkaSettingsFromEnv, SASL_MECHANISMS, TOPIC_PREFIX_PATTERN, type KafkaSettings, type Replication, type SaslMechanism } from './kafka-settings';
export { federationTopics, FederationTopics } from './topics';
export { federationAcls, federationTopicConfigs, INBOX_RETENTION_MS, provisionFederation, type FederationLayout } from './provision';
export type { BatchHandler, InboundMessage, MessageConsumer, MessageHeaders, MessagePublisher, OutboundMessage } from './messages';
export { KafkaBatchConsumer, KafkaBrokerProbe, KafkaPublisher, type BatchRetryPolicy, type BrokerProbe, type ConsumerOptions } from './kafka-clients';
export { strimziAcls, strimziResources, strimziUserName, type StrimziAcl, type StrimziOptions, type StrimziResource } from './strimzi';
