import type { Part } from './code-parts.ts';
import type { GeneratedFile } from './generated-file.ts';

/** A property of an interface. */
export interface PropertySpec {
  readonly name: string;
  readonly type: Part;
  readonly optional: boolean;
  readonly readonly: boolean;
  readonly doc?: string | undefined;
}

/** A top-level declaration's name and JSDoc; exported unless `exported` is false. */
interface DeclarationSpec {
  readonly name: string;
  readonly doc?: string | undefined;
  readonly exported?: boolean;
}

function opening(file: GeneratedFile, spec: DeclarationSpec): string {
  file.blank();
  if (spec.doc !== undefined) file.doc(spec.doc);
  return spec.exported === false ? '' : 'export ';
}

/** Prints the property signatures of an interface or object type, one per line. */
export function printProperties(file: GeneratedFile, properties: readonly PropertySpec[]): void {
  for (const p of properties) {
    if (p.doc !== undefined) file.doc(p.doc);
    file.print(p.readonly ? 'readonly ' : '', p.name, p.optional ? '?' : '', ': ', p.type, ';');
  }
}

/** Prints `export interface Name { ... }`, after a blank line and its JSDoc. */
export function printInterface(
  file: GeneratedFile,
  spec: DeclarationSpec & { readonly properties: readonly PropertySpec[] },
): void {
  const head = `${opening(file, spec)}interface ${spec.name}`;
  if (spec.properties.length === 0) file.print(head, ' {}');
  else file.block(`${head} {`, () => printProperties(file, spec.properties));
}

/** Prints `export type Name = type;`, after a blank line and its JSDoc. */
export function printTypeAlias(file: GeneratedFile, spec: DeclarationSpec & { readonly type: Part }): void {
  file.print(`${opening(file, spec)}type ${spec.name} = `, spec.type, ';');
}

/** Starts a top-level declaration: a blank line, its JSDoc, and `export ` unless not exported. */
export function declarationStart(file: GeneratedFile, spec: DeclarationSpec): string {
  return opening(file, spec);
}

/**
 * Prints a class member after a blank line and its JSDoc: `signature;` when there is no `body`
 * (an abstract method), else `signature {`, the body one level deeper, `}`.
 */
export function printMember(
  file: GeneratedFile,
  spec: { readonly doc?: string | undefined; readonly signature: Part; readonly body?: () => void },
): void {
  file.blank();
  if (spec.doc !== undefined) file.doc(spec.doc);
  if (spec.body === undefined) file.print(spec.signature, ';');
  else file.block([spec.signature, ' {'], spec.body);
}

/** Prints a `switch` over `event.eventType`: one `case` per entry, each returning its call. */
export function printEventSwitch(
  file: GeneratedFile,
  cases: readonly { readonly label: Part; readonly call: Part }[],
  otherwise: Part,
): void {
  file.block('switch (event.eventType) {', () => {
    for (const c of cases) {
      file.print('case ', c.label, ':');
      file.indented(() => file.print('return ', c.call, ';'));
    }
    file.print('default:');
    file.indented(() => file.print(otherwise));
  });
}
