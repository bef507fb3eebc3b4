import type { CheckContext } from '../diagnostics/check-context.ts';
import type { NodePath } from '../load/source-file.ts';
import type { RawEvent, RawEventVersion, RawUpcast } from '../model/raw-schema.ts';
import { UpcastCheck } from '../upcast/upcast-check.ts';
import { isUpcastOpName, upcastOp, upcastOps } from '../upcast/upcast-ops.ts';
import { checkFields } from './check-fields.ts';

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
  const check = new UpcastCheck(ctx, Object.keys(upcast), previous, next);
  const ops = check.ops.filter(isUpcastOpName);
  // An operation that runs user code does the whole step: only its own check applies.
  const alone = ops.find((op) => upcastOps[op].runsUserCode && upcast[op]);
  for (const op of alone ? [alone] : ops) upcastOp(op).validate(upcast[op], [...path, op], check);
}
