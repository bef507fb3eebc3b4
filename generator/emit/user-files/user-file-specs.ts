import type { ImportExtension } from '../../config/import-extension.ts';
import type { AggregateModel, ProjectionModel, SchemaModel } from '../../model/ir.ts';
import { payloadTypeName } from '../../model/ir.ts';
import { readModelNames } from '../emit-read-model.ts';
import type { Layout } from '../layout.ts';
import {
  aggregateTypeNames,
  applierName,
  commandHandlerName,
  commandTypeName,
  eventTypeNames,
  projectionHandlerName,
  projectionTypeNames,
  relativeImport,
} from '../names.ts';
import { renderTemplate } from './templates.ts';

/** One member of a user-owned file: a method stub in a class, or a top-level function. */
export interface StubMember {
  /** The method or function name; a member with this name already present is left alone. */
  readonly name: string;
  /** The stub's text, without a trailing newline. */
  readonly text: string;
  /** Type names the stub uses, imported from the generated index. */
  readonly types: readonly string[];
  /** How the insertion is reported, e.g. `Order.cancelOrder()`. */
  readonly label: string;
}

/** A user-owned file es-gen creates once and later adds stubs to. */
export interface UserFileSpec {
  readonly path: string;
  /** The class the stubs go into; undefined when they are top-level functions. */
  readonly className: string | undefined;
  /** The specifier of the generated index in this file, with the configured extension. */
  readonly generatedImport: string;
  readonly members: readonly StubMember[];
  /** The whole file for these members. */
  render(members: readonly StubMember[]): string;
}

function typeList(members: readonly StubMember[], extra: readonly string[] = []): string {
  return [...new Set([...extra, ...members.flatMap((m) => m.types)])].sort().join(', ');
}

function aggregateSpec(aggregate: AggregateModel, layout: Layout, extension: ImportExtension): UserFileSpec {
  const path = layout.userAggregate(aggregate.name);
  const generatedImport = relativeImport(path, layout.index, extension);
  const commands = aggregate.commands.map((command): StubMember => {
    const method = commandHandlerName(command.name);
    const text = renderTemplate('stubs/command-handler.ts.hbs', {
      description: command.description ?? `Handles ${command.name}.`,
      method,
      commandType: commandTypeName(command.name),
      aggregate: aggregate.name,
      command: command.name,
      file: path,
    });
    return {
      name: method,
      text,
      types: [commandTypeName(command.name)],
      label: `${aggregate.name}.${method}()`,
    };
  });
  const appliers = aggregate.events.map((event): StubMember => {
    const method = applierName(event.name);
    const eventType = eventTypeNames(event.name).event;
    const text = renderTemplate('stubs/event-applier.ts.hbs', {
      method,
      eventType,
      aggregate: aggregate.name,
      event: event.name,
      file: path,
    });
    return { name: method, text, types: [eventType], label: `${aggregate.name}.${method}()` };
  });
  const base = aggregateTypeNames(aggregate.name).base;
  return {
    path,
    className: aggregate.name,
    generatedImport,
    members: [...commands, ...appliers],
    render: (members) =>
      renderTemplate('aggregate.ts.hbs', {
        typeImports: typeList(members),
        generatedImport,
        base,
        name: aggregate.name,
        description: aggregate.description ?? `The ${aggregate.name} aggregate.`,
        members: members.map((m) => m.text.replace(/\n$/, '')).join('\n\n'),
      }),
  };
}

function projectionSpec(
  projection: ProjectionModel,
  layout: Layout,
  extension: ImportExtension,
): UserFileSpec {
  const path = layout.userProjection(projection.name);
  const generatedImport = relativeImport(path, layout.index, extension);
  const className = `${projection.name}Projection`;
  const writer = projection.readModel ? readModelNames(projection.name).writer : undefined;
  const members = projection.handles.map((ref): StubMember => {
    const method = projectionHandlerName(ref.event);
    const eventType = eventTypeNames(ref.event).stored;
    const text = renderTemplate(
      writer ? 'stubs/read-model-handler.ts.hbs' : 'stubs/projection-handler.ts.hbs',
      {
        method,
        eventType,
        projection: className,
        event: ref.event,
        file: path,
        writer,
        table: projection.readModel?.name,
      },
    );
    const types = writer ? [eventType, writer] : [eventType];
    return { name: method, text, types, label: `${className}.${method}()` };
  });
  const base = projectionTypeNames(projection.name).base;
  return {
    path,
    className,
    generatedImport,
    members,
    render: (list) =>
      renderTemplate('projection.ts.hbs', {
        typeImports: typeList(list),
        generatedImport,
        base,
        name: className,
        description: projection.description ?? `The ${projection.name} projection.`,
        table: projection.readModel?.name,
        members: list.map((m) => m.text.replace(/\n$/, '')).join('\n\n'),
      }),
  };
}

function upcastersSpec(
  model: SchemaModel,
  layout: Layout,
  extension: ImportExtension,
): UserFileSpec | undefined {
  const path = layout.userUpcasters;
  const generatedImport = relativeImport(path, layout.index, extension);
  const members: StubMember[] = [];
  for (const event of model.aggregates.flatMap((a) => a.events)) {
    for (const version of event.versions) {
      const custom = version.upcast.find((op) => op.op === 'custom');
      if (!custom) continue;
      const from = version.version - 1;
      const name = custom.functionName;
      const fromType = payloadTypeName(event.name, from);
      const toType = payloadTypeName(event.name, version.version);
      const text = renderTemplate('stubs/custom-upcaster.ts.hbs', {
        event: event.name,
        from,
        to: version.version,
        name,
        fromType,
        toType,
        file: path,
      });
      members.push({ name, text, types: [fromType, toType, 'DomainEvent'], label: `${name}()` });
    }
  }
  if (members.length === 0) return undefined;
  return {
    path,
    className: undefined,
    generatedImport,
    members,
    render: (list) =>
      renderTemplate('upcasters.ts.hbs', {
        typeImports: typeList(list),
        generatedImport,
        members: list.map((m) => m.text.replace(/\n$/, '')).join('\n\n'),
      }),
  };
}

/**
 * Every user-owned file the model calls for, with the stubs each should contain; relative
 * imports end in `extension`.
 */
export function userFileSpecs(
  model: SchemaModel,
  layout: Layout,
  extension: ImportExtension,
): UserFileSpec[] {
  const specs = [
    ...model.aggregates.map((a) => aggregateSpec(a, layout, extension)),
    ...model.projections.map((p) => projectionSpec(p, layout, extension)),
  ];
  const upcasters = upcastersSpec(model, layout, extension);
  if (upcasters) specs.push(upcasters);
  return specs;
}
