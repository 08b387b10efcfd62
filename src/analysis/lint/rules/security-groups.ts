/**
 * Security-group rules of the nodes:
 *
 * - sg-open-to-world: an inbound rule from 0.0.0.0/0 or ::/0 on a node's security group that
 *   covers a port the Kubernetes docs "Ports and Protocols" list for the control plane and the
 *   kubelet — on control-plane nodes the API server (6443, and 443 where it may listen) and etcd
 *   (2379-2380), on every node the kubelet API (10250) — or SSH (22, a warning). The cluster's own traffic needs none of
 *   them from the whole internet.
 * - nodeport-unreachable: a load balancer with instance targets sends each request (and each
 *   health check) to the Service's NodePort on the node from its own addresses, so the nodes'
 *   security groups must admit that port from the load balancer's security group or subnets (AWS
 *   ELB docs, "Security groups for your Application Load Balancer" and "Target security groups"
 *   for Network Load Balancers; aws-load-balancer-controller docs, "Security group rules" when it
 *   does not manage them: --enable-manage-backend-security-group-rules is off by default). The
 *   controller manages those rules itself for a load balancer whose security groups it creates
 *   (ALBs, and NLBs since v2.6: aws-load-balancer-controller docs, "Security Groups for Load
 *   Balancers"), and the in-tree provider for its NLBs: only observed load balancers and those
 *   that name their own security groups without manage-backend-security-group-rules are judged.
 */
import type { SecurityGroup, SecurityGroupRule } from "../../../model/aws.js";
import type { Node } from "../../../model/kubernetes.js";
import { cidrCovers, parseCidr4, type Cidr4 } from "../../../model/net.js";
import { awsIndex } from "../../paths/aws/aws-index.js";
import { describeSecurityGroup } from "../../paths/aws/security-groups.js";
import type { LoadBalancerView, TargetGroupView } from "../../paths/load-balancers/index.js";
import { awsObject, type LintContext } from "../context.js";
import { isControlPlane, nodeSecurityGroups } from "../aws-common.js";
import { listNames } from "../words.js";
import type { LintFinding, LintObject, LintRule, LintSeverity } from "../types.js";

const WORLD = ["0.0.0.0/0", "::/0"];

interface SensitivePort {
  readonly what: string;
  readonly from: number;
  readonly to: number;
  readonly controlPlaneOnly: boolean;
  readonly severity: LintSeverity;
}

/** Kubernetes docs, "Ports and Protocols" (control plane, worker nodes), and SSH. */
const SENSITIVE: readonly SensitivePort[] = [
  { what: "the Kubernetes API server (6443)", from: 6443, to: 6443, controlPlaneOnly: true, severity: "error" },
  { what: "the Kubernetes API server (443)", from: 443, to: 443, controlPlaneOnly: true, severity: "error" },
  { what: "etcd (2379-2380)", from: 2379, to: 2380, controlPlaneOnly: true, severity: "error" },
  { what: "the kubelet API (10250)", from: 10250, to: 10250, controlPlaneOnly: false, severity: "error" },
  { what: "SSH (22)", from: 22, to: 22, controlPlaneOnly: false, severity: "warning" },
];

function tcpCovers(rule: SecurityGroupRule, from: number, to: number): boolean {
  if (rule.protocol !== "-1" && rule.protocol !== "tcp" && rule.protocol !== "6") return false;
  return rule.ports === undefined || (rule.ports.from <= to && rule.ports.to >= from);
}

function ruleText(rule: SecurityGroupRule): string {
  if (rule.protocol === "-1") return "all traffic";
  return rule.ports
    ? `${rule.protocol} ${rule.ports.from === rule.ports.to ? rule.ports.from : `${rule.ports.from}-${rule.ports.to}`}`
    : `protocol ${rule.protocol}`;
}

/** Node security groups → the nodes using each, in node order. */
function nodesBySecurityGroup(ctx: LintContext): Map<string, Node[]> {
  const out = new Map<string, Node[]>();
  for (const node of ctx.snapshot.kubernetes.nodes)
    for (const id of nodeSecurityGroups(ctx, node)) {
      const list = out.get(id) ?? [];
      list.push(node);
      out.set(id, list);
    }
  return out;
}

