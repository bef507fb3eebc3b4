import {
  type ClassDeclarationStructure,
  type ConstructorDeclarationStructure,
  type ImportDeclarationStructure,
  type InterfaceDeclarationStructure,
  type JSDocStructure,
  type MethodDeclarationStructure,
  type OptionalKind,
  type ParameterDeclarationStructure,
  type PropertyDeclarationStructure,
  type PropertySignatureStructure,
  Scope,
  type StatementStructures,
  StructureKind,
  type TypeAliasDeclarationStructure,
  type WriterFunction,
} from 'ts-morph';

/**
 * A printer for the ts-morph structures the emitters build (imports, interfaces, type aliases,
 * classes with properties, a constructor and methods), writing text directly: going through a
 * ts-morph `Project` would parse every printed file back into a syntax tree only to read its
 * text again, which was most of the cost of printing. Layout: 2-space indent, one blank line
 * between top-level statements (imports stay together) and between class members (properties
 * stay together), JSDoc on one line when it fits on one.
 */

const INDENT = '  ';

/** An import longer than this is written one name per line. */
const MAX_IMPORT_LINE = 100;

type Docs = readonly (string | OptionalKind<JSDocStructure> | WriterFunction)[] | undefined;
type Lines = string[];

function docText(doc: string | OptionalKind<JSDocStructure> | WriterFunction): string {
  if (typeof doc === 'string') return doc;
  if (typeof doc === 'function') throw new Error('writer functions are not supported in docs');
  const description = typeof doc.description === 'string' ? doc.description : '';
  if (doc.tags && doc.tags.length > 0) throw new Error('JSDoc tags are written into the description');
  return description;
}

function docLines(docs: Docs, indent: string): Lines {
  const out: Lines = [];
  for (const doc of docs ?? []) {
    // A `*/` in a description would end the comment early.
    const text = docText(doc).replace(/\r\n?/g, '\n').replaceAll('*/', '*\\/').trim();
    const lines = text.split('\n');
    if (lines.length === 1) out.push(`${indent}/** ${lines[0]} */`);
    else out.push(`${indent}/**`, ...lines.map((l) => `${indent} *${l ? ` ${l}` : ''}`), `${indent} */`);
  }
  return out;
}

/**
 * Indents every line of `text` (a statement, possibly several lines) by `indent`; blank lines
 * stay empty. A string literal spanning lines would be indented too: emitters keep them on one line.
 */
function indentText(text: string, indent: string): Lines {
  return text.split('\n').map((line) => (line === '' ? '' : `${indent}${line}`));
}

function statementText(statement: string | WriterFunction | undefined): string {
  if (statement === undefined) return '';
  if (typeof statement === 'function') throw new Error('writer functions are not supported in statements');
  return statement;
}

function parameters(list: readonly OptionalKind<ParameterDeclarationStructure>[] | undefined): string {
  return (list ?? [])
    .map((p) => `${p.name}${p.hasQuestionToken ? '?' : ''}${p.type ? `: ${String(p.type)}` : ''}`)
    .join(', ');
}

function body(statements: unknown, indent: string): Lines {
  const list = Array.isArray(statements) ? statements : statements === undefined ? [] : [statements];
  return list.flatMap((s) => indentText(statementText(s as string), `${indent}${INDENT}`));
}

function modifiers(member: {
  scope?: Scope | undefined;
  isStatic?: boolean | undefined;
  isAbstract?: boolean | undefined;
  hasOverrideKeyword?: boolean | undefined;
  isReadonly?: boolean | undefined;
}): string {
  const words: string[] = [];
  if (member.scope !== undefined && member.scope !== Scope.Public) words.push(member.scope);
  if (member.isStatic) words.push('static');
  if (member.isAbstract) words.push('abstract');
  if (member.hasOverrideKeyword) words.push('override');
  if (member.isReadonly) words.push('readonly');
  return words.map((w) => `${w} `).join('');
}

/** Options of structures this printer does not write; one that is set throws rather than vanishing. */
const UNSUPPORTED = [
  'typeParameters',
  'decorators',
  'overloads',
  'isAsync',
  'isGenerator',
  'hasExclamationToken',
  'isDefaultExport',
  'hasDeclareKeyword',
  'leadingTrivia',
  'trailingTrivia',
] as const;

function assertSupported(structure: object, what: string): void {
  for (const key of UNSUPPORTED) {
    const value = (structure as Record<string, unknown>)[key];
    if (value === undefined || value === false || (Array.isArray(value) && value.length === 0)) continue;
    throw new Error(`the emit printer does not write \`${key}\` (on ${what}): extend print-structures.ts`);
  }
}

function property(p: OptionalKind<PropertyDeclarationStructure>, indent: string): Lines {
  assertSupported(p, `property ${p.name}`);
  const type = p.type !== undefined ? `: ${String(p.type)}` : '';
  const init = p.initializer !== undefined ? ` = ${statementText(p.initializer)}` : '';
  return [
    ...docLines(p.docs, indent),
    `${indent}${modifiers(p)}${p.name}${p.hasQuestionToken ? '?' : ''}${type}${init};`,
  ];
}

