import { UserError } from "../../../model/errors.js";

/** A bad `--onto`, or a workload the snapshot lacks: a UserError, so the CLI prints it and exits 2. */
export class FixPlaceError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = "FixPlaceError";
  }
}
