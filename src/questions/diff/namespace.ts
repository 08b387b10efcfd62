/**
 * `podpath diff -n NS`: the changes that concern a namespace, as the other commands' -n reads
 * it (kubectl -n: the namespace's objects). A connection concerns NS when its source or its
 * destination is a workload of NS (connlist -n: "connections from or to its workloads"); an
 * exposure entry when its workload is in NS (a frontend without a workload: when its Service is);
 * a configured dependency when the workload that names it or the Service it names is in NS; a
 * placement or prediction change when its workload is.
 */
import type { DiffReport } from "./changes.js";

/** The namespace of connlist's peer string `NS/NAME[Kind]`, undefined for `A-B[External]` or `{ingress-controller}`. */
function peerNamespace(peer: string): string | undefined {
  const slash = peer.indexOf("/");
  return slash > 0 && !peer.endsWith("[External]") && !peer.startsWith("{") ? peer.slice(0, slash) : undefined;
}

/** The namespace of `NS/NAME`. */
const namespaceOf = (ref: string | null): string | undefined => (ref ? ref.split("/")[0] : undefined);

/** The namespace of place's `KIND NS/NAME`. */
const placedNamespace = (workload: string): string | undefined =>
  namespaceOf(workload.slice(workload.indexOf(" ") + 1));

export function diffInNamespace(report: DiffReport, namespace: string): DiffReport {
  const exposure = (changes: DiffReport["exposure"]): DiffReport["exposure"] =>
    changes.filter((c) =>
      c.workload !== null ? peerNamespace(c.workload) === namespace : namespaceOf(c.service) === namespace,
    );
  return {
    connections: report.connections.filter(
      (c) => peerNamespace(c.src) === namespace || peerNamespace(c.dst) === namespace,
    ),
    exposure: exposure(report.exposure),
    vpcExposure: exposure(report.vpcExposure),
    intended: report.intended.filter(
      (c) => peerNamespace(c.workload) === namespace || namespaceOf(c.service) === namespace,
    ),
    placement: report.placement.filter((c) => placedNamespace(c.workload) === namespace),
    predictions: report.predictions.filter((c) => placedNamespace(c.workload) === namespace),
  };
}
