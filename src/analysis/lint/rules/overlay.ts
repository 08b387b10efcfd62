/**
 * Calico overlay rules, judged with the path engine's own Calico and VPC models
 * (src/analysis/paths/calico.ts) and security-group evaluator (paths/aws/security-groups.ts):
 *
 * - alb-ip-target-overlay: a load balancer with target type `ip` sends to the pod addresses
 *   themselves; Calico IP pool addresses (VXLAN/IPIP overlay) exist only inside the cluster, so
 *   nothing in the VPC can reach them unless a route table sends the pool to a node
 *   (calico.ts `podIpRoutableFromVpc`; aws-load-balancer-controller docs, "target-type: ip" needs
 *   pod IPs routable in the VPC, as with the Amazon VPC CNI).
 * - overlay-one-way: the overlay's packets between nodes — VXLAN (UDP 4789), IP-in-IP (IP protocol
 *   4), BGP (TCP 179) for the bird backend — allowed from some nodes to others but not back
 *   (Calico docs, "Network requirements"; the security groups are evaluated for each direction as
 *   a packet between the nodes' addresses). An overlay that only works one way breaks every
 *   connection whose reply crosses back.
 * - nat-outgoing-no-route-back: an IP pool with natOutgoing false sends pod traffic to the VPC
 *   and beyond with the pod address as source (felix/rules/nat.go: no MASQUERADE); the replies
 *   come back only if the VPC routes the pool's CIDR to the nodes (Calico docs, "Configure
 *   outgoing NAT").
 */
import type { IPPool, Node } from "../../../model/kubernetes.js";
import { formatIPv4, parseCidr4 } from "../../../model/net.js";
import type { RouteTable } from "../../../model/aws.js";
import { awsIndex } from "../../paths/aws/aws-index.js";
import type { WireProtocol } from "../../paths/aws/protocols.js";
import { evaluateSecurityGroups, type SecurityGroupDecision } from "../../paths/aws/security-groups.js";
import { ipPoolFor, nodePrimaryIp, podIpRoutableFromVpc } from "../../paths/calico.js";
import { calicoNodeAgent } from "../../paths/node-agents.js";
import { awsObject, k8sObject, type LintContext } from "../context.js";
import { nodeSecurityGroups } from "../aws-common.js";
import { listNames } from "../words.js";
import type { LintFinding, LintObject, LintRule } from "../types.js";
import { loadBalancerViews, targetGroupsOfLoadBalancer } from "./security-groups.js";

function calicoNetworks(ctx: LintContext): boolean {
  return ctx.cni.networking === "calico" && ctx.snapshot.kubernetes.ipPools.length > 0;
}

function poolFirstAddress(pool: IPPool): string | undefined {
  const c = parseCidr4(pool.cidr);
  return c ? formatIPv4(c.base + 1) : undefined;
}

export const albIpTargetOverlay: LintRule<LintContext> = {
  id: "alb-ip-target-overlay",
  severity: "error",
  title: "a load balancer with target type ip in front of pods whose Calico overlay addresses the VPC cannot reach",
  upstream:
    "aws-load-balancer-controller docs, target-type ip; Calico docs, overlay networking (src/analysis/paths/calico.ts podIpRoutableFromVpc)",
  helpUri:
    "https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#target-type",
  check(ctx) {
    if (!calicoNetworks(ctx)) return [];
    const aws = ctx.snapshot.aws;
    const pools = ctx.snapshot.kubernetes.ipPools;
    const index = awsIndex(aws);
    const findings: LintFinding[] = [];
    const seen = new Set<string>();
    for (const lb of loadBalancerViews(ctx)) {
      const subnet = lb.subnetIds[0];
      const table: RouteTable | undefined = subnet
        ? (index.routeTableBySubnet.get(subnet) ??
          (index.subnetsById.get(subnet)
            ? index.mainRouteTableByVpc.get(index.subnetsById.get(subnet)!.vpcId)
            : undefined))
        : undefined;
      for (const tg of targetGroupsOfLoadBalancer(ctx, lb)) {
        if (tg.targetType !== "ip") continue;
        const svc = tg.service;
        // the observed load balancer and the one the controller would build for the same Ingress or Service: one finding
        const owner = lb.ingresses[0] ?? lb.service;
        const key = `${owner ? `${owner.namespace}/${owner.name}` : lb.name}|${svc ? `${svc.namespace}/${svc.name}` : tg.id}`;
        if (seen.has(key)) continue;
        // the pods' addresses: the targets, else the Service's pods, else the pools the pods would get
        let ips = tg.targets.filter((t) => t.kind === "ip").map((t) => t.ip);
        if (ips.length === 0 && svc) {
          const endpoints = ctx.snapshot.kubernetes.serviceEndpoints.find(
            (e) => e.service.namespace === svc.namespace && e.service.name === svc.name,
          );
          const pods = ctx.snapshot.kubernetes.pods;
          ips = (endpoints?.pods ?? [])
            .map((r) => pods.find((p) => p.namespace === r.namespace && p.name === r.name)?.podIP)
            .filter((ip): ip is string => ip !== undefined);
        }
        if (ips.length === 0)
          ips = pools
            .filter((p) => !p.disabled)
            .map(poolFirstAddress)
            .filter((ip): ip is string => ip !== undefined);
        const unreachable = ips.map((ip) => podIpRoutableFromVpc(ip, pools, table, aws)).find((d) => !d.allowed);
        if (!unreachable) continue;
        seen.add(key);
        const pool = ipPoolFor(ips[0]!, pools);
        const objects: LintObject[] = [];
        for (const ing of lb.ingresses)
          objects.push({ kind: "Ingress", namespace: ing.namespace, name: ing.name, source: ing.source });
        if (lb.service)
          objects.push({
            kind: "Service",
            namespace: lb.service.namespace,
            name: lb.service.name,
            source: lb.service.source,
          });
        if (objects.length === 0) objects.push(awsObject("LoadBalancer", lb.name, lb.source));
        if (pool) objects.push(k8sObject(pool.meta));
        const kind = lb.type === "application" ? "ALB" : "NLB";
        findings.push({
          ruleId: this.id,
          severity: this.severity,
          message: `${kind} ${lb.name} has target type ip${svc ? ` for Service ${svc.namespace}/${svc.name}` : ""}, so it sends to the pods' own addresses: ${unreachable.note}`,
          objects,
          fix: "set alb.ingress.kubernetes.io/target-type: instance (the Service as NodePort) on the Ingress or Service, or run the AWS VPC CNI so pods get VPC addresses",
        });
      }
    }
    return findings;
  },
};

