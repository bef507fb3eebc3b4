const PASCAL = /^[A-Z][A-Za-z0-9]*$/;
const CAMEL = /^[a-z][A-Za-z0-9]*$/;

function words(name: string): string[] {
  return name
    .split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** True for `OrderPlaced`-style names. */
export function isPascalCase(name: string): boolean {
  return PASCAL.test(name);
}

/** True for `unitPrice`-style names. */
export function isCamelCase(name: string): boolean {
  return CAMEL.test(name);
}

/**
 * The PascalCase spelling of a name, or undefined when none can be made (e.g. it starts with a digit).
 *
 * @example
 * toPascalCase('order_placed'); // 'OrderPlaced'
 */
export function toPascalCase(name: string): string | undefined {
  const result = words(name).map(capitalize).join('');
  return PASCAL.test(result) ? result : undefined;
}

/**
 * The camelCase spelling of a name, or undefined when none can be made.
 *
 * @example
 * toCamelCase('Unit_Price'); // 'unitPrice'
 */
export function toCamelCase(name: string): string | undefined {
  const [first, ...rest] = words(name);
  if (first === undefined) return undefined;
  const result = first + rest.map(capitalize).join('');
  return CAMEL.test(result) ? result : undefined;
}
