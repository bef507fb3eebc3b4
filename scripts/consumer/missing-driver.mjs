// In a project that installed no PostgreSQL, Redis, RabbitMQ or Kafka driver: each entry point
// still imports, and building a component that needs the driver fails with MissingDriverError
// naming the package to install. Run from the project folder.
const cases = [
  ['@es-gen/runtime/postgres', 'pg', (m) => new m.PostgreSQLEventStore('postgres://127.0.0.1:5432/none')],
  ['@es-gen/runtime/redis', 'ioredis', (m) => new m.RedisEventBus({ redis: 'redis://127.0.0.1:6379' })],
  [
    '@es-gen/runtime/rabbitmq',
    'amqplib',
    (m) => new m.RabbitMQEventBus({ url: 'amqp://127.0.0.1:5672' }).publish([]),
  ],
  ['@es-gen/runtime/kafka', 'kafkajs', (m) => new m.KafkaEventBus({ brokers: ['127.0.0.1:9092'] })],
];
let failed = 0;
for (const [entry, driver, build] of cases) {
  const module = await import(entry);
  let error;
  try {
    await build(module);
  } catch (caught) {
    error = caught;
  }
  const ok = error?.code === 'MISSING_DRIVER' && String(error.message).includes(`npm install ${driver}`);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${entry} without ${driver}: ${error ? error.message : 'no error'}`);
  if (!ok) failed++;
}
if (failed > 0) throw new Error(`${failed} entry point(s) did not report their missing driver`);
