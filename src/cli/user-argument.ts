import { InvalidArgumentError } from "commander";
import { UserError } from "../model/errors.js";

/**
 * An option's argument parser from a parser of the analysis layer: the UserError it throws becomes
 * commander's usage error, printed with the option it belongs to
 * (`error: option '--from <endpoint>' argument 'x' is invalid. …`) and exit 2.
 */
export function userArgument<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      if (error instanceof UserError) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}
