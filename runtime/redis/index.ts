/**
 * The Redis Streams event bus of the es-gen runtime, imported as `@es-gen/runtime/redis`. Needs the `ioredis`
 * package (`npm install ioredis`).
 */

export type { RedisEventBusOptions } from './redis-event-bus.ts';
export { RedisEventBus } from './redis-event-bus.ts';
