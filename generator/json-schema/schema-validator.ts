import type { ValidationIssue } from '@es-gen/runtime';
import { fromAjv, type Validator } from '@es-gen/runtime';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { canonicalJson } from './canonical-json.ts';
import type { PayloadSchema } from './payload-schema.ts';

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

/**
 * Compiles payload schemas with ajv (draft 2020-12, formats on) and caches the validators by
 * canonical schema text, so the many checks of one run compile each schema once.
 *
 * @example
 * const validators = new SchemaValidators();
 * validators.issues(schema, { total: 'x' }); // [{ path: '/total', reason: 'must be number' }]
 */
export class SchemaValidators {
  readonly #ajv: Ajv2020;
  readonly #cache = new Map<string, Validator>();

  constructor() {
    this.#ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));
  }

  /** The validator of `schema`. */
  validator(schema: PayloadSchema): Validator {
    const key = canonicalJson(schema);
    let validate = this.#cache.get(key);
    if (!validate) {
      const { $schema: _dialect, ...body } = schema;
      validate = fromAjv(this.#ajv.compile(body));
      this.#cache.set(key, validate);
    }
    return validate;
  }

  /** The problems of `value` under `schema`; empty when valid. */
  issues(schema: PayloadSchema, value: unknown): readonly ValidationIssue[] {
    return this.validator(schema)(value);
  }

  /** True when `value` is valid under `schema`. */
  isValid(schema: PayloadSchema, value: unknown): boolean {
    return this.issues(schema, value).length === 0;
  }
}
