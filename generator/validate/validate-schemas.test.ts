import { describe, expect, it } from 'vitest';
import { diagnosticLine } from '../load/diagnostic.ts';
import { parseSchemas } from '../load/load-schemas.ts';
import { validateSchemas } from './validate-schemas.ts';

/** Validates the given files and returns `file:line:col: message; hint` lines. */
function errors(files: Record<string, string>): string[] {
  return validateSchemas(parseSchemas(files)).map(diagnosticLine);
}

/** An aggregate file `schemas/a.yaml` with the given body lines after `kind` and `name`. */
function aggregate(...body: string[]): Record<string, string> {
  return { 'schemas/a.yaml': ['kind: aggregate', 'name: Order', ...body, ''].join('\n') };
}

describe('YAML loading', () => {
  it('reports duplicate keys at the second key, together with the other errors of the file', () => {
    const body = ['state:', '  total: numbr', 'events:', '  A: {}', '  A: {}'];
    expect(errors(aggregate(...body))).toEqual([
      'schemas/a.yaml:4:10: unknown type `numbr`; did you mean `number`?',
      'schemas/a.yaml:7:3: duplicate key `A`; each key may appear once in a map; remove or rename one of them',
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    const [line] = errors({ 'schemas/a.yaml': 'kind: aggregate\nname: [Order\n' });
    expect(line).toMatch(/^schemas\/a\.yaml:3:1: invalid YAML: /);
  });
});

describe('meta-schema errors', () => {
  it('reports unknown keys at the key with a suggestion', () => {
    expect(errors(aggregate('commands:', '  PlaceOrder:', '    feilds: {}'))).toEqual([
      'schemas/a.yaml:5:5: unknown key `feilds` in `commands.PlaceOrder`; did you mean `fields`?',
    ]);
  });

  it('reports unknown keys in the long field form', () => {
    expect(errors(aggregate('state:', '  total: { type: number, minimun: 0 }'))).toEqual([
      'schemas/a.yaml:4:26: unknown key `minimun` in `state.total`; did you mean `minimum`?',
    ]);
  });

  it('lists the allowed keys when no key is close', () => {
    expect(errors({ 'schemas/p.yaml': 'kind: projection\nname: P\nhandles: [X]\nzzz: 1\n' })).toEqual([
      'schemas/p.yaml:3:11: unknown event `X`',
      'schemas/p.yaml:4:1: unknown key `zzz`; expected one of `kind`, `name`, `description`, `handles`, `checkpoint`, `retries`, `partitions`, `readModel`',
    ]);
  });

  it('reports a missing or unknown kind', () => {
    expect(
      errors({ 'schemas/a.yaml': 'name: Order\n', 'schemas/b.yaml': 'kind: aggregat\nname: B\n' }),
    ).toEqual([
      'schemas/a.yaml:1:1: the file is missing the required key `kind`; a schema file starts with `kind: aggregate`, `kind: projection` or `kind: types`',
      'schemas/b.yaml:1:7: `kind` must be one of `aggregate`, `projection`, `types`, found the string `aggregat`; did you mean `aggregate`?',
    ]);
  });

  it('reports an empty file', () => {
    expect(errors({ 'schemas/a.yaml': '# nothing\n' })).toEqual([
      'schemas/a.yaml:1:1: the file is empty; a schema file starts with `kind: aggregate`, `kind: projection` or `kind: types`',
    ]);
  });

  it('reports wrong value types, missing keys and bounds', () => {
    expect(
      errors(
        aggregate(
          'snapshot: { every: 0 }',
          'events:',
          '  A:',
          '    retired: yes',
          '    versions:',
          '      - fields: {}',
          '      - version: 2',
          '        upcast: { custom: false }',
        ),
      ),
    ).toEqual([
      'schemas/a.yaml:3:20: `snapshot.every` must be at least 1, found the integer 0',
      'schemas/a.yaml:6:14: `events.A.retired` must be `true` or `false`, found the string `yes`',
      'schemas/a.yaml:8:9: `events.A.versions[0]` is missing the required key `version`',
      'schemas/a.yaml:10:27: `events.A.versions[1].upcast.custom` must be `true`, found `false`',
    ]);
  });

  it('reports a field that is neither a type name nor a long form', () => {
    expect(errors(aggregate('state:', '  lines: [1]'))).toEqual([
      'schemas/a.yaml:4:10: `state.lines` must be a string or a map, found a list',
    ]);
  });
});

describe('semantic errors', () => {
  it('reports unknown types with a suggestion, in both field forms', () => {
    expect(
      errors(aggregate('state:', '  total: numbr', '  count: { type: "intger[]" }', '  x: Foo')),
    ).toEqual([
      'schemas/a.yaml:4:10: unknown type `numbr`; did you mean `number`?',
      'schemas/a.yaml:5:18: unknown type `intger`; did you mean `integer`?',
      'schemas/a.yaml:6:6: unknown type `Foo`; use one of string, integer, number, boolean, uuid, datetime, date, decimal, json or a type declared under `types:` in any schema file',
    ]);
  });

  it('reports malformed type strings', () => {
    expect(errors(aggregate('state:', '  total: "number[?"'))).toEqual([
      'schemas/a.yaml:4:10: invalid type `number[?`; write a type name, `T[]` for a list or `T?` for an optional field, e.g. `OrderLine[]?`',
    ]);
  });

  it('resolves named types across files and suggests them', () => {
    const files = {
      ...aggregate('state:', '  line: OrderLine', '  other: OrderLin'),
      'schemas/types.yaml': 'kind: types\ntypes:\n  OrderLine: { fields: { sku: string } }\n',
    };
    expect(errors(files)).toEqual([
      'schemas/a.yaml:5:10: unknown type `OrderLin`; did you mean `OrderLine`?',
    ]);
  });

  it('reports unknown and retired events in emits', () => {
    expect(
      errors(
        aggregate(
          'commands:',
          '  PlaceOrder:',
          '    emits: [OrderPlced, OrderShipped, Order.OrderPlaced]',
          'events:',
          '  OrderPlaced: {}',
          '  OrderShipped: { retired: true }',
        ),
      ),
    ).toEqual([
      'schemas/a.yaml:5:13: `PlaceOrder` emits unknown event `OrderPlced`; did you mean `OrderPlaced`?',
      'schemas/a.yaml:5:25: `PlaceOrder` emits `OrderShipped`, which is retired; remove it from `emits`: a retired event stays readable but is no longer emitted',
      'schemas/a.yaml:5:39: `PlaceOrder` emits unknown event `Order.OrderPlaced`; a command emits events of its own aggregate; write `OrderPlaced`',
    ]);
  });

  it('reports emitting an event of another aggregate', () => {
    const files = {
      ...aggregate('commands:', '  Pay: { emits: [Paid] }'),
      'schemas/b.yaml': 'kind: aggregate\nname: Payment\nevents:\n  Paid: {}\n',
    };
    expect(errors(files)).toEqual([
      'schemas/a.yaml:4:18: `Pay` emits unknown event `Paid`; `Paid` is an event of `Payment`; a command emits events of its own aggregate (`Order`)',
    ]);
  });

  it('reports unknown, ambiguous and duplicate events in handles', () => {
    const files = {
      ...aggregate('events:', '  OrderPlaced: {}', '  OrderShipped: {}'),
      'schemas/b.yaml': 'kind: aggregate\nname: Cart\nevents:\n  OrderPlaced: {}\n',
      'schemas/p.yaml': [
        'kind: projection',
        'name: Summary',
        'handles:',
        '  - OrderPlaced',
        '  - Order.OrderShiped',
        '  - Crt.OrderPlaced',
        '  - OrderShippd',
        '  - OrderShipped',
        '  - Order.OrderShipped',
        '  - Cart.OrderPlaced',
        '',
      ].join('\n'),
    };
    expect(errors(files)).toEqual([
      'schemas/b.yaml:4:3: event `OrderPlaced` is already defined by aggregate `Order` (schemas/a.yaml); event type names are global; prefix it with the aggregate, e.g. `CartOrderPlaced`',
      'schemas/p.yaml:4:5: event `OrderPlaced` is ambiguous: `Order` and `Cart` both define it; write `Order.OrderPlaced` or `Cart.OrderPlaced`',
      'schemas/p.yaml:5:5: aggregate `Order` has no event `OrderShiped`; did you mean `OrderShipped`?',
      'schemas/p.yaml:6:5: unknown aggregate `Crt` in `Crt.OrderPlaced`; did you mean `Cart`?',
      'schemas/p.yaml:7:5: unknown event `OrderShippd`; did you mean `OrderShipped`?',
      'schemas/p.yaml:9:5: `handles` lists `Order.OrderShipped` twice (items 5 and 6); remove the duplicate',
    ]);
  });

  it('reports versions that are not 1..n in order and an upcast on the first version', () => {
    expect(
      errors(
        aggregate(
          'events:',
          '  A:',
          '    versions:',
          '      - version: 1',
          '        upcast: { remove: [x] }',
          '      - version: 3',
          '      - version: 2',
        ),
      ),
    ).toEqual([
      'schemas/a.yaml:7:9: the first version of `A` has no earlier version to upcast from; remove `upcast`',
      'schemas/a.yaml:8:18: version 3 of `A` is out of order: entry 2 of `versions` must be version 2; number versions 1, 2, 3, ... oldest first',
      'schemas/a.yaml:9:18: version 2 of `A` is out of order: entry 3 of `versions` must be version 3; number versions 1, 2, 3, ... oldest first',
    ]);
  });

  it('reports upcasts naming fields missing from either version', () => {
    expect(
      errors(
        aggregate(
          'events:',
          '  A:',
          '    versions:',
          '      - version: 1',
          '        fields: { total: number, status: string, code: string }',
          '      - version: 2',
          '        fields: { amount: number, currency: string, state: string }',
          '        upcast:',
          '          rename: { total: amount, totl: x }',
          '          add: { currency: USD, extra: 1, status: a }',
          '          remove: [cod, code]',
          '          map: { status: { a: b }, nope: { a: b } }',
        ),
      ),
    ).toEqual([
      'schemas/a.yaml:11:36: `rename` names `totl`, which is not a field of version 1; did you mean `total`?',
      'schemas/a.yaml:11:42: `rename` renames `totl` to `x`, which is not a field of version 2',
      'schemas/a.yaml:12:33: `add` adds `extra`, which is not a field of version 2',
      'schemas/a.yaml:12:43: `add` names `status`, which version 1 already has; use `map` to change its values',
      'schemas/a.yaml:13:20: `remove` names `cod`, which is not a field of version 1; did you mean `code`?',
      'schemas/a.yaml:14:18: `map` maps `status`, which is not a field of version 2; did you mean `state`?',
      'schemas/a.yaml:14:36: `map` names `nope`, which is not a field of version 1',
    ]);
  });

  it('reports upcast values of the wrong type', () => {
    expect(
      errors(
        aggregate(
          'types:',
          '  Status: { enum: [open, closed] }',
          'events:',
          '  A:',
          '    versions:',
          '      - version: 1',
          '        fields: { status: string }',
          '      - version: 2',
          '        fields: { status: Status, count: integer }',
          '        upcast:',
          '          add: { count: "3" }',
          '          map: { status: { o: opn } }',
        ),
      ),
    ).toEqual([
      'schemas/a.yaml:13:25: value of `count` must be an integer, found the string `3`',
      'schemas/a.yaml:14:31: `map` value for `status` must be one of `open`, `closed` (type `Status`), found the string `opn`',
    ]);
  });

  it('rejects custom combined with other operations', () => {
    expect(
      errors(
        aggregate(
          'events:',
          '  A:',
          '    versions:',
          '      - version: 1',
          '        fields: { a: string }',
          '      - version: 2',
          '        upcast: { remove: [a], custom: true }',
        ),
      ),
    ).toEqual([
      'schemas/a.yaml:9:32: `custom: true` cannot be combined with `remove`; do every step in the custom upcaster, or remove `custom`',
    ]);
  });

  it('reports defaults of the wrong type and enum defaults outside the enum', () => {
    expect(
      errors(
        aggregate(
          'types:',
          '  Status: { enum: [draft, placed] }',
          '  Line: { fields: { sku: string, qty: integer } }',
          'state:',
          '  status: { type: Status, default: placd }',
          '  total: { type: number, default: "0" }',
          '  price: { type: decimal, default: 1.5 }',
          '  size: { type: string, enum: [small, large], default: smal }',
          '  when: { type: datetime, default: yesterday }',
          '  id: { type: uuid, default: 42 }',
          '  lines: { type: "Line[]", default: [{ sku: a }] }',
          '  flag: { type: boolean, default: null }',
          '  ok: { type: "integer?", default: null }',
        ),
      ),
    ).toEqual([
      'schemas/a.yaml:7:36: default of `status` must be one of `draft`, `placed` (type `Status`), found the string `placd`',
      'schemas/a.yaml:8:35: default of `total` must be a number, found the string `0`',
      "schemas/a.yaml:9:36: default of `price` must be a decimal written as a string (quote it: '1.5'), found the number 1.5",
      'schemas/a.yaml:10:56: default of `size` is the string `smal`, which is not in its enum (`small`, `large`); did you mean `small`?',
      'schemas/a.yaml:11:36: default of `when` must be an ISO-8601 date-time with a time zone (e.g. 2024-01-31T12:00:00Z), found the string `yesterday`',
      'schemas/a.yaml:12:30: default of `id` must be a UUID, found the integer 42',
      'schemas/a.yaml:13:37: default of `lines` item 1 is missing `qty` (a required field of `Line`)',
      'schemas/a.yaml:14:35: default of `flag` must not be empty (null); the field is not optional',
    ]);
  });

  it('reports constraints that do not fit the type', () => {
    expect(
      errors(
        aggregate(
          'state:',
          '  name: { type: string, minimum: 1 }',
          '  size: { type: integer, enum: [1, big] }',
        ),
      ),
    ).toEqual([
      'schemas/a.yaml:4:25: `minimum` applies to integer and number fields, not to `string`; remove `minimum` or change the type',
      'schemas/a.yaml:5:36: enum value of `size` must be an integer, found the string `big`',
    ]);
  });

  it('requires PascalCase names for types, events, commands, aggregates and camelCase fields', () => {
    expect(
      errors({
        'schemas/a.yaml': [
          'kind: aggregate',
          'name: order_book',
          'types:',
          '  line_item: { fields: { Sku: string } }',
          'commands:',
          '  placeOrder: { fields: { customer_id: uuid } }',
          'events:',
          '  order-placed: { fields: { unit_price: number } }',
          '',
        ].join('\n'),
      }),
    ).toEqual([
      'schemas/a.yaml:2:7: aggregate name `order_book` must be PascalCase; write `OrderBook`',
      'schemas/a.yaml:4:3: type name `line_item` must be PascalCase; write `LineItem`',
      'schemas/a.yaml:4:26: field name `Sku` must be camelCase; write `sku`',
      'schemas/a.yaml:6:3: command name `placeOrder` must be PascalCase; write `PlaceOrder`',
      'schemas/a.yaml:6:27: field name `customer_id` must be camelCase; write `customerId`',
      'schemas/a.yaml:8:3: event name `order-placed` must be PascalCase; write `OrderPlaced`',
      'schemas/a.yaml:8:29: field name `unit_price` must be camelCase; write `unitPrice`',
    ]);
  });

  it('reports duplicate names across files', () => {
    const files = {
      ...aggregate(
        'types:',
        '  Money: { fields: { amount: number } }',
        'events:',
        '  Money: {}',
        'commands:',
        '  Money: {}',
      ),
      'schemas/b.yaml': 'kind: aggregate\nname: Order\n',
      'schemas/c.yaml': 'kind: types\ntypes:\n  Money: { enum: [x] }\n',
      'schemas/d.yaml': 'kind: projection\nname: Order\nhandles: [Money]\n',
    };
    expect(errors(files)).toEqual([
      'schemas/a.yaml:6:3: event `Money` has the same name as the type at schemas/a.yaml:4:3; rename the event or the type',
      'schemas/a.yaml:8:3: command `Money` has the same name as an event of `Order`; name commands as requests (`PlaceOrder`) and events as facts (`OrderPlaced`)',
      'schemas/a.yaml:8:3: command `Money` has the same name as the type at schemas/a.yaml:4:3; rename the command or the type',
      'schemas/b.yaml:2:7: aggregate `Order` is already defined as an aggregate at schemas/a.yaml:2:7; types, aggregates and projections share one namespace across all files; rename one of them',
      'schemas/c.yaml:3:3: type `Money` is already defined as a type at schemas/a.yaml:4:3; types, aggregates and projections share one namespace across all files; rename one of them',
      'schemas/d.yaml:2:7: projection `Order` is already defined as an aggregate at schemas/a.yaml:2:7; types, aggregates and projections share one namespace across all files; rename one of them',
    ]);
  });

  it('rejects the same event name in two aggregates, since stored events are keyed by type name', () => {
    const files = {
      ...aggregate('events:', '  Opened: {}'),
      'schemas/b.yaml': 'kind: aggregate\nname: Account\nevents:\n  Opened: {}\n',
      'schemas/p.yaml': 'kind: projection\nname: Feed\nhandles: [Order.Opened, Account.Opened]\n',
    };
    expect(errors(files)).toEqual([
      'schemas/b.yaml:4:3: event `Opened` is already defined by aggregate `Order` (schemas/a.yaml); event type names are global; prefix it with the aggregate, e.g. `AccountOpened`',
    ]);
  });

  it('accepts the qualified Aggregate.Event form in handles', () => {
    const files = {
      ...aggregate('events:', '  Opened: {}'),
      'schemas/p.yaml': 'kind: projection\nname: Feed\nhandles: [Order.Opened]\n',
    };
    expect(errors(files)).toEqual([]);
  });

  it('reports fields and versions together, fields and enum together, retries without checkpoint', () => {
    const files = {
      ...aggregate(
        'types:',
        '  T: { fields: { a: string }, enum: [x] }',
        'events:',
        '  A:',
        '    fields: { a: string }',
        '    versions: [{ version: 1 }]',
      ),
      'schemas/p.yaml': 'kind: projection\nname: P\nhandles: [A]\nretries: 2\n',
    };
    expect(errors(files)).toEqual([
      'schemas/a.yaml:4:31: type `T` has both `fields` and `enum`; an object type has `fields`, an enum type has `enum`; split it into two types',
      'schemas/a.yaml:8:5: event `A` has both `fields` and `versions`; give `fields` for an event with one version, or list every version under `versions`',
      'schemas/p.yaml:4:1: `retries` needs `checkpoint: true`; add `checkpoint: true` (retries and dead letters need a checkpoint) or remove `retries`',
    ]);
  });

  it('reports a partition count that is not an integer from 1 to 1024, and partitions without checkpoint', () => {
    const files = {
      ...aggregate('events:', '  A: { fields: { a: string } }'),
      'schemas/p.yaml': 'kind: projection\nname: P\nhandles: [A]\ncheckpoint: true\npartitions: 0\n',
      'schemas/q.yaml': 'kind: projection\nname: Q\nhandles: [A]\ncheckpoint: true\npartitions: 2.5\n',
      'schemas/r.yaml': 'kind: projection\nname: R\nhandles: [A]\npartitions: 4\n',
      'schemas/s.yaml': 'kind: projection\nname: S\nhandles: [A]\ncheckpoint: true\npartitions: 4\n',
      'schemas/t.yaml': 'kind: projection\nname: T\nhandles: [A]\ncheckpoint: true\npartitions: 2000\n',
    };
    expect(errors(files)).toEqual([
      'schemas/p.yaml:5:13: `partitions` must be at least 1, found the integer 0',
      'schemas/q.yaml:5:13: `partitions` must be an integer, found the number 2.5',
      'schemas/r.yaml:4:1: `partitions` needs `checkpoint: true`; add `checkpoint: true` (each partition keeps its own checkpoint) or remove `partitions`',
      'schemas/t.yaml:5:13: `partitions` must be at most 1024, found the integer 2000',
    ]);
  });

  it('reports every error of every file at once, meta-schema and semantic together', () => {
    const files = {
      ...aggregate('state:', '  total: numbr', 'snapshot: { every: 0 }'),
      'schemas/b.yaml': 'kind: projection\nname: P\nhandles: [Nope]\nchekpoint: true\n',
    };
    expect(errors(files)).toEqual([
      'schemas/a.yaml:4:10: unknown type `numbr`; did you mean `number`?',
      'schemas/a.yaml:5:20: `snapshot.every` must be at least 1, found the integer 0',
      'schemas/b.yaml:3:11: unknown event `Nope`',
      'schemas/b.yaml:4:1: unknown key `chekpoint`; did you mean `checkpoint`?',
    ]);
  });

  it('accepts the sample schemas and types from a file that failed the meta-schema', () => {
    const files = {
      ...aggregate('state:', '  line: Line'),
      'schemas/t.yaml': 'kind: types\ntypes:\n  Line: { fields: { sku: string } }\nextra: 1\n',
    };
    expect(errors(files)).toEqual([
      'schemas/t.yaml:4:1: unknown key `extra`; expected one of `kind`, `description`, `types`',
    ]);
  });
});
