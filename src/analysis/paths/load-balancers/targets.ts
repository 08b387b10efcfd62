import type { Instance } from "../../../model/aws.js";
import type { Labels, Node, Pod, Service, ServicePort } from "../../../model/kubernetes.js";
import { parseIPv4 } from "../../../model/net.js";
import type { Snapshot } from "../../../model/snapshot.js";
import { awsIndex } from "../aws/aws-index.js";
import { snapshotIndex } from "../snapshot-index.js";
import { findNamedPort } from "../kube-proxy.js";
import { fail, ok, type BuildResult } from "./build-result.js";
import type { LbSource, TargetView } from "./types.js";

/**
 * The targets the AWS Load Balancer Controller registers in a target group
 * (kubernetes-sigs/aws-load-balancer-controller pkg/backend/endpoint_resolver.go and
 * endpoint_utils.go, as of v2.9 and still on main).
 *
 * target-type instance (ResolveNodePortEndpoints): the Service must be NodePort or LoadBalancer;
 * the nodes are those matching the default traffic-proxy selector (no label
 * `node-role.kubernetes.io/master`, `node.kubernetes.io/exclude-from-external-load-balancers`
 * or `alpha.service-controller.kubernetes.io/exclude-balancer`; `eks.amazonaws.com/compute-type`
 * not `fargate`) plus the `target-node-labels` annotation, that are suitable as traffic proxies
 * (IsNodeSuitableAsTrafficProxy: no `ToBeDeletedByClusterAutoscaler` taint, no
 * `karpenter.sh/disrupted` NoSchedule taint) and whose Ready condition is True — or, when no
 * node is Ready and the EndpointsFailOpen feature gate is on (the default), those whose Ready
 * condition is Unknown. Unschedulable (cordoned) nodes are NOT filtered out. Each target is the
 * node's EC2 instance id from spec.providerID at the Service port's nodePort.
 *
 * target-type ip (ResolvePodEndpoints): the Service's EndpointSlices; of each slice the ports
 * named like the Service port (every port when the Service port has no name); the endpoints
 * whose targetRef is a Pod; ready (or unknown) endpoints, and not-ready ones only when the pod's
 * containers are ready, its node is Ready and the endpoint is not terminating.
 */

const LABEL_MASTER = "node-role.kubernetes.io/master";
const LABEL_EXCLUDE = "node.kubernetes.io/exclude-from-external-load-balancers";
const LABEL_ALPHA_EXCLUDE = "alpha.service-controller.kubernetes.io/exclude-balancer";
const LABEL_COMPUTE_TYPE = "eks.amazonaws.com/compute-type";
const TAINT_CA = "ToBeDeletedByClusterAutoscaler";
const TAINT_KARPENTER = "karpenter.sh/disrupted";

/** The EC2 instance id in a providerID (pkg/k8s/node_utils.go ExtractNodeInstanceID). */
function instanceIdOfNode(node: Node): BuildResult<string> {
  const providerID = node.providerID ?? "";
  if (providerID === "") return fail("missing", `providerID is not specified for node: ${node.name}`, node.meta.source);
  const parts = providerID.split("/");
  const id = parts[parts.length - 1] ?? "";
  if (!/^i-[^/]*$/.test(id))
    return fail(
      "invalid-spec",
      `providerID ${providerID} is invalid for EC2 instances, node: ${node.name}`,
      node.meta.source,
    );
  return ok(id);
}

/** Node → instance and instance → node, from the loader's join (`Node.instanceId`) and the nodes' providerIDs. */
export interface NodeInstanceIndex {
  readonly nodes: ReadonlyMap<string, Node>;
  readonly instanceOfNode: ReadonlyMap<string, Instance>;
  readonly nodeOfInstance: ReadonlyMap<string, Node>;
  readonly instances: ReadonlyMap<string, Instance>;
}

const NODE_INSTANCE_INDEXES = new WeakMap<Snapshot, NodeInstanceIndex>();

/** Built once per snapshot (the model, the controller and every target group share it). */
export function nodeInstanceIndex(snapshot: Snapshot): NodeInstanceIndex {
  let index = NODE_INSTANCE_INDEXES.get(snapshot);
  if (index) return index;
  const instances = awsIndex(snapshot.aws).instancesById;
  const nodes = snapshotIndex(snapshot).nodesByName;
  const instanceOfNode = new Map<string, Instance>();
  const nodeOfInstance = new Map<string, Node>();
  for (const node of snapshot.kubernetes.nodes) {
    const instance = node.instanceId !== undefined ? instances.get(node.instanceId) : undefined;
    if (instance) {
      instanceOfNode.set(node.name, instance);
      nodeOfInstance.set(instance.id, node);
    }
  }
  for (const node of snapshot.kubernetes.nodes) {
    const parsed = instanceIdOfNode(node);
    if (parsed.ok && !nodeOfInstance.has(parsed.value)) nodeOfInstance.set(parsed.value, node);
  }
  index = { nodes, instanceOfNode, nodeOfInstance, instances };
  NODE_INSTANCE_INDEXES.set(snapshot, index);
  return index;
}

