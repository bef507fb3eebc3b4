import { ts } from 'ts-morph';

function nameOf(name: ts.PropertyName | ts.BindingName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name)) return name.text;
  if (ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

function extendsText(cls: ts.ClassDeclaration, file: ts.SourceFile): string | undefined {
  const clause = cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword);
  return clause?.types[0]?.getText(file);
}

/**
 * The class a user file's stubs go into: the one named `className`, else the first class that
 * extends a generated `...Base` (the user may have renamed theirs).
 */
function findClass(file: ts.SourceFile, className: string): ts.ClassDeclaration | undefined {
  const classes = file.statements.filter(ts.isClassDeclaration);
  return (
    classes.find((c) => c.name?.text === className) ??
    classes.find((c) => extendsText(c, file)?.includes('Base'))
  );
}

/**
 * Names declared in a user-owned file, read with the TypeScript parser alone (a ts-morph
 * project is only needed when a stub must be inserted): the members of the stub class when
 * `className` is given, else the top-level functions and variables. Undefined when the class
 * is not found.
 *
 * @example
 * declaredNames('export class Order extends OrderBase { placeOrder() {} }', 'Order'); // Set { 'placeOrder' }
 */
export function declaredNames(text: string, className: string | undefined): Set<string> | undefined {
  const file = ts.createSourceFile('user-file.ts', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const names = new Set<string>();
  const add = (name: string | undefined) => {
    if (name !== undefined) names.add(name);
  };
  if (className !== undefined) {
    const cls = findClass(file, className);
    if (!cls) return undefined;
    for (const member of cls.members) add(nameOf(member.name));
    return names;
  }
  for (const statement of file.statements) {
    if (ts.isFunctionDeclaration(statement)) add(statement.name?.text);
    if (ts.isVariableStatement(statement))
      for (const d of statement.declarationList.declarations) add(nameOf(d.name));
  }
  return names;
}
