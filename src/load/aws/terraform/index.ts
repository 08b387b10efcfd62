import type { SnapshotDraft } from "../../draft.js";
import type { DocumentContext, Raw } from "../../fields.js";
import { TfConversion } from "./common.js";
import { convertElbv2 } from "./elbv2.js";
import { convertInstances } from "./instances.js";
import { convertSecurityGroups, orphanRules } from "./security-groups.js";
import { stateResources } from "./state.js";
import {
  convertInternetGateways,
  convertNatGateways,
  convertNetworkAcls,
  convertRouteTables,
  convertVpcs,
} from "./vpc.js";

export { isTerraformState, TERRAFORM_STATE_KEYS } from "./detect.js";
export { preferCliOverTerraform } from "./override.js";

/**
 * The Terraform state adapter: `terraform show -json` output or a raw `terraform.tfstate` (v4),
 * its AWS provider resources converted into the same model the AWS CLI adapters produce
 * (src/model/aws.ts), modules included. Each object's source is the line of its resource in the
 * state with the resource address (`module.vpc.aws_subnet.public[0]`). Data sources and resource
 * types podpath does not model are skipped and counted (a `terraform-skipped` diagnostic, and
 * `skipped <type>` in the file's object counts that `snapshot show` lists).
 */

/** Every resource type the adapter reads (merged ones included). */
const MODELLED_TYPES: ReadonlySet<string> = new Set([
  "aws_vpc",
  "aws_default_vpc",
  "aws_vpc_ipv4_cidr_block_association",
  "aws_subnet",
  "aws_default_subnet",
  "aws_route_table",
  "aws_default_route_table",
  "aws_route",
  "aws_route_table_association",
  "aws_main_route_table_association",
  "aws_internet_gateway",
  "aws_internet_gateway_attachment",
  "aws_nat_gateway",
  "aws_eip",
  "aws_eip_association",
  "aws_network_acl",
  "aws_default_network_acl",
  "aws_network_acl_rule",
  "aws_network_acl_association",
  "aws_security_group",
  "aws_default_security_group",
  "aws_security_group_rule",
  "aws_vpc_security_group_ingress_rule",
  "aws_vpc_security_group_egress_rule",
  "aws_instance",
  "aws_network_interface",
  "aws_network_interface_attachment",
  "aws_lb",
  "aws_alb",
  "aws_lb_listener",
  "aws_alb_listener",
  "aws_lb_listener_certificate",
  "aws_alb_listener_certificate",
  "aws_lb_listener_rule",
  "aws_alb_listener_rule",
  "aws_lb_target_group",
  "aws_alb_target_group",
  "aws_lb_target_group_attachment",
  "aws_alb_target_group_attachment",
]);

export function convertTerraformState(value: Raw, ctx: DocumentContext, draft: SnapshotDraft): void {
  const { resources, problems } = stateResources(value);
  for (const p of problems) draft.warn("invalid-object", `${ctx.file}: ${p.message}; it was skipped`, ctx.source(p.at));
  const conv = new TfConversion(ctx, draft, resources);

  const part = convertVpcs(conv);
  const subnetOf = (id: string) => part.subnets.find((s) => s.id === id) ?? draft.aws.subnets.find((s) => s.id === id);
  const subnets = {
    vpcOf: (id: string) => subnetOf(id)?.vpcId,
    zoneOf: (id: string) => subnetOf(id)?.availabilityZone,
  };
  const routeTables = convertRouteTables(conv, part);
  const internetGateways = convertInternetGateways(conv);
  const networkAcls = convertNetworkAcls(conv);
  let orphans = orphanRules.get(draft);
  if (!orphans) orphanRules.set(draft, (orphans = []));
  const securityGroups = convertSecurityGroups(conv, orphans);
  const instances = convertInstances(conv, subnets);
  const natGateways = convertNatGateways(conv, subnets.vpcOf).map((n) => ({
    ...n,
    addresses: n.addresses.map((a) => ({
      ...a,
      publicIp: a.publicIp ?? (a.allocationId ? instances.eipByAllocation.get(a.allocationId) : undefined),
    })),
  }));
  const elbv2 = convertElbv2(conv, instances.eipByAllocation);

  const a = draft.aws;
  a.vpcs.push(...part.vpcs);
  a.subnets.push(...part.subnets);
  a.routeTables.push(...routeTables);
  a.internetGateways.push(...internetGateways);
  a.natGateways.push(...natGateways);
  a.networkAcls.push(...networkAcls);
  a.securityGroups.push(...securityGroups);
  a.instances.push(...instances.instances);
  a.networkInterfaces.push(...instances.networkInterfaces);
  draft.enisFromInstances.push(...instances.instanceEnis);
  a.loadBalancers.push(...elbv2.loadBalancers);
  a.listeners.push(...elbv2.listeners);
  a.listenerRules.push(...elbv2.listenerRules);
  a.targetGroups.push(...elbv2.targetGroups);
  a.targetHealth.push(...elbv2.registrations);

  const skipped = new Map<string, number>();
  for (const r of resources) {
    if (r.mode === "managed" && MODELLED_TYPES.has(r.type)) continue;
    const key = r.mode === "data" ? `data.${r.type}` : r.type;
    skipped.set(key, (skipped.get(key) ?? 0) + 1);
    draft.count(ctx.file, `skipped ${key}`);
  }
  if (skipped.size > 0) {
    const total = [...skipped.values()].reduce((x, y) => x + y, 0);
    const list = [...skipped]
      .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
      .map(([type, n]) => (n > 1 ? `${type} ×${n}` : type))
      .join(", ");
    draft.info(
      "terraform-skipped",
      `${ctx.file}: ${total} resource instance${total === 1 ? "" : "s"} of the state ${total === 1 ? "is" : "are"} not modelled and ${total === 1 ? "was" : "were"} skipped (data sources and types podpath does not read): ${list}`,
      { file: ctx.file, line: ctx.fallback.line, col: ctx.fallback.col, doc: ctx.doc },
    );
  }
}
