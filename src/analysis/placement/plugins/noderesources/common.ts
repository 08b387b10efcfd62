/** The scheduler's reasons (noderesources/fit.go fitsRequest), word for word. */
export const ERR_REASON_TOO_MANY_PODS = "Too many pods";

/** fit.go: "Insufficient " + the resource's name. */
export function insufficientReason(resource: string): string {
  return `Insufficient ${resource}`;
}