function constructorLines(c: OptionalKind<ConstructorDeclarationStructure>, indent: string): Lines {
  return [
    ...docLines(c.docs, indent),
    `${indent}${modifiers(c)}constructor(${parameters(c.parameters)}) {`,
    ...body(c.statements, indent),
    `${indent}}`,
  ];
}

function method(m: OptionalKind<MethodDeclarationStructure>, indent: string): Lines {
  assertSupported(m, `method ${m.name}`);
  const returns = m.returnType !== undefined ? `: ${String(m.returnType)}` : '';
  const signature = `${indent}${modifiers(m)}${m.name}(${parameters(m.parameters)})${returns}`;
  if (m.isAbstract) return [...docLines(m.docs, indent), `${signature};`];
  return [...docLines(m.docs, indent), `${signature} {`, ...body(m.statements, indent), `${indent}}`];
}

function classLines(c: ClassDeclarationStructure): Lines {
  assertSupported(c, `class ${c.name ?? ''}`);
  const heritage = [
    c.extends !== undefined ? ` extends ${statementText(c.extends)}` : '',
    c.implements && c.implements.length > 0
      ? ` implements ${(c.implements as readonly (string | WriterFunction)[]).map(statementText).join(', ')}`
      : '',
  ].join('');
  const groups: Lines[] = [];
  const props = (c.properties ?? []).flatMap((p) => property(p, INDENT));
  if (props.length > 0) groups.push(props);
  for (const ctor of c.ctors ?? []) groups.push(constructorLines(ctor, INDENT));
  for (const m of c.methods ?? []) groups.push(method(m, INDENT));
  const members = groups.flatMap((g, i) => (i === 0 ? g : ['', ...g]));
  const head = `${c.isExported ? 'export ' : ''}${c.isAbstract ? 'abstract ' : ''}class ${c.name}${heritage}`;
  if (members.length === 0) return [...docLines(c.docs, ''), `${head} {}`];
  return [...docLines(c.docs, ''), `${head} {`, ...members, '}'];
}

function signature(p: OptionalKind<PropertySignatureStructure>): Lines {
  const type = p.type !== undefined ? `: ${String(p.type)}` : '';
  return [
    ...docLines(p.docs, INDENT),
    `${INDENT}${p.isReadonly ? 'readonly ' : ''}${p.name}${p.hasQuestionToken ? '?' : ''}${type};`,
  ];
}

function interfaceLines(i: InterfaceDeclarationStructure): Lines {
  assertSupported(i, `interface ${i.name}`);
  const extendsList = (i.extends ?? []) as readonly (string | WriterFunction)[];
  const heritage = extendsList.length > 0 ? ` extends ${extendsList.map(statementText).join(', ')}` : '';
  return [
    ...docLines(i.docs, ''),
    `${i.isExported ? 'export ' : ''}interface ${i.name}${heritage} {`,
    ...(i.properties ?? []).flatMap(signature),
    '}',
  ];
}

function typeAliasLines(t: TypeAliasDeclarationStructure): Lines {
  assertSupported(t, `type ${t.name}`);
  return [
    ...docLines(t.docs, ''),
    `${t.isExported ? 'export ' : ''}type ${t.name} = ${statementText(t.type as string)};`,
  ];
}

function importLine(i: ImportDeclarationStructure): string {
  const names = ((i.namedImports ?? []) as readonly unknown[]).map((n) => {
    if (typeof n !== 'string') throw new Error('named imports are written as plain names');
    return n;
  });
  const keyword = `import ${i.isTypeOnly ? 'type ' : ''}`;
  const line = `${keyword}{ ${names.join(', ')} } from '${i.moduleSpecifier}';`;
  if (line.length <= MAX_IMPORT_LINE) return line;
  return `${keyword}{\n${names.map((n) => `${INDENT}${n},\n`).join('')}} from '${i.moduleSpecifier}';`;
}

/** One top-level statement as text; unsupported structure kinds throw, naming the kind. */
export function printStatement(statement: string | WriterFunction | StatementStructures): string {
  if (typeof statement !== 'object') return statementText(statement).replace(/\n+$/, '');
  switch (statement.kind) {
    case StructureKind.ImportDeclaration:
      return importLine(statement);
    case StructureKind.Interface:
      return interfaceLines(statement).join('\n');
    case StructureKind.TypeAlias:
      return typeAliasLines(statement).join('\n');
    case StructureKind.Class:
      return classLines(statement).join('\n');
    default:
      throw new Error(`the emit printer does not print ${StructureKind[statement.kind]} structures`);
  }
}

/**
 * Prints top-level statements: one blank line between statements, none between consecutive
 * imports; ends with one newline.
 *
 * @example
 * printStatements([{ kind: StructureKind.TypeAlias, name: 'Id', type: 'string', isExported: true }]);
 * // 'export type Id = string;\n'
 */
export function printStatements(
  statements: readonly (string | WriterFunction | StatementStructures)[],
): string {
  let out = '';
  let previousImport = false;
  for (const statement of statements) {
    const isImport = typeof statement === 'object' && statement.kind === StructureKind.ImportDeclaration;
    if (out !== '') out += previousImport && isImport ? '\n' : '\n\n';
    out += printStatement(statement);
    previousImport = isImport;
  }
  return `${out}\n`;
}
