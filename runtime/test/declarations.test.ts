import { describe, expect, it } from 'vitest';
import {
  callsFunction,
  declaresInterface,
  implementingClasses,
  valueExportNames,
} from './support/declarations.ts';

/** Proves the source readers behind port-layout.test.ts on small texts, violations included. */
describe('declaration readers', () => {
  it('find the classes that implement a port, directly or through a namespace, and no others', () => {
    const text = [
      'export class A implements Other, EventStore {}',
      'class B implements ports.EventStore {}',
      'class C extends EventStore {}',
      'class D implements EventStoreOptions {}',
    ].join('\n');
    expect(implementingClasses(text, 'EventStore')).toEqual(['A', 'B']);
  });

  it('find an interface declaration but not a type alias or an import of the name', () => {
    expect(declaresInterface('export interface EventStore {}', 'EventStore')).toBe(true);
    expect(declaresInterface("import type { EventStore } from './x.ts';", 'EventStore')).toBe(false);
    expect(declaresInterface('export type EventStore = {};', 'EventStore')).toBe(false);
  });

  it('see a call of the suite, not a mere mention or import', () => {
    const mention = "import { describeEventStoreConformance } from '../testing/index.ts';";
    expect(callsFunction(mention, 'describeEventStoreConformance')).toBe(false);
    expect(
      callsFunction(`${mention}\ndescribeEventStoreConformance('x', make);`, 'describeEventStoreConformance'),
    ).toBe(true);
  });

  it('list value re-exports, leaving out type-only ones', () => {
    const text = "export { A, type B } from './a.ts';\nexport type { C } from './c.ts';\n";
    expect(valueExportNames(text)).toEqual(['A']);
  });
});
