import type { SchemaModel } from '../../model/ir.ts';
import type { EmitOptions, OutputFile, UserFilePlan, UserFileUpdate } from '../emit-contract.ts';
import { createLayout } from '../layout.ts';
import { planStubInsertions } from './insert-stubs.ts';
import { findOrphanUserFiles } from './orphan-user-files.ts';
import { userFileSpecs } from './user-file-specs.ts';

/**
 * Plans the user-owned files: each missing one is created from its template with every stub;
 * an existing one only gets the stubs it lacks (new commands, events, handled events, custom
 * upcasters), inserted without changing any existing character. Files are in path order.
 * Files es-gen once created for what no schema defines any more are listed as orphans.
 *
 * @example
 * const plan = planUserFiles(model, options, (path) => readIfExists(join(root, path)));
 * for (const u of plan.updates) console.log(u.insertions.join('\n'));
 */
export function planUserFiles(
  model: SchemaModel,
  options: EmitOptions,
  readFile: (path: string) => string | undefined,
  listFiles: (dir: string) => readonly string[] = () => [],
): UserFilePlan {
  const layout = createLayout(options.outputDir, options.domainDir);
  const creates: OutputFile[] = [];
  const updates: UserFileUpdate[] = [];
  const specs = userFileSpecs(model, layout, options.importExtension).sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
  );
  for (const spec of specs) {
    const existing = readFile(spec.path);
    if (existing === undefined) {
      creates.push({ path: spec.path, content: spec.render(spec.members) });
      continue;
    }
    const plan = planStubInsertions(spec, existing);
    if (plan) updates.push({ path: spec.path, content: plan.content, insertions: plan.insertions });
  }
  const wanted = new Set(specs.map((spec) => spec.path));
  const orphans = findOrphanUserFiles(listFiles(options.domainDir), wanted, layout, readFile);
  return { creates, updates, orphans };
}
