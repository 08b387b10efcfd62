import { awsLayer } from "../../model/aws-layers.js";
import type { AwsLayerKey } from "../../model/aws-layers.js";
import type { SecurityGroup, SecurityGroupRule } from "../../model/aws.js";
import type { Diagnostic } from "../../model/diagnostics.js";
import type { Node } from "../../model/kubernetes.js";
import type { AwsModel } from "../../model/snapshot.js";
import type { SourceRef } from "../../model/source.js";

/**
 * `missing-layer` warnings: an AWS layer the snapshot's own objects need is not in it (nodes
 * without instances, an instance whose subnet is missing, a rule naming a prefix list without its
 * entries, a load balancer without listeners, …). Each is located at the object that needs the
 * layer and names the command whose output adds it. A snapshot without any AWS data gets none:
 * a Kubernetes-only snapshot is a choice, not a gap (`snapshot show` says what it means, ABSENT_AWS).
 * One pass over each list, with maps: no per-object scan of all objects.
 */
export function layerDiagnostics(
  nodes: readonly Node[],
  aws: AwsModel,
  targetHealthCaptured: ReadonlySet<string>,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  // a Kubernetes-only snapshot is a choice, not a gap: snapshot show says what it means (ABSENT_AWS)
  if (!hasAwsData(aws)) return out;
  const warn = (message: string, source: SourceRef | undefined) =>
    out.push(
      source
        ? { code: "missing-layer", severity: "warning", message, source }
        : { code: "missing-layer", severity: "warning", message },
    );
  const add = (key: AwsLayerKey, detail = "") => `add \`${awsLayer(key).command}\`${detail} output`;

  // Missing references, grouped by the missing id: the first referrer locates the warning.
  const missing = new Map<
    string,
    {
      what: string;
      referrer: string;
      count: number;
      source: SourceRef;
      key: AwsLayerKey;
      consequence: string;
      detail: string;
    }
  >();
  const note = (
    id: string,
    key: AwsLayerKey,
    referrer: string,
    source: SourceRef,
    consequence: string,
    detail = "",
  ) => {
    const entry = missing.get(`${key} ${id}`);
    if (entry) entry.count++;
    else missing.set(`${key} ${id}`, { what: id, referrer, count: 1, source, key, consequence, detail });
  };

  // -- nodes and instances
  if (nodes.length > 0 && aws.instances.length === 0) {
    warn(
      `${nodes.length === 1 ? "the node has" : `${nodes.length} nodes have`} no EC2 instance in the snapshot: ${awsLayer("instances").lostWithout}; ${add("instances")}`,
      nodes[0]!.meta.source,
    );
  }

  if (nodes.length > 0 && aws.instances.length > 0) {
    // each such node has its own unjoined-node warning; this one names the file to add
    const lost = nodes.filter((n) => n.instanceId === undefined);
    if (lost.length > 0) {
      warn(
        `${lost.length} of ${nodes.length} nodes join no EC2 instance in the snapshot (unjoined-node): paths cannot leave ${lost.length === 1 ? "it" : "them"} into the VPC; ` +
          `${add("instances")} that lists ${lost.length === 1 ? "its instance" : "their instances"} (a --filters or --vpc-id may have left ${lost.length === 1 ? "it" : "them"} out)`,
        lost[0]!.meta.source,
      );
    }
  }

  const vpcs = new Set(aws.vpcs.map((v) => v.id));
  const subnets = new Map(aws.subnets.map((s) => [s.id, s]));
  const groups = new Set(aws.securityGroups.map((g) => g.id));
  const heldGroups = new Set<string>();
  const inVpc = (vpcId: string | undefined, referrer: string, source: SourceRef) => {
    if (vpcId && !vpcs.has(vpcId))
      note(vpcId, "vpcs", referrer, source, "its CIDR blocks, so which addresses are inside it, are unknown");
  };
  const inSubnet = (subnetId: string | undefined, referrer: string, source: SourceRef) => {
    if (subnetId && !subnets.has(subnetId))
      note(subnetId, "subnets", referrer, source, "its CIDR block, route table and network ACL are unknown");
  };
  const withGroups = (ids: readonly string[], referrer: string, source: SourceRef) => {
    for (const id of ids) {
      heldGroups.add(id);
      if (!groups.has(id)) note(id, "securityGroups", referrer, source, "its rules are unknown");
    }
  };
  for (const i of aws.instances) {
    const who = `instance ${i.id}${i.name ? ` (${i.name})` : ""}`;
    inVpc(i.vpcId, who, i.source);
    inSubnet(i.subnetId, who, i.source);
    withGroups(i.securityGroupIds, who, i.source);
  }
  for (const e of aws.networkInterfaces) {
    inVpc(e.vpcId, `ENI ${e.id}`, e.source);
    inSubnet(e.subnetId, `ENI ${e.id}`, e.source);
    withGroups(e.securityGroupIds, `ENI ${e.id}`, e.source);
  }
  for (const n of aws.natGateways) inSubnet(n.subnetId, `NAT gateway ${n.id}`, n.source);
  for (const lb of aws.loadBalancers) {
    inVpc(lb.vpcId, `load balancer ${lb.name}`, lb.source);
    for (const s of lb.subnetIds) inSubnet(s, `load balancer ${lb.name}`, lb.source);
    withGroups(lb.securityGroupIds, `load balancer ${lb.name}`, lb.source);
  }
  for (const s of aws.subnets) inVpc(s.vpcId, `subnet ${s.id}`, s.source);

  // -- security group rules: groups and prefix lists they name
  const prefixLists = new Map(aws.prefixLists.map((p) => [p.id, p]));
  const notedPeer = new Set<string>();
  const rules = (g: SecurityGroup, direction: "inbound" | "outbound", list: readonly SecurityGroupRule[]) => {
    for (const rule of list) {
      for (const peer of rule.peers) {
        if (peer.kind === "prefix-list") {
          const pl = prefixLists.get(peer.prefixListId);
          if (pl?.entries === undefined) {
            note(
              peer.prefixListId,
              "prefixLists",
              `${direction} rule ${ruleText(rule)} of security group ${g.id}`,
              g.source,
              "decisions of the rules that name it are unknown",
              ` --prefix-list-id ${peer.prefixListId}`,
            );
          }
        } else if (
          peer.kind === "security-group" &&
          !groups.has(peer.groupId) &&
          !heldGroups.has(peer.groupId) &&
          !notedPeer.has(`${g.id} ${peer.groupId}`)
        ) {
          notedPeer.add(`${g.id} ${peer.groupId}`);
          warn(
            `security group ${g.id} (${g.name}) has an ${direction} rule ${ruleText(rule)} naming security group ${peer.groupId}, which is not in the snapshot and held by no ENI in it ` +
              `(another VPC or account?): traffic from its members is not matched; ${add("securityGroups")} (and describe-network-interfaces) that includes it`,
            g.source,
          );
        }
      }
    }
  };
  for (const g of aws.securityGroups) {
    rules(g, "inbound", g.ingress);
    rules(g, "outbound", g.egress);
  }

  // -- route tables and network ACLs of each subnet; route targets
  const routeTableSubnets = new Set(aws.routeTables.flatMap((t) => t.subnetIds));
  const mainTableVpcs = new Set(aws.routeTables.filter((t) => t.main).map((t) => t.vpcId));
  const aclSubnets = new Set(aws.networkAcls.flatMap((a) => a.subnetIds));
  const defaultAclVpcs = new Set(aws.networkAcls.filter((a) => a.isDefault).map((a) => a.vpcId));
  const withoutTable = new Map<string, { ids: string[]; source: SourceRef }>();
  const withoutAcl = new Map<string, { ids: string[]; source: SourceRef }>();
  const group = (
    map: Map<string, { ids: string[]; source: SourceRef }>,
    vpcId: string,
    id: string,
    source: SourceRef,
  ) => {
    const entry = map.get(vpcId);
    if (entry) entry.ids.push(id);
    else map.set(vpcId, { ids: [id], source });
  };
  for (const s of aws.subnets) {
    if (!routeTableSubnets.has(s.id) && !mainTableVpcs.has(s.vpcId)) group(withoutTable, s.vpcId, s.id, s.source);
    if (!aclSubnets.has(s.id) && !defaultAclVpcs.has(s.vpcId)) group(withoutAcl, s.vpcId, s.id, s.source);
  }
  for (const [vpcId, { ids, source }] of withoutTable) {
    warn(
      `${listed("subnet", ids)} of ${vpcId} ${ids.length === 1 ? "has" : "have"} no route table in the snapshot (no association, no main table): ${awsLayer("routeTables").lostWithout}; ${add("routeTables")}`,
      source,
    );
  }
  for (const [vpcId, { ids, source }] of withoutAcl) {
    warn(
      `${listed("subnet", ids)} of ${vpcId} ${ids.length === 1 ? "has" : "have"} no network ACL in the snapshot (no association, no default ACL): ${awsLayer("networkAcls").lostWithout}; ${add("networkAcls")}`,
      source,
    );
  }
  const igws = new Set(aws.internetGateways.map((g) => g.id));
  const nats = new Set(aws.natGateways.map((g) => g.id));
  for (const t of aws.routeTables) {
    for (const r of t.routes) {
      const who = `route ${r.destination} of route table ${t.id}`;
      if (r.targetKind === "internet-gateway" && !igws.has(r.targetId))
        note(
          r.targetId,
          "internetGateways",
          who,
          t.source,
          "which VPC it serves and so the path to the internet are unknown",
        );
      if (r.targetKind === "nat-gateway" && !nats.has(r.targetId))
        note(
          r.targetId,
          "natGateways",
          who,
          t.source,
          "its subnet and public address, so the source IP the internet sees, are unknown",
        );
      if (r.destination.startsWith("pl-") && prefixLists.get(r.destination)?.entries === undefined) {
        note(
          r.destination,
          "prefixLists",
          who,
          t.source,
          "which destinations the route covers is unknown",
          ` --prefix-list-id ${r.destination}`,
        );
      }
    }
  }

  // -- elbv2: listeners, rules, target groups, target health
  const listenersByLb = new Map<string, number>();
  for (const l of aws.listeners) listenersByLb.set(l.loadBalancerArn, (listenersByLb.get(l.loadBalancerArn) ?? 0) + 1);
  const rulesByListener = new Set(aws.listenerRules.map((r) => r.listenerArn));
  const lbByArn = new Map(aws.loadBalancers.map((lb) => [lb.arn, lb]));
  const targetGroups = new Set(aws.targetGroups.map((t) => t.arn));
  const listedEnis = aws.networkInterfaces.some((e) => e.origin === "describe-network-interfaces");
  for (const lb of aws.loadBalancers) {
    if (!listenersByLb.has(lb.arn))
      warn(
        `load balancer ${lb.name} has no listeners in the snapshot: ${awsLayer("listeners").lostWithout}; ${add("listeners").replace("ARN", lb.arn)}`,
        lb.source,
      );
    if (!listedEnis) {
      warn(
        `load balancer ${lb.name}: its ENIs (its addresses in each subnet) come only from describe-network-interfaces, which the snapshot lacks; ${add("networkInterfaces")}`,
        lb.source,
      );
    }
  }
  for (const l of aws.listeners) {
    const lb = lbByArn.get(l.loadBalancerArn);
    if (
      (lb === undefined || lb.type === "application") &&
      (l.protocol === "HTTP" || l.protocol === "HTTPS") &&
      !rulesByListener.has(l.arn)
    ) {
      warn(
        `listener ${l.protocol}:${l.port} of ${lb?.name ?? l.loadBalancerArn} has no rules in the snapshot: ${awsLayer("listenerRules").lostWithout}; ${add("listenerRules").replace("ARN", l.arn)}`,
        l.source,
      );
    }
    for (const a of l.defaultActions)
      for (const tg of a.targetGroups)
        if (!targetGroups.has(tg.arn))
          note(
            tg.arn,
            "targetGroups",
            `listener ${l.protocol}:${l.port}`,
            l.source,
            "its target type, port and targets are unknown",
          );
  }
  for (const r of aws.listenerRules) {
    for (const a of r.actions)
      for (const tg of a.targetGroups)
        if (!targetGroups.has(tg.arn))
          note(
            tg.arn,
            "targetGroups",
            `listener rule ${r.isDefault ? "default" : r.priority}`,
            r.source,
            "its target type, port and targets are unknown",
          );
  }
  for (const tg of aws.targetGroups) {
    if ((tg.targetType === "instance" || tg.targetType === "ip") && !targetHealthCaptured.has(tg.arn)) {
      warn(
        `target group ${tg.name} has no target health in the snapshot: ${awsLayer("targetHealth").lostWithout}; ${add("targetHealth").replace("ARN", tg.arn)}`,
        tg.source,
      );
    }
  }

  for (const m of missing.values()) {
    const layer = awsLayer(m.key);
    const more = m.count > 1 ? ` and ${m.count - 1} more` : "";
    const command = m.key === "prefixLists" ? `aws ec2 get-managed-prefix-list-entries${m.detail}` : layer.command;
    const index = m.key === "prefixLists" ? ` (podpath.yaml: prefixListId: ${m.what}, or the id in the file name)` : "";
    const absent =
      m.key === "prefixLists" && prefixLists.has(m.what)
        ? "whose entries are not in the snapshot"
        : "which is not in the snapshot";
    warn(
      `${m.referrer}${more} ${m.count > 1 ? "name" : "names"} ${singular(layer.label)} ${m.what}, ${absent}: ${m.consequence}; add \`${command}\` output${index}`,
      m.source,
    );
  }
  return out;
}

function hasAwsData(aws: AwsModel): boolean {
  return Object.values(aws).some((list) => (list as readonly unknown[]).length > 0);
}

function ruleText(rule: SecurityGroupRule): string {
  const protocol = rule.protocol === "-1" ? "all traffic" : rule.protocol;
  if (!rule.ports || rule.protocol === "icmp" || rule.protocol === "icmpv6") return protocol;
  return `${protocol} ${rule.ports.from === rule.ports.to ? rule.ports.from : `${rule.ports.from}-${rule.ports.to}`}`;
}

function listed(what: string, ids: readonly string[]): string {
  const shown = ids.slice(0, 5).join(", ");
  return ids.length === 1 ? `${what} ${shown}` : `${ids.length} ${what}s (${shown}${ids.length > 5 ? ", …" : ""})`;
}

const SINGULAR: Readonly<Record<string, string>> = {
  VPCs: "VPC",
  subnets: "subnet",
  "security groups": "security group",
  "managed prefix lists": "managed prefix list",
  "internet gateways": "internet gateway",
  "NAT gateways": "NAT gateway",
  "elbv2 target groups": "target group",
};

function singular(label: string): string {
  return SINGULAR[label] ?? label;
}
