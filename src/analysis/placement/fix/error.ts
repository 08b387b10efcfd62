/** A bad `--onto`, or a workload the snapshot lacks: the CLI prints it and exits 2. */
export class FixPlaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FixPlaceError";
  }
}
