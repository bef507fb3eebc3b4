// In a project that installed no PostgreSQL, Redis, RabbitMQ or Kafka driver: each entry point
// still imports, and using a component that needs the driver fails with MissingDriverError
// naming the package to install. Copied into the project folder and run there.
import { createEvent, isMissingDriverError } from '@es-gen/runtime';

// Components build their driver's client on first use, so each case also uses the component.
const event = () =>
  createEvent({ eventType: 'Probed', aggregateType: 'Probe', aggregateId: 'p-1', data: {} });
const cases = [
  ['postgres', 'pg', (m) => new m.PostgreSQLEventStore('postgres://127.0.0.1:5432/none').initialize()],
  ['redis', 'ioredis', (m) => new m.RedisEventBus({ redis: 'redis://127.0.0.1:6379' }).publish([event()])],
  ['rabbitmq', 'amqplib', (m) => new m.RabbitMQEventBus({ url: 'amqp://127.0.0.1:5672' }).publish([event()])],
  ['kafka', 'kafkajs', (m) => new m.KafkaEventBus({ brokers: ['127.0.0.1:9092'] }).publish([event()])],
];
let failed = 0;
for (const [technology, driver, use] of cases) {
  const entry = `@es-gen/runtime/${technology}`;
  const module = await import(entry);
  let error;
  try {
    await use(module);
  } catch (caught) {
    error = caught;
  }
  const ok = isMissingDriverError(error) && String(error?.message).includes(`npm install ${driver}`);
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${entry} without ${driver}: ${error ? `${error.code}: ${error.message}` : 'no error'}`,
  );
  if (!ok) failed++;
}
if (failed > 0) throw new Error(`${failed} entry point(s) did not report their missing driver`);