/** A Service port as an Ingress backend or a TargetGroupBinding names it: by number, or by name. */
export function servicePortOf(service: Service, port: number | string): ServicePort | undefined {
  return typeof port === "string"
    ? service.ports.find((p) => p.name === port)
    : service.ports.find((p) => p.port === port);
}

interface NodeEligibility {
  readonly node: Node;
  readonly eligible: boolean;
  /** why it is left out */
  readonly reason: string | undefined;
}

function labelled(labels: Labels, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(labels, key);
}

/** The nodes the controller registers for an instance target group, each with why it is left out. */
function trafficProxyNodes(
  snapshot: Snapshot,
  targetNodeLabels: Labels = {},
): { nodes: NodeEligibility[]; notes: string[] } {
  const notes: string[] = [];
  const candidates: NodeEligibility[] = snapshot.kubernetes.nodes.map((node) => {
    const out = (reason: string): NodeEligibility => ({ node, eligible: false, reason });
    for (const key of [LABEL_MASTER, LABEL_EXCLUDE, LABEL_ALPHA_EXCLUDE])
      if (labelled(node.labels, key)) return out(`labelled ${key}`);
    if (node.labels[LABEL_COMPUTE_TYPE] === "fargate") return out(`labelled ${LABEL_COMPUTE_TYPE}=fargate`);
    for (const [k, v] of Object.entries(targetNodeLabels))
      if (node.labels[k] !== v) return out(`not labelled ${k}=${v} (target-node-labels)`);
    for (const taint of node.taints) {
      if (taint.key === TAINT_CA) return out(`tainted ${TAINT_CA}`);
      if (taint.key === TAINT_KARPENTER && taint.effect === "NoSchedule")
        return out(`tainted ${TAINT_KARPENTER}:NoSchedule`);
    }
    return { node, eligible: true, reason: undefined };
  });
  const suitable = candidates.filter((c) => c.eligible);
  const withCondition = suitable.filter((c) => c.node.ready !== undefined);
  // A snapshot without node status cannot say which nodes are Ready: then all are taken as Ready.
  if (suitable.length > 0 && withCondition.length === 0) {
    notes.push("no node in the snapshot has a Ready condition: every node is taken to be Ready");
    return { nodes: candidates, notes };
  }
  const ready = suitable.filter((c) => c.node.ready === "True");
  const failOpen = ready.length === 0 && suitable.some((c) => c.node.ready === "Unknown");
  if (failOpen)
    notes.push(
      "no node is Ready: with EndpointsFailOpen (the default) the nodes whose Ready condition is Unknown are registered",
    );
  const keep = (c: NodeEligibility): boolean => (failOpen ? c.node.ready === "Unknown" : c.node.ready === "True");
  return {
    nodes: candidates.map((c) =>
      c.eligible && !keep(c)
        ? { node: c.node, eligible: false, reason: `Ready condition is ${c.node.ready ?? "missing"}` }
        : c,
    ),
    notes,
  };
}

/** An instance target: the node's instance at the port, addressed by the instance's private IP. */
export function instanceTarget(
  index: NodeInstanceIndex,
  instanceId: string,
  port: number,
  health: string | undefined,
  reason: string | undefined,
  source: TargetView["source"],
): { target: TargetView; note: string | undefined } {
  const node = index.nodeOfInstance.get(instanceId);
  const instance = index.instances.get(instanceId) ?? (node ? index.instanceOfNode.get(node.name) : undefined);
  let ip = instance?.privateIp;
  let note: string | undefined;
  if (!ip && node?.internalIP) {
    ip = node.internalIP;
    note = `instance ${instanceId} is not in the snapshot: its address is taken from node ${node.name}'s InternalIP`;
  }
  if (!ip) note = `instance ${instanceId} is not in the snapshot and no node names it: its address is not known`;
  return {
    target: { kind: "instance", id: instanceId, ip: ip ?? "", port, node: node?.name, health, reason, source },
    note,
  };
}

