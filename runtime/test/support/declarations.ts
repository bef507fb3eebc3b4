import ts from 'typescript';

function parse(text: string): ts.SourceFile {
  return ts.createSourceFile('source.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

function nodesOf(text: string): ts.Node[] {
  const nodes: ts.Node[] = [];
  const visit = (node: ts.Node): void => {
    nodes.push(node);
    ts.forEachChild(node, visit);
  };
  visit(parse(text));
  return nodes;
}

/** The right-most name of `Port` or `ns.Port` in a heritage clause. */
function heritageName(type: ts.ExpressionWithTypeArguments): string | undefined {
  const e = type.expression;
  if (ts.isIdentifier(e)) return e.text;
  return ts.isPropertyAccessExpression(e) ? e.name.text : undefined;
}

/** The names of the classes in `text` that have `iface` in their `implements` clause. */
export function implementingClasses(text: string, iface: string): string[] {
  return nodesOf(text)
    .filter(ts.isClassDeclaration)
    .filter((c) =>
      (c.heritageClauses ?? []).some(
        (h) => h.token === ts.SyntaxKind.ImplementsKeyword && h.types.some((t) => heritageName(t) === iface),
      ),
    )
    .map((c) => c.name?.text ?? '(anonymous)');
}

/** True when `text` declares an interface named `name`. */
export function declaresInterface(text: string, name: string): boolean {
  return nodesOf(text).some((n) => ts.isInterfaceDeclaration(n) && n.name.text === name);
}

/** True when `text` calls a function named `name`. */
export function callsFunction(text: string, name: string): boolean {
  return nodesOf(text).some(
    (n) => ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === name,
  );
}

/** The names that `text` exports as values through `export { ... } from` (not `export type`). */
export function valueExportNames(text: string): string[] {
  return parse(text).statements.flatMap((s) => {
    if (!ts.isExportDeclaration(s) || s.isTypeOnly || !s.exportClause || !ts.isNamedExports(s.exportClause)) {
      return [];
    }
    return s.exportClause.elements.filter((e) => !e.isTypeOnly).map((e) => e.name.text);
  });
}
