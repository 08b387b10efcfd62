import type { Instance, NetworkInterface, PrivateIp } from "../../../model/aws.js";
import type { SourceRef } from "../../../model/source.js";
import { unique } from "../common.js";
import { blocks, num, optIp, str, strs, tfTags, type TfConversion } from "./common.js";

/**
 * aws_instance, aws_network_interface (+ aws_network_interface_attachment), aws_eip and
 * aws_eip_association. Shapes after the provider docs (resources/instance, network_interface,
 * eip, eip_association). Neither an instance nor an interface records its VPC in the state: its
 * subnet's is used.
 *
 * Elastic IPs: an aws_eip with `instance` or `network_interface` (or an aws_eip_association)
 * gives the instance's primary address (or the interface's `private_ip`/`private_ip_address`) the
 * EIP's `public_ip`, superseding the `public_ip` the state recorded on the instance at launch
 * (provider docs, resources/instance, `public_ip`: "If you are using an aws_eip with your
 * instance, you should refer to the EIP's address directly and not use public_ip as this field
 * will change after the EIP is attached"; AWS EC2 docs, "Elastic IP addresses": associating one
 * with an instance releases the instance's public IPv4 address).
 */

export interface Subnets {
  vpcOf(subnetId: string): string | undefined;
  zoneOf(subnetId: string): string | undefined;
}

interface EipBinding {
  readonly instanceId: string | undefined;
  readonly networkInterfaceId: string | undefined;
  readonly privateIp: string | undefined;
  readonly publicIp: string;
  readonly source: SourceRef;
}

export interface InstancePart {
  readonly instances: Instance[];
  /** an instance's primary interface, as describe-instances would list it */
  readonly instanceEnis: NetworkInterface[];
  readonly networkInterfaces: NetworkInterface[];
  /** Elastic IPs by allocation id (NAT gateways and NLB subnet mappings read them) */
  readonly eipByAllocation: ReadonlyMap<string, string>;
}

function eipBindings(conv: TfConversion): { bindings: EipBinding[]; byAllocation: Map<string, string> } {
  const byAllocation = new Map<string, string>();
  const bindings: EipBinding[] = [];
  conv.each(["aws_eip"], (f, r) => {
    const publicIp = optIp(f, "public_ip");
    const allocation = str(f, "allocation_id") ?? str(f, "id");
    if (publicIp && allocation) byAllocation.set(allocation, publicIp);
    const instanceId = str(f, "instance");
    const networkInterfaceId = str(f, "network_interface");
    if (publicIp && (instanceId || networkInterfaceId))
      bindings.push({
        instanceId,
        networkInterfaceId,
        privateIp: optIp(f, "associate_with_private_ip") ?? (networkInterfaceId ? optIp(f, "private_ip") : undefined),
        publicIp,
        source: conv.source(r),
      });
    return undefined;
  });
  conv.each(["aws_eip_association"], (f, r) => {
    const allocation = str(f, "allocation_id");
    const publicIp = optIp(f, "public_ip") ?? (allocation ? byAllocation.get(allocation) : undefined);
    const instanceId = str(f, "instance_id");
    const networkInterfaceId = str(f, "network_interface_id");
    if (!publicIp || !(instanceId || networkInterfaceId)) return undefined;
    bindings.push({
      instanceId,
      networkInterfaceId,
      privateIp: optIp(f, "private_ip_address"),
      publicIp,
      source: conv.source(r),
    });
    return undefined;
  });
  return { bindings, byAllocation };
}

