/**
 * The Kafka event bus of the es-gen runtime, imported as `@es-gen/runtime/kafka`. Needs the `kafkajs`
 * package (`npm install kafkajs`).
 */

export type { KafkaEventBusOptions } from './kafka-event-bus.ts';
export { KafkaEventBus } from './kafka-event-bus.ts';
