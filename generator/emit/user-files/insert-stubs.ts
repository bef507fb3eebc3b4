import { type ClassDeclaration, Node, Project, type SourceFile } from 'ts-morph';
import { withoutExtension } from '../names.ts';
import { declaredNames } from './member-names.ts';
import type { StubMember, UserFileSpec } from './user-file-specs.ts';

/** One piece of text to insert at an offset of the original file. */
interface Insertion {
  readonly at: number;
  readonly text: string;
}

/** The result of planning stub insertions into one existing user file. */
export interface StubInsertionPlan {
  readonly content: string;
  readonly insertions: readonly string[];
}

let parser: Project | undefined;

function parse(path: string, text: string): SourceFile {
  parser ??= new Project({ useInMemoryFileSystem: true, skipFileDependencyResolution: true });
  return parser.createSourceFile(`/${path}`, text, { overwrite: true });
}

function findClass(file: SourceFile, name: string): ClassDeclaration | undefined {
  return file.getClass(name) ?? file.getClasses().find((c) => c.getExtends()?.getText().includes('Base'));
}

function existingNames(file: SourceFile, cls: ClassDeclaration | undefined): Set<string> {
  if (cls) {
    return new Set(cls.getMembers().flatMap((m) => (Node.hasName(m) ? [m.getName()] : [])));
  }
  const names = new Set<string>();
  for (const fn of file.getFunctions()) {
    const name = fn.getName();
    if (name) names.add(name);
  }
  for (const v of file.getVariableDeclarations()) names.add(v.getName());
  return names;
}

function importedNames(file: SourceFile): Set<string> {
  const names = new Set<string>();
  for (const decl of file.getImportDeclarations()) {
    for (const named of decl.getNamedImports()) names.add(named.getAliasNode()?.getText() ?? named.getName());
  }
  return names;
}

function importInsertion(
  file: SourceFile,
  spec: UserFileSpec,
  types: readonly string[],
): Insertion | undefined {
  if (types.length === 0) return undefined;
  const target = file.getImportDeclarations().find(
    (d) =>
      // The file may still import the index with another extension than the one configured now.
      withoutExtension(d.getModuleSpecifierValue()) === withoutExtension(spec.generatedImport) &&
      d.isTypeOnly() &&
      d.getNamedImports().length > 0,
  );
  if (target) {
    const last = target.getNamedImports().at(-1)!;
    const text = file.getFullText();
    const after = /^\s*,/.exec(text.slice(last.getEnd()));
    if (!after) return { at: last.getEnd(), text: `, ${types.join(', ')}` };
    // A trailing comma (a list written one name per line): continue the list in the same style.
    const lineStart = text.lastIndexOf('\n', last.getStart()) + 1;
    const indent = text.slice(lineStart, last.getStart());
    const multiline =
      text.slice(last.getEnd(), last.getEnd() + after[0].length).includes('\n') || /^\s+$/.test(indent);
    const items = multiline ? types.map((t) => `\n${indent}${t},`).join('') : ` ${types.join(', ')},`;
    return { at: last.getEnd() + after[0].length, text: items };
  }
  const line = `import type { ${types.join(', ')} } from '${spec.generatedImport}';`;
  const lastImport = file.getImportDeclarations().at(-1);
  return lastImport ? { at: lastImport.getEnd(), text: `\n${line}` } : { at: 0, text: `${line}\n` };
}

function memberInsertion(
  text: string,
  file: SourceFile,
  cls: ClassDeclaration | undefined,
  stubs: StubMember[],
): Insertion {
  const body = stubs.map((s) => s.text.replace(/\n$/, '')).join('\n\n');
  if (cls) return { at: cls.getEnd() - 1, text: `\n${body}\n` };
  const end = file.getEnd();
  const lead = text.endsWith('\n\n') || text.length === 0 ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  return { at: end, text: `${lead}${body}\n` };
}

function splice(text: string, insertions: readonly Insertion[]): string {
  let out = text;
  for (const { at, text: piece } of [...insertions].sort((a, b) => b.at - a.at)) {
    out = out.slice(0, at) + piece + out.slice(at);
  }
  return out;
}

/**
 * Adds the stubs of `spec` that the existing file lacks (by member name), and their type names
 * to its import from the generated index. Insert-only: every original character stays, in order.
 * Returns undefined when nothing is missing or the class cannot be found.
 */
export function planStubInsertions(spec: UserFileSpec, text: string): StubInsertionPlan | undefined {
  // Usually nothing is missing: find that out with the plain parser before building a ts-morph file.
  const declared = declaredNames(text, spec.className);
  if (!declared || spec.members.every((m) => declared.has(m.name))) return undefined;
  const file = parse(spec.path, text);
  const cls = spec.className !== undefined ? findClass(file, spec.className) : undefined;
  if (spec.className !== undefined && !cls) return undefined;
  const present = existingNames(file, cls);
  const missing = spec.members.filter((m) => !present.has(m.name));
  if (missing.length === 0) return undefined;
  const imported = importedNames(file);
  const types = [...new Set(missing.flatMap((m) => m.types))].filter((t) => !imported.has(t)).sort();
  const insertions = [memberInsertion(text, file, cls, missing)];
  const imports = importInsertion(file, spec, types);
  if (imports) insertions.push(imports);
  const labels = missing.map((m) => m.label);
  if (types.length > 0) labels.push(`import type { ${types.join(', ')} }`);
  return { content: splice(text, insertions), insertions: labels };
}
