import type { AwsModel, KubernetesModel } from "../model/snapshot.js";
import type { Diagnostic, DiagnosticCode } from "../model/diagnostics.js";
import type { SourceRef } from "../model/source.js";
import type { PrefixListEntries } from "./aws/prefix-lists.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

export type KubernetesDraft = Mutable<Omit<KubernetesModel, "unmodelledKinds" | "serviceEndpoints">>;
export type AwsDraft = Mutable<AwsModel>;

/**
 * What adapters fill while a snapshot loads: model objects as converted, located diagnostics,
 * and per-file counts. `finish` (load-snapshot.ts) de-duplicates, joins and sorts it into the
 * immutable Snapshot.
 */
export class SnapshotDraft {
  readonly kubernetes: KubernetesDraft = {
    namespaces: [],
    nodes: [],
    workloads: [],
    pods: [],
    services: [],
    endpointSlices: [],
    ingresses: [],
    ingressClasses: [],
    routes: [],
    networkPolicies: [],
    priorityClasses: [],
    limitRanges: [],
    runtimeClasses: [],
    podDisruptionBudgets: [],
    ipPools: [],
    felixConfigurations: [],
  };
  readonly aws: AwsDraft = {
    vpcs: [],
    subnets: [],
    routeTables: [],
    internetGateways: [],
    natGateways: [],
    networkAcls: [],
    securityGroups: [],
    prefixLists: [],
    instances: [],
    networkInterfaces: [],
    loadBalancers: [],
    listeners: [],
    listenerRules: [],
    targetGroups: [],
    targetHealth: [],
    targetGroupAttributes: [],
  };
  /** ENIs read from describe-instances; describe-network-interfaces wins where both list one (finish.ts) */
  readonly enisFromInstances: AwsDraft["networkInterfaces"] = [];
  /** get-managed-prefix-list-entries outputs; finish.ts attaches them to their lists */
  readonly prefixListEntries: PrefixListEntries[] = [];
  /** target groups whose describe-target-health output was read (an empty one included) */
  readonly targetHealthCaptured = new Set<string>();
  readonly unmodelledKinds: Record<string, number> = {};
  readonly diagnostics: Diagnostic[] = [];
  /** per file: recognised objects per kind */
  readonly counts = new Map<string, Record<string, number>>();

  warn(code: DiagnosticCode, message: string, source?: SourceRef): void {
    this.diagnostics.push(
      source ? { code, severity: "warning", message, source } : { code, severity: "warning", message },
    );
  }

  info(code: DiagnosticCode, message: string, source?: SourceRef): void {
    this.diagnostics.push(source ? { code, severity: "info", message, source } : { code, severity: "info", message });
  }

  /** Counts one recognised object of `kind` in `file` (for `snapshot show`). */
  count(file: string, kind: string): void {
    let perKind = this.counts.get(file);
    if (!perKind) this.counts.set(file, (perKind = {}));
    perKind[kind] = (perKind[kind] ?? 0) + 1;
  }
}
