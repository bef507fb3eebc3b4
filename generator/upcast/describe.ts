import { tsLiteral } from '../emit/names.ts';

/** A JSON value in backticks, for the pages. */
export function code(value: unknown): string {
  return `\`${JSON.stringify(value)}\``;
}

/** A declarative operation in the generated registry: `{ add: { currency: 'USD' } }`. */
export function emitDeclarative(name: string, argument: unknown): string {
  return `{ ${name}: ${tsLiteral(argument)} }`;
}

/** The user function of a declarative operation: there is none. */
export function noUserFunction(): undefined {
  return undefined;
}
