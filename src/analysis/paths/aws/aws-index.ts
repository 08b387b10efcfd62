import type {
  Instance,
  ManagedPrefixList,
  NetworkAcl,
  NetworkInterface,
  RouteTable,
  SecurityGroup,
  Subnet,
} from "../../../model/aws.js";
import type { AwsModel } from "../../../model/snapshot.js";

/**
 * Lookups over one AWS model, built once on first use (the model is not changed after loading):
 * a 5,000-instance VPC made every hop of a trace scan every instance and interface.
 */
export interface AwsIndex {
  readonly instancesById: ReadonlyMap<string, Instance>;
  readonly instanceByPrivateIp: ReadonlyMap<string, Instance>;
  /** interfaces attached to an instance, or listed by it */
  readonly enisByInstance: ReadonlyMap<string, readonly NetworkInterface[]>;
  /** the first interface holding an address (primary or secondary), and whether it is the primary one */
  readonly eniByAddress: ReadonlyMap<string, { readonly eni: NetworkInterface; readonly primary: boolean }>;
  readonly enisById: ReadonlyMap<string, NetworkInterface>;
  readonly anyPrefixes: boolean;
  readonly subnetsById: ReadonlyMap<string, Subnet>;
  /** the table a subnet is explicitly associated with */
  readonly routeTableBySubnet: ReadonlyMap<string, RouteTable>;
  readonly mainRouteTableByVpc: ReadonlyMap<string, RouteTable>;
  /** the network ACL a subnet is explicitly associated with */
  readonly networkAclBySubnet: ReadonlyMap<string, NetworkAcl>;
  readonly defaultNetworkAclByVpc: ReadonlyMap<string, NetworkAcl>;
  /**
   * whether the snapshot lists every interface (some came from describe-network-interfaces); with
   * describe-instances only, load balancer, NAT gateway and endpoint interfaces are missing
   */
  readonly interfacesComplete: boolean;
  /** security groups by id, the first on a clash */
  readonly securityGroupsById: ReadonlyMap<string, SecurityGroup>;
  /** managed prefix lists (pl-…) referenced by security-group rules and routes */
  readonly prefixListsById: ReadonlyMap<string, ManagedPrefixList>;
}

const cache = new WeakMap<AwsModel, AwsIndex>();

export function awsIndex(aws: AwsModel): AwsIndex {
  let index = cache.get(aws);
  if (index) return index;
  const instancesById = new Map<string, Instance>();
  const instanceByPrivateIp = new Map<string, Instance>();
  for (const i of aws.instances) {
    if (!instancesById.has(i.id)) instancesById.set(i.id, i);
    if (i.privateIp && !instanceByPrivateIp.has(i.privateIp)) instanceByPrivateIp.set(i.privateIp, i);
  }
  const enisByInstance = new Map<string, NetworkInterface[]>();
  const eniByAddress = new Map<string, { eni: NetworkInterface; primary: boolean }>();
  const eniIds = new Map<string, NetworkInterface>();
  let anyPrefixes = false;
  for (const e of aws.networkInterfaces) {
    eniIds.set(e.id, e);
    const owner = e.attachment?.instanceId;
    if (owner) enisByInstance.set(owner, [...(enisByInstance.get(owner) ?? []), e]);
    for (const p of e.privateIps)
      if (!eniByAddress.has(p.address)) eniByAddress.set(p.address, { eni: e, primary: p.primary });
    if (e.ipv4Prefixes.length > 0) anyPrefixes = true;
  }
  // interfaces an instance lists but whose attachment does not name it
  for (const i of aws.instances) {
    const list = enisByInstance.get(i.id) ?? [];
    for (const id of i.networkInterfaceIds) {
      const e = eniIds.get(id);
      if (e && !list.includes(e)) list.push(e);
    }
    if (list.length > 0) enisByInstance.set(i.id, list);
  }
  const subnetsById = new Map<string, Subnet>();
  for (const s of aws.subnets) if (!subnetsById.has(s.id)) subnetsById.set(s.id, s);
  const routeTableBySubnet = new Map<string, RouteTable>();
  const mainRouteTableByVpc = new Map<string, RouteTable>();
  for (const t of aws.routeTables) {
    for (const s of t.subnetIds) if (!routeTableBySubnet.has(s)) routeTableBySubnet.set(s, t);
    if (t.main && t.vpcId && !mainRouteTableByVpc.has(t.vpcId)) mainRouteTableByVpc.set(t.vpcId, t);
  }
  const networkAclBySubnet = new Map<string, NetworkAcl>();
  const defaultNetworkAclByVpc = new Map<string, NetworkAcl>();
  for (const a of aws.networkAcls) {
    for (const s of a.subnetIds) if (!networkAclBySubnet.has(s)) networkAclBySubnet.set(s, a);
    if (a.isDefault && a.vpcId && !defaultNetworkAclByVpc.has(a.vpcId)) defaultNetworkAclByVpc.set(a.vpcId, a);
  }
  const securityGroupsById = new Map<string, SecurityGroup>();
  for (const g of aws.securityGroups) if (!securityGroupsById.has(g.id)) securityGroupsById.set(g.id, g);
  const prefixListsById = new Map(aws.prefixLists.map((l) => [l.id, l] as const));
  const interfacesComplete = aws.networkInterfaces.some((e) => e.origin === "describe-network-interfaces");
  index = {
    instancesById,
    instanceByPrivateIp,
    enisByInstance,
    eniByAddress,
    enisById: eniIds,
    anyPrefixes,
    subnetsById,
    routeTableBySubnet,
    mainRouteTableByVpc,
    networkAclBySubnet,
    defaultNetworkAclByVpc,
    interfacesComplete,
    securityGroupsById,
    prefixListsById,
  };
  cache.set(aws, index);
  return index;
}
