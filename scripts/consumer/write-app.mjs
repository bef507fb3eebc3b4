// Writes the user's application, src/main.ts, with relative imports in the given style.
// Usage: node write-app.mjs <project folder> <.js|.ts|''>
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [root, ext = '.js'] = process.argv.slice(2);
const app = `import { AggregateRepository, ExpectedVersion, createEvent, uuidv7 } from '@es-gen/runtime';
import { SQLiteEventStore, SQLiteSnapshotStore } from '@es-gen/runtime/sqlite';
import { Customer } from './domain/customer${ext}';
import { createEventRegistry } from './generated/index${ext}';

const file = ':memory:';
const eventStore = new SQLiteEventStore(file, { registry: createEventRegistry() });
const customers = new AggregateRepository({
  eventStore,
  aggregateType: Customer.aggregateType,
  aggregateFactory: (id: string) => new Customer(id),
  snapshotStore: new SQLiteSnapshotStore(eventStore.database),
  snapshotEvery: 2,
});

const id = uuidv7();
const created = new Customer(id);
created.registerCustomer({ firstName: 'Ada', lastName: 'Lovelace', email: 'Ada@Example.com' });
await customers.save(created);
await customers.update(id, (customer) => customer.changeEmail({ email: 'ada@analytical.engine' }));

// A version 1 event stored by an older release reads as version 2 through the upcaster.
const legacyId = uuidv7();
await eventStore.appendEvents(legacyId, 'Customer', [
  createEvent({
    eventType: 'CustomerRegistered',
    schemaVersion: 1,
    aggregateType: 'Customer',
    aggregateId: legacyId,
    data: { name: 'Grace Brewster Hopper', email: 'Grace@Navy.mil' },
  }),
], ExpectedVersion.NoStream);

const loaded = await customers.load(id);
const legacy = await customers.load(legacyId);
const rejected = await customers
  .update(id, (customer) => customer.changeEmail({ email: 'not an e-mail' }))
  .then(() => 'accepted', (error: Error) => error.name);
console.log(JSON.stringify({ state: loaded.getState(), version: loaded.version, legacy: legacy.getState(), rejected }));
const ok =
  loaded.getState().email === 'ada@analytical.engine' &&
  loaded.version === 2 &&
  legacy.getState().firstName === 'Grace Brewster' &&
  legacy.getState().lastName === 'Hopper';
console.log(ok ? 'consumer ok' : 'consumer FAILED');
await eventStore.close();
process.exitCode = ok ? 0 : 1;
`;
writeFileSync(join(root, 'src', 'main.ts'), app);
console.log(`wrote src/main.ts (relative imports ${ext === '' ? 'without an extension' : `with ${ext}`})`);
