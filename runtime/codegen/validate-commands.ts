import {
  type AjvValidateFunction,
  fromAjv,
  InvalidArgumentError,
  SchemaValidationError,
  type Validator,
} from '@es-gen/runtime';

/** One command handler to guard: the command's name and its precompiled validator. */
export type CommandCheck = readonly [commandType: string, validate: AjvValidateFunction];

const validators = new WeakMap<AjvValidateFunction, Validator>();

function validatorOf(validate: AjvValidateFunction): Validator {
  let validator = validators.get(validate);
  if (validator === undefined) {
    validator = fromAjv(validate);
    validators.set(validate, validator);
  }
  return validator;
}

/**
 * Makes each listed command handler of `aggregate` validate its command first, for a generated
 * aggregate base's constructor: an invalid command throws SchemaValidationError naming every
 * invalid field and rule before the handler runs (nothing is raised); a valid one reaches the
 * handler as a copy with its schema's defaults filled in. Handlers stay plain methods the user's
 * class overrides, and every caller (direct calls, the repository, the test kit) goes through the check.
 *
 * @throws InvalidArgumentError when a listed handler is not a method of `aggregate`.
 * @example
 * validateCommands(this, 'Order', { placeOrder: ['PlaceOrder', validatePlaceOrderCommand] });
 */
export function validateCommands<T extends object>(
  aggregate: T,
  aggregateType: string,
  handlers: { readonly [K in keyof T]?: CommandCheck },
): void {
  for (const [method, check] of Object.entries<CommandCheck | undefined>(handlers)) {
    if (check === undefined) continue;
    const [commandType, validate] = check;
    const handler: unknown = Reflect.get(aggregate, method);
    if (typeof handler !== 'function') {
      throw new InvalidArgumentError(
        `${aggregateType} has no command handler ${method}(): implement it in the aggregate's class`,
      );
    }
    const validator = validatorOf(validate);
    Reflect.set(aggregate, method, (command: unknown) => {
      const input = structuredClone(command);
      const issues = validator(input);
      if (issues.length > 0) throw SchemaValidationError.forCommand(aggregateType, commandType, issues);
      return Reflect.apply(handler, aggregate, [input]);
    });
  }
}