export const securityGroupOpenToWorld: LintRule<LintContext> = {
  id: "sg-open-to-world",
  severity: "error",
  title: "a node security group open to 0.0.0.0/0 or ::/0 on the API server, etcd, kubelet or SSH ports",
  upstream: "Kubernetes docs, Ports and Protocols; AWS EC2 docs, security group rules",
  helpUri: "https://kubernetes.io/docs/reference/networking/ports-and-protocols/",
  check(ctx) {
    const findings: LintFinding[] = [];
    const groups = awsIndex(ctx.snapshot.aws).securityGroupsById;
    for (const [id, nodes] of [...nodesBySecurityGroup(ctx)].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const group = groups.get(id);
      if (!group) continue;
      for (const port of SENSITIVE) {
        const exposed = port.controlPlaneOnly ? nodes.filter(isControlPlane) : nodes;
        if (exposed.length === 0) continue;
        const rule = group.ingress.find(
          (r) => tcpCovers(r, port.from, port.to) && r.peers.some((p) => p.kind === "cidr" && WORLD.includes(p.cidr)),
        );
        if (!rule) continue;
        const world = rule.peers
          .filter((p) => p.kind === "cidr" && WORLD.includes(p.cidr))
          .map((p) => (p.kind === "cidr" ? p.cidr : ""))
          .join(" and ");
        findings.push({
          ruleId: this.id,
          severity: port.severity,
          message: `security group ${describeSecurityGroup(group)} admits ${ruleText(rule)} from ${world}: ${port.what} on ${listNames(exposed.map((n) => n.name))} is open to the whole internet`,
          objects: [awsObject("SecurityGroup", group.id, group.source), ...exposed.map(nodeObject)],
          fix: `narrow the inbound rule's source to the addresses that need ${port.what} (the VPC CIDR, an admin prefix list, a bastion's security group), or remove it`,
        });
      }
    }
    return findings;
  },
};

function nodeObject(node: Node): LintObject {
  return { kind: "Node", name: node.name, source: node.meta.source };
}

/** The target groups a load balancer forwards to (its listeners' rules), with the model's view of each. */
function targetGroupsOf(ctx: LintContext, lb: LoadBalancerView): TargetGroupView[] {
  const out: TargetGroupView[] = [];
  for (const l of lb.listeners)
    for (const r of l.rules)
      for (const a of r.actions)
        if (a.type === "forward")
          for (const t of a.targetGroups) {
            const tg = ctx.loadBalancers.targetGroups.get(t.id);
            if (tg && !out.includes(tg)) out.push(tg);
          }
  return out;
}

/** The load balancers of the model: observed ones and, beside each, what the controller would build instead. */
export function loadBalancerViews(ctx: LintContext): LoadBalancerView[] {
  const out: LoadBalancerView[] = [];
  for (const lb of ctx.loadBalancers.loadBalancers) {
    out.push(lb);
    if (lb.derived) out.push(lb.derived);
  }
  return out.filter((lb) => lb.type === "application" || lb.type === "network");
}

export function targetGroupsOfLoadBalancer(ctx: LintContext, lb: LoadBalancerView): TargetGroupView[] {
  return targetGroupsOf(ctx, lb);
}

/** The NodePorts an instance target group sends to: its targets' ports, else the Service's node port. */
function nodePortsOf(ctx: LintContext, tg: TargetGroupView): number[] {
  const ports = [...new Set(tg.targets.filter((t) => t.kind === "instance").map((t) => t.port))];
  if (ports.length > 0) return ports.sort((a, b) => a - b);
  const svc = tg.service;
  if (!svc) return tg.port ? [tg.port] : [];
  const service = ctx.snapshot.kubernetes.services.find((s) => s.namespace === svc.namespace && s.name === svc.name);
  const port = service?.ports.find((p) => p.port === svc.port || p.name === svc.port);
  return port?.nodePort ? [port.nodePort] : [];
}

type Admission = "admitted" | "refused" | "undecided";

/** Whether a node's groups admit TCP `port` from the load balancer (its groups, or CIDRs covering all its subnets). */
function admitsFrom(
  groups: readonly SecurityGroup[],
  port: number,
  lbGroups: readonly string[],
  lbCidrs: readonly Cidr4[],
): Admission {
  let undecided = false;
  for (const g of groups)
    for (const rule of g.ingress) {
      if (!tcpCovers(rule, port, port)) continue;
      for (const peer of rule.peers) {
        if (peer.kind === "security-group" && lbGroups.includes(peer.groupId)) return "admitted";
        if (peer.kind === "cidr") {
          const c = parseCidr4(peer.cidr);
          if (c && lbCidrs.length > 0 && lbCidrs.every((x) => cidrCovers(c, x))) return "admitted";
        }
        if (peer.kind === "prefix-list") undecided = true;
      }
    }
  return undecided ? "undecided" : "refused";
}

/** A Service load balancer with `aws-load-balancer-security-groups` and no `…-manage-backend-security-group-rules: "true"`. */
function ownSecurityGroupsUnmanaged(ctx: LintContext, lb: LoadBalancerView): boolean {
  const svc = lb.service;
  const service = svc
    ? ctx.snapshot.kubernetes.services.find((s) => s.namespace === svc.namespace && s.name === svc.name)
    : undefined;
  const annotations = service?.meta.annotations ?? {};
  return (
    lb.securityGroupIds.length > 0 &&
    annotations["service.beta.kubernetes.io/aws-load-balancer-manage-backend-security-group-rules"] !== "true"
  );
}

