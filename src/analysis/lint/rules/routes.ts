/**
 * private-subnet-no-egress: nodes in a subnet whose route table gives them no way to the
 * internet — no active 0.0.0.0/0 route (none, or a blackhole), a default route to an internet
 * gateway while the nodes have no public address (an internet gateway translates only addresses
 * that have one: AWS VPC docs, "Enable internet access for a VPC using an internet gateway"), or a
 * NAT gateway that is not available or whose own subnet has no route to an internet gateway (AWS
 * VPC docs, "NAT gateways": a public NAT gateway is in a public subnet). Image pulls from public
 * registries, the AWS APIs without VPC endpoints and every egress to the internet fail there.
 */
import type { RouteTable } from "../../../model/aws.js";
import type { Node } from "../../../model/kubernetes.js";
import { awsIndex } from "../../paths/aws/aws-index.js";
import { routeTableForSubnet } from "../../paths/aws/route-tables.js";
import { awsObject, k8sObject, type LintContext } from "../context.js";
import { listNames } from "../words.js";
import type { LintFinding, LintRule } from "../types.js";

function defaultRoute(table: RouteTable) {
  return table.routes.find((r) => r.destination === "0.0.0.0/0");
}

export const privateSubnetNoEgress: LintRule<LintContext> = {
  id: "private-subnet-no-egress",
  severity: "warning",
  title:
    "nodes in a subnet with no working route to the internet (no default route, a blackhole, an internet gateway without public addresses, a NAT gateway that cannot reach one)",
  upstream: "AWS VPC docs, route tables, internet gateways and NAT gateways",
  helpUri: "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html",
  check(ctx) {
    const aws = ctx.snapshot.aws;
    if (aws.routeTables.length === 0) return [];
    const index = awsIndex(aws);
    const bySubnet = new Map<string, Node[]>();
    for (const node of ctx.snapshot.kubernetes.nodes) {
      const subnet = ctx.nodeNetworks.get(node.name)?.subnetId;
      if (!subnet) continue;
      bySubnet.set(subnet, [...(bySubnet.get(subnet) ?? []), node]);
    }
    const findings: LintFinding[] = [];
    for (const [subnetId, nodes] of [...bySubnet].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const selection = routeTableForSubnet(subnetId, aws);
      if (!selection) continue;
      const table = selection.table;
      const route = defaultRoute(table);
      let problem: string | undefined;
      let fix = "";
      let affected = nodes;
      if (!route || route.state === "blackhole") {
        problem = route ? `its 0.0.0.0/0 route to ${route.targetId} is a blackhole` : "it has no 0.0.0.0/0 route";
        fix = `add a 0.0.0.0/0 route to a NAT gateway in a public subnet to ${table.id} (or VPC endpoints for every AWS service and registry the nodes use)`;
      } else if (route.targetKind === "internet-gateway") {
        const subnet = index.subnetsById.get(subnetId);
        affected = nodes.filter((n) => {
          const instance = n.instanceId ? index.instancesById.get(n.instanceId) : undefined;
          return instance ? instance.publicIp === undefined : subnet?.mapPublicIpOnLaunch === false;
        });
        if (affected.length > 0) {
          problem = `its 0.0.0.0/0 route goes to internet gateway ${route.targetId}, which translates only addresses with a public IP, and ${listNames(affected.map((n) => n.name))} ${affected.length === 1 ? "has" : "have"} none`;
          fix = `give the nodes public IPs (or Elastic IPs), or route 0.0.0.0/0 of ${table.id} to a NAT gateway in a public subnet`;
        }
      } else if (route.targetKind === "nat-gateway") {
        const nat = aws.natGateways.find((n) => n.id === route.targetId);
        if (nat && nat.state !== "available") {
          problem = `its 0.0.0.0/0 route goes to NAT gateway ${nat.id}, which is ${nat.state}`;
          fix = `route 0.0.0.0/0 of ${table.id} to an available NAT gateway`;
        } else if (nat && nat.connectivityType === "public") {
          const natTable = routeTableForSubnet(nat.subnetId, aws)?.table;
          const natRoute = natTable ? defaultRoute(natTable) : undefined;
          if (natTable && (!natRoute || natRoute.state === "blackhole" || natRoute.targetKind !== "internet-gateway")) {
            problem = `its 0.0.0.0/0 route goes to NAT gateway ${nat.id}, whose subnet ${nat.subnetId} (route table ${natTable.id}) has no route to an internet gateway`;
            fix = `route 0.0.0.0/0 of ${natTable.id} to the VPC's internet gateway (the NAT gateway must sit in a public subnet)`;
          }
        }
      }
      if (!problem) continue;
      findings.push({
        ruleId: this.id,
        severity: this.severity,
        message: `nodes ${listNames(affected.map((n) => n.name))} in subnet ${subnetId} cannot reach the internet: route table ${table.id} (${selection.association === "main" ? "the VPC's main table" : "explicitly associated"}) — ${problem}`,
        objects: [awsObject("RouteTable", table.id, table.source), ...affected.map((n) => k8sObject(n.meta))],
        fix,
      });
    }
    return findings;
  },
};
