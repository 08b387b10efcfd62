/**
 * What a capture tells: progress (per kind, per call, with counts) on stderr unless quiet; notes
 * (a kind the cluster does not serve) and warnings (what could not be read: RBAC 403, AWS
 * AccessDenied, a page that cannot be read) on stderr and into the index (podpath.yaml).
 */
export class CaptureLog {
  readonly warnings: string[] = [];
  readonly notes: string[] = [];

  constructor(
    private readonly write: ((line: string) => void) | undefined,
    private readonly quiet: boolean,
  ) {}

  progress(message: string): void {
    if (!this.quiet) this.write?.(`podpath: capture: ${message}\n`);
  }

  note(message: string): void {
    this.notes.push(message);
    this.progress(message);
  }

  /** always shown, even when quiet: the snapshot lacks what it names */
  warn(message: string): void {
    this.warnings.push(message);
    this.write?.(`podpath: capture: warning: ${message}\n`);
  }
}
