/**
 * `-n NS` on the answers that list a whole cluster (lint, connlist, report): what the filter left
 * out is said on stderr, as kubectl says "No resources found in NS namespace." there
 * (staging/src/k8s.io/kubectl/pkg/cmd/get/get.go), so a shorter answer is never mistaken for a
 * cleaner cluster. The exit code is the answer's.
 */
import type { CliIO } from "./io.js";

export function sayLeftOut(
  io: CliIO,
  command: string,
  namespace: { readonly name: string; readonly outsideNamespace: number } | undefined,
): void {
  if (!namespace || namespace.outsideNamespace === 0) return;
  const n = namespace.outsideNamespace;
  io.stderr.write(
    `podpath ${command}: ${n} ${n === 1 ? "finding" : "findings"} outside namespace ${namespace.name} left out (-A lists them)\n`,
  );
}