/** The instance targets the controller registers for a Service port's nodePort. */
export function deriveInstanceTargets(
  snapshot: Snapshot,
  index: NodeInstanceIndex,
  nodePort: number,
  targetNodeLabels: Labels = {},
): { targets: TargetView[]; notes: LbSource[] } {
  const { nodes, notes } = trafficProxyNodes(snapshot, targetNodeLabels);
  const out: LbSource[] = notes.map((what) => ({ what, source: undefined }));
  const targets: TargetView[] = [];
  for (const c of nodes) {
    if (!c.eligible) {
      out.push({ what: `node ${c.node.name} is not registered: ${c.reason}`, source: c.node.meta.source });
      continue;
    }
    const parsed = instanceIdOfNode(c.node);
    if (!parsed.ok) {
      // ResolveNodePortEndpoints fails as a whole: the TargetGroupBinding registers nothing
      out.push({
        what: `the TargetGroupBinding cannot register targets: ${parsed.error.message}`,
        source: parsed.error.source,
      });
      return { targets: [], notes: out };
    }
    const { target, note } = instanceTarget(index, parsed.value, nodePort, undefined, undefined, c.node.meta.source);
    if (note) out.push({ what: note, source: c.node.meta.source });
    targets.push({ ...target, node: c.node.name });
  }
  return { targets, notes: out };
}

/** The pod targets the controller registers for a Service port (target-type ip). */
export function deriveIpTargets(
  snapshot: Snapshot,
  index: NodeInstanceIndex,
  service: Service,
  servicePort: ServicePort,
): { targets: TargetView[]; notes: LbSource[] } {
  const notes: LbSource[] = [];
  const targets: TargetView[] = [];
  const seen = new Set<string>();
  const { podsByName, endpointsByService } = snapshotIndex(snapshot);
  const podOf = (ns: string | undefined, name: string): Pod | undefined =>
    podsByName.get(`${ns ?? service.namespace}/${name}`);
  const push = (t: TargetView): void => {
    const key = `${t.ip}:${t.port}`;
    if (seen.has(key)) return;
    seen.add(key);
    targets.push(t);
  };
  const entry = endpointsByService.get(`${service.namespace}/${service.name}`);
  if (!entry) {
    notes.push({
      what: `service ${service.namespace}/${service.name} has no endpoints in the snapshot`,
      source: service.meta.source,
    });
    return { targets, notes };
  }
  if (entry.origin === "selector") {
    notes.push({
      what: `the snapshot has no EndpointSlices of service ${service.namespace}/${service.name}: its endpoints are taken from its selector over the running pods`,
      source: service.meta.source,
    });
    for (const ref of entry.pods) {
      const pod = podOf(ref.namespace, ref.name);
      if (!pod?.podIP || parseIPv4(pod.podIP) === undefined) continue;
      if (!pod.ready) {
        notes.push({ what: `pod ${pod.namespace}/${pod.name} is not ready: not registered`, source: pod.meta.source });
        continue;
      }
      const port =
        typeof servicePort.targetPort === "number"
          ? servicePort.targetPort
          : findNamedPort(pod, servicePort.targetPort, servicePort.protocol);
      if (port === undefined) {
        notes.push({
          what: `pod ${pod.namespace}/${pod.name} has no container port named ${JSON.stringify(servicePort.targetPort)}`,
          source: pod.meta.source,
        });
        continue;
      }
      push({
        kind: "ip",
        id: pod.podIP,
        ip: pod.podIP,
        port,
        node: pod.nodeName,
        health: undefined,
        pod: { namespace: pod.namespace, name: pod.name },
        source: pod.meta.source,
      });
    }
    return { targets, notes };
  }
  for (const slice of entry.slices) {
    if (slice.addressType !== "IPv4") continue;
    for (const port of slice.ports) {
      if (servicePort.name && servicePort.name !== (port.name ?? "")) continue;
      for (const e of slice.endpoints) {
        if (e.targetRef?.kind !== "Pod") continue;
        const pod = podOf(e.targetRef.namespace, e.targetRef.name);
        const target: TargetView = {
          kind: "ip",
          id: e.address,
          ip: e.address,
          port: port.port,
          node: e.nodeName ?? pod?.nodeName,
          health: undefined,
          pod: { namespace: e.targetRef.namespace ?? service.namespace, name: e.targetRef.name },
          source: slice.meta.source,
        };
        if (!pod)
          notes.push({
            what: `pod ${e.targetRef.name} of ${slice.name} is not in the snapshot (the controller registers only pods it knows)`,
            source: slice.meta.source,
          });
        if (e.ready) {
          push(target);
          continue;
        }
        const nodeReady = pod?.nodeName ? index.nodes.get(pod.nodeName)?.ready : undefined;
        if (pod?.ready && nodeReady === "True" && !e.terminating) push(target);
        else
          notes.push({
            what: `endpoint ${e.address} (${e.targetRef.name}) is not ready: not registered`,
            source: slice.meta.source,
          });
      }
    }
  }
  return { targets, notes };
}
