/**
 * The RabbitMQ event bus of the es-gen runtime, imported as `@es-gen/runtime/rabbitmq`. Needs the `amqplib`
 * package (`npm install amqplib`).
 */

export type { RabbitMQEventBusOptions } from './rabbitmq-event-bus.ts';
export { RabbitMQEventBus } from './rabbitmq-event-bus.ts';