interface OverlayProtocol {
  readonly name: string;
  readonly protocol: WireProtocol;
  readonly port: number;
}

const VXLAN: OverlayProtocol = { name: "VXLAN (UDP 4789)", protocol: "UDP", port: 4789 };
const IPIP: OverlayProtocol = { name: "IP-in-IP (IP protocol 4)", protocol: "IPIP", port: 0 };
const BGP: OverlayProtocol = { name: "BGP (TCP 179)", protocol: "TCP", port: 179 };

/** The node-to-node protocols the pools and calico-node's backend use (CALICO_NETWORKING_BACKEND, default bird). */
function overlayProtocols(ctx: LintContext): { protocols: OverlayProtocol[]; crossSubnetOnly: boolean } {
  const pools = ctx.snapshot.kubernetes.ipPools.filter((p) => !p.disabled);
  const agent = calicoNodeAgent(ctx.snapshot);
  const backend = agent?.template.spec.containers.map((c) => c.envValues["CALICO_NETWORKING_BACKEND"]).find((v) => v);
  const protocols: OverlayProtocol[] = [];
  const vxlan = pools.filter((p) => p.vxlanMode !== "Never");
  const ipip = pools.filter((p) => p.ipipMode !== "Never");
  const native = pools.filter((p) => p.vxlanMode === "Never" && p.ipipMode === "Never");
  if (vxlan.length > 0) protocols.push(VXLAN);
  if (ipip.length > 0) protocols.push(IPIP);
  if (backend === "bird" || (backend === undefined && (ipip.length > 0 || native.length > 0))) protocols.push(BGP);
  const modes = [...vxlan.map((p) => p.vxlanMode), ...ipip.map((p) => p.ipipMode)];
  return {
    protocols,
    crossSubnetOnly: modes.length > 0 && modes.every((m) => m === "CrossSubnet") && native.length === 0,
  };
}

function undecided(d: SecurityGroupDecision): boolean {
  return !d.allowed && d.undecided === true;
}

/** Egress of the sender's groups, then ingress of the receiver's, for one packet between node addresses. */
function passes(
  ctx: LintContext,
  from: { ip: string; groups: readonly string[] },
  to: { ip: string; groups: readonly string[] },
  p: OverlayProtocol,
): SecurityGroupDecision {
  const aws = ctx.snapshot.aws;
  const out = evaluateSecurityGroups("egress", from.groups, to.ip, p.port, p.protocol, aws);
  if (!out.allowed) return out;
  return evaluateSecurityGroups("ingress", to.groups, from.ip, p.port, p.protocol, aws);
}