export function convertInstances(conv: TfConversion, subnets: Subnets): InstancePart {
  const { bindings, byAllocation } = eipBindings(conv);
  const attachments = conv.each(["aws_network_interface_attachment"], (f) => ({
    eniId: f.reqStr("network_interface_id"),
    instanceId: f.reqStr("instance_id"),
    deviceIndex: num(f, "device_index", { min: 0 }),
  }));
  const instanceEnis: NetworkInterface[] = [];
  const instances = conv.each(["aws_instance"], (f, r): Instance => {
    const id = f.reqStr("id");
    const tags = tfTags(f);
    const subnetId = str(f, "subnet_id");
    const vpcId = subnetId ? subnets.vpcOf(subnetId) : undefined;
    const privateIp = optIp(f, "private_ip");
    const eip = bindings.find((b) => b.instanceId === id && (b.privateIp === undefined || b.privateIp === privateIp));
    const publicIp = eip?.publicIp ?? optIp(f, "public_ip");
    const primaryEni = str(f, "primary_network_interface_id");
    const attachedEnis = blocks(f, "network_interface").flatMap((b) => {
      const eni = str(b, "network_interface_id");
      return eni ? [eni] : [];
    });
    const source = conv.source(r);
    const availabilityZone = str(f, "availability_zone") ?? (subnetId ? subnets.zoneOf(subnetId) : undefined);
    const groups = [...strs(f, "vpc_security_group_ids")];
    const sourceDestCheck = f.bool("source_dest_check") ?? true;
    if (primaryEni && subnetId && vpcId) {
      const ips: PrivateIp[] = [
        ...(privateIp ? [{ address: privateIp, primary: true, publicIp }] : []),
        ...strs(f, "secondary_private_ips").map((address) => ({ address, primary: false, publicIp: undefined })),
      ];
      instanceEnis.push({
        id: primaryEni,
        subnetId,
        vpcId,
        availabilityZone,
        privateIps: ips,
        ipv4Prefixes: [],
        securityGroupIds: groups,
        attachment: { instanceId: id, deviceIndex: 0 },
        sourceDestCheck,
        interfaceType: "interface",
        description: undefined,
        requesterId: undefined,
        tags: {},
        origin: "describe-instances",
        source,
      });
    }
    return {
      id,
      name: tags["Name"] || undefined,
      state: str(f, "instance_state"),
      privateIp,
      privateDnsName: str(f, "private_dns"),
      publicIp,
      subnetId,
      vpcId,
      availabilityZone,
      securityGroupIds: groups,
      networkInterfaceIds: unique([...(primaryEni ? [primaryEni] : []), ...attachedEnis]),
      sourceDestCheck,
      tags,
      source,
    };
  });
  const networkInterfaces = conv.each(["aws_network_interface"], (f, r): NetworkInterface | undefined => {
    const id = f.reqStr("id");
    const subnetId = f.reqStr("subnet_id");
    const vpcId =
      subnets.vpcOf(subnetId) ??
      f.fail(`subnet_id ${subnetId} is in neither the state nor the snapshot: the interface's VPC is not known`);
    const primary = optIp(f, "private_ip");
    const listed = unique([...(primary ? [primary] : []), ...strs(f, "private_ip_list"), ...strs(f, "private_ips")]);
    const attachment = blocks(f, "attachment")[0];
    const separate = attachments.find((a) => a.eniId === id);
    const instanceId = (attachment ? str(attachment, "instance") : undefined) ?? separate?.instanceId;
    const deviceIndex = (attachment ? num(attachment, "device_index", { min: 0 }) : undefined) ?? separate?.deviceIndex;
    const eips = bindings.filter((b) => b.networkInterfaceId === id);
    const privateIps = listed.map((address, i): PrivateIp => {
      const primaryIp = address === (primary ?? listed[0]) && i === listed.indexOf(address);
      const eip = eips.find((b) => (b.privateIp ?? primary ?? listed[0]) === address);
      return { address, primary: primaryIp, publicIp: eip?.publicIp };
    });
    return {
      id,
      subnetId,
      vpcId,
      availabilityZone: subnets.zoneOf(subnetId),
      privateIps,
      ipv4Prefixes: strs(f, "ipv4_prefixes"),
      securityGroupIds: [...strs(f, "security_groups")],
      attachment: instanceId ? { instanceId, deviceIndex } : undefined,
      sourceDestCheck: f.bool("source_dest_check") ?? true,
      interfaceType: str(f, "interface_type") ?? "interface",
      description: str(f, "description"),
      requesterId: undefined,
      tags: tfTags(f),
      origin: "describe-network-interfaces",
      source: conv.source(r),
    };
  });
  // an EIP bound to an instance's primary interface by the interface's id: the instance's public address too
  for (const b of bindings) {
    if (!b.networkInterfaceId) continue;
    const index = instances.findIndex((i) => i.networkInterfaceIds[0] === b.networkInterfaceId);
    const instance = instances[index];
    if (instance && (b.privateIp === undefined || b.privateIp === instance.privateIp))
      instances[index] = { ...instance, publicIp: b.publicIp };
    const eni = instanceEnis.find((e) => e.id === b.networkInterfaceId);
    if (eni)
      eni.privateIps.forEach((ip, i) => {
        if (b.privateIp === undefined ? ip.primary : ip.address === b.privateIp)
          (eni.privateIps as PrivateIp[])[i] = { ...ip, publicIp: b.publicIp };
      });
  }
  return { instances, instanceEnis, networkInterfaces, eipByAllocation: byAllocation };
}
