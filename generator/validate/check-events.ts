import type { NodePath } from '../load/source-file.ts';
import { parseFieldType } from '../model/field-type.ts';
import type { RawEvent, RawEventVersion, RawFieldLong, RawUpcast } from '../model/raw-schema.ts';
import { fieldEntries, fieldTypeText } from '../model/raw-schema.ts';
import type { CheckContext } from './check-context.ts';
import { listNames } from './check-context.ts';
import { checkFields } from './check-fields.ts';
import { didYouMean } from './did-you-mean.ts';
import { checkValue } from './value-check.ts';

/**
 * Checks one event: `fields` or `versions` (not both), versions numbered 1..n in order, the
 * fields of every version, and every upcast against the versions on either side of it.
 */
export function checkEvent(ctx: CheckContext, name: string, event: RawEvent | null): void {
  const path: NodePath = ['events', name];
  if (!event) return;
  if (event.fields !== undefined && event.versions !== undefined) {
    ctx.report(
      [...path, 'versions'],
      'key',
      'fields-and-versions',
      `event \`${name}\` has both \`fields\` and \`versions\``,
      'give `fields` for an event with one version, or list every version under `versions`',
    );
  }
  if (!event.versions) {
    checkFields(ctx, [...path, 'fields'], event.fields);
    return;
  }
  event.versions.forEach((version, index) => {
    const versionPath: NodePath = [...path, 'versions', index];
    if (version.version !== index + 1) {
      ctx.report(
        [...versionPath, 'version'],
        'value',
        'version-order',
        `version ${version.version} of \`${name}\` is out of order: entry ${index + 1} of \`versions\` must be version ${index + 1}`,
        'number versions 1, 2, 3, ... oldest first',
      );
    }
    checkFields(ctx, [...versionPath, 'fields'], version.fields);
    if (!version.upcast) return;
    const previous = event.versions?.[index - 1];
    if (!previous) {
      ctx.report(
        [...versionPath, 'upcast'],
        'key',
        'upcast-first-version',
        `the first version of \`${name}\` has no earlier version to upcast from`,
        'remove `upcast`',
      );
      return;
    }
    checkUpcast(ctx, [...versionPath, 'upcast'], version.upcast, previous, version);
  });
}

function checkUpcast(
  ctx: CheckContext,
  path: NodePath,
  upcast: RawUpcast,
  previous: RawEventVersion,
  next: RawEventVersion,
): void {
  const ops = Object.keys(upcast);
  if (upcast.custom) {
    const others = ops.filter((op) => op !== 'custom');
    if (others.length > 0) {
      ctx.report(
        [...path, 'custom'],
        'key',
        'custom-with-ops',
        `\`custom: true\` cannot be combined with ${listNames(others)}`,
        'do every step in the custom upcaster, or remove `custom`',
      );
    }
    return;
  }
  const from = `version ${previous.version}`;
  const to = `version ${next.version}`;
  const original = fieldEntries(previous.fields).map(([n]) => n);
  const working = new Set(original);
  const target = new Map(fieldEntries(next.fields).map(([n, f]) => [n, f]));
  const notIn = (field: string, version: string, names: Iterable<string>) => ({
    message: `\`${field}\`, which is not a field of ${version}`,
    hint: didYouMean(field, names),
  });
  for (const op of ops) {
    const opPath = [...path, op];
    if (op === 'add') {
      for (const [field, value] of Object.entries(upcast.add ?? {})) {
        if (working.has(field)) {
          ctx.report(
            [...opPath, field],
            'key',
            'upcast-field',
            `\`add\` names \`${field}\`, which ${from} already has`,
            'use `map` to change its values',
          );
        } else if (!target.has(field)) {
          const e = notIn(field, to, target.keys());
          ctx.report(
            [...opPath, field],
            'key',
            'upcast-field',
            `\`add\` adds \`${field}\`, which is not a field of ${to}`,
            e.hint,
          );
        } else {
          checkTargetValue(ctx, [...opPath, field], `value of \`${field}\``, value, target.get(field));
        }
        working.add(field);
      }
    } else if (op === 'rename') {
      for (const [oldName, newName] of Object.entries(upcast.rename ?? {})) {
        if (!working.has(oldName)) {
          const e = notIn(oldName, from, new Set([...working, ...original]));
          ctx.report([...opPath, oldName], 'key', 'upcast-field', `\`rename\` names ${e.message}`, e.hint);
        }
        if (!target.has(newName)) {
          const e = notIn(newName, to, target.keys());
          ctx.report(
            [...opPath, oldName],
            'value',
            'upcast-field',
            `\`rename\` renames \`${oldName}\` to \`${newName}\`, which is not a field of ${to}`,
            e.hint,
          );
        }
        working.delete(oldName);
        working.add(newName);
      }
    } else if (op === 'remove') {
      (upcast.remove ?? []).forEach((field, i) => {
        if (!working.has(field)) {
          const e = notIn(field, from, new Set([...working, ...original]));
          ctx.report([...opPath, i], 'value', 'upcast-field', `\`remove\` names ${e.message}`, e.hint);
        }
        working.delete(field);
      });
    } else if (op === 'map') {
      for (const [field, mapping] of Object.entries(upcast.map ?? {})) {
        if (!working.has(field)) {
          const e = notIn(field, from, new Set([...working, ...original]));
          ctx.report([...opPath, field], 'key', 'upcast-field', `\`map\` names ${e.message}`, e.hint);
        } else if (!target.has(field)) {
          const e = notIn(field, to, target.keys());
          ctx.report([...opPath, field], 'key', 'upcast-field', `\`map\` maps ${e.message}`, e.hint);
        } else {
          for (const [oldValue, newValue] of Object.entries(mapping)) {
            checkTargetValue(
              ctx,
              [...opPath, field, oldValue],
              `\`map\` value for \`${field}\``,
              newValue,
              target.get(field),
            );
          }
        }
      }
    }
  }
}

function checkTargetValue(
  ctx: CheckContext,
  path: NodePath,
  what: string,
  value: unknown,
  field: string | RawFieldLong | undefined,
): void {
  if (field === undefined) return;
  const parsed = parseFieldType(fieldTypeText(field));
  if (!parsed) return;
  const optional = parsed.optional || (typeof field !== 'string' && field.optional === true);
  const problem = checkValue(value, { ...parsed, optional }, (n) => ctx.symbols.types.get(n));
  if (problem) ctx.report(path, 'value', 'upcast-value', `${what} ${problem}`);
}