export const overlayOneWay: LintRule<LintContext> = {
  id: "overlay-one-way",
  severity: "error",
  title:
    "Calico's node-to-node traffic (VXLAN UDP 4789, IP-in-IP protocol 4, BGP TCP 179) allowed one way only between node security groups",
  upstream:
    "Calico docs, Network requirements; AWS EC2 security group evaluation (src/analysis/paths/aws/security-groups.ts)",
  helpUri: "https://docs.tigera.io/calico/latest/getting-started/kubernetes/requirements#network-requirements",
  check(ctx) {
    if (!calicoNetworks(ctx) || ctx.snapshot.aws.securityGroups.length === 0) return [];
    const { protocols, crossSubnetOnly } = overlayProtocols(ctx);
    // nodes grouped by what the evaluation reads: their groups and their subnet
    const classes = new Map<
      string,
      { nodes: Node[]; ip: string; groups: readonly string[]; subnet: string | undefined }
    >();
    for (const node of ctx.snapshot.kubernetes.nodes) {
      const ip = nodePrimaryIp(node);
      const groups = nodeSecurityGroups(ctx, node);
      if (!ip || groups.length === 0) continue;
      const subnet = ctx.nodeNetworks.get(node.name)?.subnetId;
      const key = `${[...groups].sort().join(",")}|${subnet ?? ""}`;
      const c = classes.get(key);
      if (c) c.nodes.push(node);
      else classes.set(key, { nodes: [node], ip, groups, subnet });
    }
    const list = [...classes.values()];
    const groups = awsIndex(ctx.snapshot.aws).securityGroupsById;
    const findings: LintFinding[] = [];
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i]!;
        const b = list[j]!;
        if (crossSubnetOnly && a.subnet === b.subnet) continue;
        for (const p of protocols) {
          const ab = passes(ctx, a, b, p);
          const ba = passes(ctx, b, a, p);
          if (undecided(ab) || undecided(ba) || ab.allowed === ba.allowed) continue;
          const [open, shut, denied] = ab.allowed ? [a, b, ba] : [b, a, ab];
          const names = (x: typeof a) => listNames(x.nodes.map((n) => n.name));
          const deciding = denied.group ?? groups.get(denied.id);
          findings.push({
            ruleId: this.id,
            severity: this.severity,
            message: `${p.name} from ${names(open)} to ${names(shut)} is allowed, but not back: ${denied.rule}; pod traffic whose reply crosses from ${names(shut)} to ${names(open)} is lost`,
            objects: [
              ...(deciding ? [awsObject("SecurityGroup", deciding.id, deciding.source)] : []),
              ...shut.nodes.map((n) => k8sObject(n.meta)),
              ...open.nodes.map((n) => k8sObject(n.meta)),
            ],
            fix: `allow ${p.name} both ways between the nodes' security groups (${[...new Set([...a.groups, ...b.groups])].join(", ")}): an inbound rule for it from the other nodes' security group on each side`,
          });
        }
      }
    return findings;
  },
};

export const natOutgoingNoRouteBack: LintRule<LintContext> = {
  id: "nat-outgoing-no-route-back",
  severity: "error",
  title: "a Calico IP pool with natOutgoing disabled and no VPC route back to the pool's pods",
  upstream: "Calico felix/rules/nat.go (cali-nat-outgoing), Calico docs, Configure outgoing NAT",
  helpUri: "https://docs.tigera.io/calico/latest/networking/configuring/workloads-outside-cluster",
  check(ctx) {
    if (!calicoNetworks(ctx)) return [];
    const aws = ctx.snapshot.aws;
    const pools = ctx.snapshot.kubernetes.ipPools;
    const tables = new Map<string, RouteTable>();
    for (const network of ctx.nodeNetworks.values())
      if (network.routeTable) tables.set(network.routeTable.id, network.routeTable);
    if (tables.size === 0) return [];
    const findings: LintFinding[] = [];
    for (const pool of pools) {
      if (pool.natOutgoing || pool.disabled) continue;
      const ip = poolFirstAddress(pool);
      if (!ip) continue;
      const missing = [...tables.values()]
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .filter((t) => !podIpRoutableFromVpc(ip, pools, t, aws).allowed);
      if (missing.length === 0) continue;
      findings.push({
        ruleId: this.id,
        severity: this.severity,
        message: `Calico IP pool ${pool.name} (${pool.cidr}) has natOutgoing: false, so its pods' packets leave the nodes with the pod address as source, and route table${missing.length > 1 ? "s" : ""} ${missing.map((t) => t.id).join(", ")} of the nodes' subnets send${missing.length > 1 ? "" : "s"} no route for ${pool.cidr} to a node: replies from the VPC and the internet never come back`,
        objects: [k8sObject(pool.meta), ...missing.map((t) => awsObject("RouteTable", t.id, t.source))],
        fix: `set natOutgoing: true on IPPool ${pool.name}, or route ${pool.cidr} (each node's block) to the nodes in the VPC route tables with source/destination check off`,
      });
    }
    return findings;
  },
};