export const nodePortUnreachable: LintRule<LintContext> = {
  id: "nodeport-unreachable",
  severity: "error",
  title: "an ALB or NLB with instance targets whose NodePort the nodes' security groups do not admit from it",
  upstream:
    "AWS ELB docs, ALB security groups and NLB target security groups; aws-load-balancer-controller docs, security group rules",
  helpUri:
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-update-security-groups.html",
  check(ctx) {
    const aws = ctx.snapshot.aws;
    if (aws.securityGroups.length === 0) return [];
    const index = awsIndex(aws);
    const findings: LintFinding[] = [];
    const seen = new Set<string>();
    for (const lb of loadBalancerViews(ctx)) {
      const lbCidrs = lb.subnetIds
        .map((id) => index.subnetsById.get(id)?.cidr)
        .concat(lb.addresses.map((a) => (a.privateIp ? `${a.privateIp}/32` : undefined)))
        .map((c) => (c ? parseCidr4(c) : undefined))
        .filter((c): c is Cidr4 => c !== undefined);
      if (lb.securityGroupIds.length === 0 && lbCidrs.length === 0) continue; // nothing to judge by
      // a load balancer the controller will build adds the targets' rules itself (model_build_managed_sg.go)
      if (lb.origin !== "elbv2" && lb.managedSecurityGroupRules?.backend.some((b) => b.startsWith("targets'")))
        continue;
      // a Service's NLB: the controller (NLB security groups, v2.6+) or the in-tree provider adds the nodes' rules
      // itself, unless the Service names its own security groups without asking it to manage the backend rules
      if (lb.origin === "service" && !ownSecurityGroupsUnmanaged(ctx, lb)) continue;
      for (const tg of targetGroupsOf(ctx, lb)) {
        if (tg.targetType !== "instance") continue;
        const targetNodes = tg.targets.map((t) => t.node).filter((n): n is string => n !== undefined);
        const nodes = (
          targetNodes.length > 0
            ? [...new Set(targetNodes)].map((n) => ctx.node(n))
            : ctx.snapshot.kubernetes.nodes.filter(
                (n) => !("node.kubernetes.io/exclude-from-external-load-balancers" in n.labels),
              )
        ).filter((n): n is Node => n !== undefined);
        for (const port of nodePortsOf(ctx, tg)) {
          const refused: Node[] = [];
          const groupsRefusing = new Map<string, SecurityGroup>();
          for (const node of nodes) {
            const groups = nodeSecurityGroups(ctx, node)
              .map((id) => index.securityGroupsById.get(id))
              .filter((g): g is SecurityGroup => g !== undefined);
            if (groups.length === 0) continue;
            if (admitsFrom(groups, port, lb.securityGroupIds, lbCidrs) !== "refused") continue;
            refused.push(node);
            for (const g of groups) groupsRefusing.set(g.id, g);
          }
          if (refused.length === 0) continue;
          const service = tg.service ? `Service ${tg.service.namespace}/${tg.service.name}'s ` : "";
          const kind = lb.type === "application" ? "ALB" : "NLB";
          const from =
            lb.securityGroupIds.length > 0 ? `its security group ${lb.securityGroupIds.join(", ")}` : "its subnets";
          const sgs = [...groupsRefusing.values()];
          const lbObject: LintObject = lb.ingresses[0]
            ? {
                kind: "Ingress",
                namespace: lb.ingresses[0].namespace,
                name: lb.ingresses[0].name,
                source: lb.ingresses[0].source,
              }
            : lb.service
              ? { kind: "Service", namespace: lb.service.namespace, name: lb.service.name, source: lb.service.source }
              : awsObject("LoadBalancer", lb.name, lb.source);
          // the observed load balancer and the one the controller would build for the same Ingress or Service: one finding
          const key = `${lbObject.kind}/${lbObject.namespace ?? ""}/${lbObject.name}|${service}|${port}`;
          if (seen.has(key)) continue;
          seen.add(key);
          findings.push({
            ruleId: this.id,
            severity: this.severity,
            message: `${kind} ${lb.name} sends ${service}NodePort ${port} to instance targets, and the security groups of ${listNames(refused.map((n) => n.name))} (${sgs.map(describeSecurityGroup).join(", ")}) admit no TCP ${port} from ${from}: health checks fail and requests get 502/503`,
            objects: [
              lbObject,
              ...sgs.map((g) => awsObject("SecurityGroup", g.id, g.source)),
              ...refused.map(nodeObject),
            ],
            fix: `add an inbound rule to ${sgs[0] ? describeSecurityGroup(sgs[0]) : "the nodes' security group"}: TCP ${port} (or the NodePort range 30000-32767) from ${from}`,
          });
        }
      }
    }
    return findings;
  },
};
