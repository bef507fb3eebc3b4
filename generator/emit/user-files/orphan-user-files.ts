import type { OrphanUserFile } from '../emit-contract.ts';
import type { Layout } from '../layout.ts';

/** The sentence every template of a user-owned file carries, possibly wrapped over comment lines. */
const CREATED_MARKER = /es-gen\s+(?:\*\s+)?created\s+(?:\*\s+)?this\s+(?:\*\s+)?file/;

/** A class declared as extending a generated base: `export class Order extends OrderBase`. */
const BASE_CLASS = /\bclass\s+([A-Za-z_$][\w$]*)\s+extends\s+([A-Za-z_$][\w$]*)Base\b/g;

/** What a file in the domain folder was created for, when the layout or es-gen's marker shows it. */
function ownerOf(path: string, text: string, layout: Layout): string | undefined {
  for (const [, className, base] of text.matchAll(BASE_CLASS)) {
    if (className === undefined || base === undefined) continue;
    const projection = base.endsWith('Projection') ? base.slice(0, -'Projection'.length) : undefined;
    if (projection !== undefined && path === layout.userProjection(projection))
      return `projection ${projection}`;
    if (projection === undefined && path === layout.userAggregate(base)) return `aggregate ${base}`;
    if (className === base && CREATED_MARKER.test(text)) return `aggregate ${base}`;
  }
  if (!CREATED_MARKER.test(text)) return undefined;
  if (path === layout.userUpcasters) return 'custom upcasters';
  return 'a schema';
}

/**
 * The user-owned files es-gen created for an aggregate, a projection or custom upcasters that no
 * schema defines any more: files in the domain folder (other than `wanted`, the files the model
 * calls for) whose path is the one the layout gives their `X extends XBase` class, or that carry
 * the "es-gen created this file" sentence of the templates. Such a file no longer compiles
 * against the generated code; es-gen lists it and never deletes it.
 *
 * @example
 * findOrphanUserFiles(files, new Set(['src/domain/order.ts']), layout, readFile);
 * // [{ path: 'src/domain/book.ts', owner: 'aggregate Book' }]
 */
export function findOrphanUserFiles(
  files: readonly string[],
  wanted: ReadonlySet<string>,
  layout: Layout,
  readFile: (path: string) => string | undefined,
): OrphanUserFile[] {
  const orphans: OrphanUserFile[] = [];
  for (const path of [...files].sort()) {
    if (wanted.has(path) || !path.endsWith('.ts') || path.endsWith('.d.ts') || /\.test\.ts$/.test(path))
      continue;
    const text = readFile(path);
    const owner = text === undefined ? undefined : ownerOf(path, text, layout);
    if (owner !== undefined) orphans.push({ path, owner });
  }
  return orphans;
}
