/**
 * What the lint rules read, built at most once per run: the snapshot, the placement report, the
 * load-balancer model (observed ALBs/NLBs and what the AWS Load Balancer Controller derives from
 * the Ingresses and Services), the controller's own model (refused IngressGroups), the CNI, each
 * node's AWS network, and the namespaces. Every getter is lazy: a rule that is not run builds
 * nothing.
 */
import type { Namespace, Node, Workload } from "../../model/kubernetes.js";
import type { Snapshot } from "../../model/snapshot.js";
import type { SourceRef } from "../../model/source.js";
import { nodeNetworks, type NodeNetwork } from "../paths/calico.js";
import { deriveFromIngresses } from "../paths/load-balancers/controller.js";
import { loadBalancersOf, type LoadBalancerModel } from "../paths/load-balancers/index.js";
import { detectCni, type CniDetection } from "../paths/vpc-cni.js";
import { analysePlacement, type PlacementReport } from "../placement/placement.js";
import type { LintObject } from "./types.js";

type ControllerModel = ReturnType<typeof deriveFromIngresses>;

export class LintContext {
  private readonly memo = new Map<string, unknown>();

  /**
   * `known`: analyses the caller already ran on this snapshot (`podpath report` has placed every
   * workload before it asks lint), so they are not run twice.
   */
  constructor(
    readonly snapshot: Snapshot,
    known: { readonly placement?: PlacementReport } = {},
  ) {
    if (known.placement) this.memo.set("placement", known.placement);
  }

  private once<T>(key: string, build: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, build());
    return this.memo.get(key) as T;
  }

  get placement(): PlacementReport {
    return this.once("placement", () => analysePlacement(this.snapshot));
  }

  get loadBalancers(): LoadBalancerModel {
    return this.once("loadBalancers", () => loadBalancersOf(this.snapshot));
  }

  get controller(): ControllerModel {
    return this.once("controller", () => deriveFromIngresses(this.snapshot));
  }

  get cni(): CniDetection {
    return this.once("cni", () => detectCni(this.snapshot));
  }

  get nodeNetworks(): ReadonlyMap<string, NodeNetwork> {
    return this.once("nodeNetworks", () => nodeNetworks(this.snapshot));
  }

  get namespaces(): ReadonlyMap<string, Namespace> {
    return this.once("namespaces", () => new Map(this.snapshot.kubernetes.namespaces.map((n) => [n.name, n])));
  }

  /** `Kind/namespace/name` → the workload */
  workload(kind: string, namespace: string, name: string): Workload | undefined {
    const index = this.once(
      "workloads",
      () => new Map(this.snapshot.kubernetes.workloads.map((w) => [`${w.kind}/${w.namespace}/${w.name}`, w])),
    );
    return index.get(`${kind}/${namespace}/${name}`);
  }

  node(name: string): Node | undefined {
    const index = this.once("nodes", () => new Map(this.snapshot.kubernetes.nodes.map((n) => [n.name, n])));
    return index.get(name);
  }
}

/** A Kubernetes object as a finding's object. */
export function k8sObject(meta: {
  readonly kind: string;
  readonly namespace: string | undefined;
  readonly name: string;
  readonly source: SourceRef;
}): LintObject {
  return { kind: meta.kind, namespace: meta.namespace, name: meta.name, source: meta.source };
}

/** An AWS object (security group, route table, subnet…) as a finding's object. */
export function awsObject(kind: string, id: string, source: SourceRef | undefined): LintObject {
  return { kind, name: id, source };
}
