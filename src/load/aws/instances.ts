import type {
  Instance as SdkInstance,
  InstanceNetworkInterface,
  NetworkInterface as SdkNetworkInterface,
  Reservation,
} from "@aws-sdk/client-ec2";
import type { Instance, NetworkInterface, PrivateIp } from "../../model/aws.js";
import { describeType, FieldAt, Fields, isRaw, Malformed } from "../fields.js";
import { convertElements, idsOf, optIPv4, readableId, readTags, reqCidr, reqIPv4 } from "./common.js";
import type { Conversion } from "./common.js";

/** describe-instances (Reservations[].Instances[]) and describe-network-interfaces */

function convertInstance(conv: Conversion, f: Fields<SdkInstance>, raw: Record<string, unknown>): Instance {
  const id = f.reqStr("InstanceId");
  const tags = readTags(f.objs("Tags"));
  const availabilityZone = f.obj("Placement")?.str("AvailabilityZone");
  const instance: Instance = {
    id,
    name: tags["Name"] || undefined,
    state: f.obj("State")?.str("Name"),
    privateIp: optIPv4(f, "PrivateIpAddress"),
    privateDnsName: f.str("PrivateDnsName") || undefined,
    publicIp: optIPv4(f, "PublicIpAddress"),
    subnetId: f.str("SubnetId") || undefined,
    vpcId: f.str("VpcId") || undefined,
    availabilityZone,
    securityGroupIds: idsOf(f.objs("SecurityGroups"), "GroupId"),
    networkInterfaceIds: idsOf(f.objs("NetworkInterfaces"), "NetworkInterfaceId"),
    sourceDestCheck: f.bool("SourceDestCheck") ?? true,
    tags,
    source: conv.ctx.source(raw),
  };
  // Most captures have describe-instances only: its NetworkInterfaces[] carry what the path
  // engine needs of each ENI (subnet, addresses with their public IPs, groups, source/dest check).
  for (const n of f.objs("NetworkInterfaces")) {
    try {
      const eni = instanceEni(conv, n, instance);
      if (eni) conv.draft.enisFromInstances.push(eni);
    } catch (error) {
      if (!(error instanceof Malformed)) throw error;
      conv.draft.warn(
        "invalid-field",
        `instance ${id}: network interface skipped: ${error.message}`,
        conv.ctx.source(error.at ?? n.raw),
      );
    }
  }
  return instance;
}

export function convertReservations(conv: Conversion, items: readonly unknown[]): void {
  const { ctx, draft } = conv;
  items.forEach((reservation, r) => {
    let instances: readonly unknown[];
    try {
      if (!isRaw(reservation))
        throw new Malformed(
          `Reservations[${r}] must be a mapping, not ${describeType(reservation)}`,
          new FieldAt(items, r),
        );
      const f = new Fields<Reservation>(reservation, `Reservations[${r}]`);
      const value = f.any("Instances");
      if (value !== undefined && value !== null && !Array.isArray(value)) {
        throw new Malformed(
          `Reservations[${r}].Instances must be a list, not ${describeType(value)}`,
          new FieldAt(reservation, "Instances"),
        );
      }
      instances = Array.isArray(value) ? value : [];
    } catch (error) {
      if (!(error instanceof Malformed)) throw error;
      const id = (isRaw(reservation) ? readableId(reservation, "ReservationId") : undefined) ?? `#${r}`;
      draft.warn(
        "invalid-object",
        `reservation ${id} skipped: ${error.message}`,
        ctx.source(error.at ?? reservation, ctx.source(items)),
      );
      return;
    }
    convertElements<SdkInstance, Instance>(
      conv,
      instances,
      `Reservations[${r}].Instances`,
      {
        what: "instance",
        kind: "ec2:Instance",
        id: (raw) => readableId(raw, "InstanceId"),
        convert: (f, raw) => convertInstance(conv, f, raw),
      },
      draft.aws.instances,
    );
  });
}

/** An ENI as `describe-instances` prints it under `Reservations[].Instances[].NetworkInterfaces[]`. */
function instanceEni(
  conv: Conversion,
  f: Fields<InstanceNetworkInterface>,
  instance: Instance,
): NetworkInterface | undefined {
  const attachment = f.obj("Attachment");
  const deviceIndex = attachment?.int("DeviceIndex", { min: 0 });
  // a trimmed capture (--query) may keep only the ids: the instance's own subnet and VPC then
  const subnetId = f.str("SubnetId") || instance.subnetId;
  const vpcId = f.str("VpcId") || instance.vpcId;
  if (!subnetId || !vpcId) {
    // not silent: without its subnet the ENI cannot be placed in the VPC
    throw new Malformed(
      `${f.str("NetworkInterfaceId") ?? "(no NetworkInterfaceId)"}: ${!subnetId ? "SubnetId" : "VpcId"} is missing on the interface and on the instance`,
      f.raw,
    );
  }
  const listed = privateIps(f);
  const primary = deviceIndex === 0 || (deviceIndex === undefined && instance.networkInterfaceIds.length === 1);
  const ips =
    listed.length > 0 || !primary || !instance.privateIp
      ? listed.map((ip) =>
          // the instance's PublicIpAddress is its primary ENI's primary address's public IP: a
          // trimmed capture may keep it on the instance only
          primary && ip.publicIp === undefined && ip.address === instance.privateIp && instance.publicIp
            ? { ...ip, publicIp: instance.publicIp }
            : ip,
        )
      : [{ address: instance.privateIp, primary: true, publicIp: instance.publicIp }];
  return {
    id: f.reqStr("NetworkInterfaceId"),
    subnetId,
    vpcId,
    availabilityZone: instance.availabilityZone,
    privateIps: ips,
    ipv4Prefixes: f.objs("Ipv4Prefixes").map((p) => reqCidr(p, "Ipv4Prefix")),
    securityGroupIds: idsOf(f.objs("Groups"), "GroupId"),
    attachment: { instanceId: instance.id, deviceIndex },
    sourceDestCheck: f.bool("SourceDestCheck") ?? true,
    interfaceType: f.str("InterfaceType"),
    description: f.str("Description") || undefined,
    requesterId: undefined,
    tags: {},
    origin: "describe-instances",
    source: conv.ctx.source(f.raw),
  };
}

function privateIps(f: Fields<SdkNetworkInterface> | Fields<InstanceNetworkInterface>): PrivateIp[] {
  const g = f as Fields<SdkNetworkInterface>;
  const listed = g.objs("PrivateIpAddresses").map((p): PrivateIp => ({
    address: reqIPv4(p, "PrivateIpAddress"),
    primary: p.bool("Primary") ?? false,
    publicIp: optIPv4(p.objOrEmpty("Association"), "PublicIp"),
  }));
  if (listed.length > 0) return listed;
  // Trimmed output (e.g. a --query) may keep only the primary address.
  const primary = optIPv4(g, "PrivateIpAddress");
  return primary === undefined
    ? []
    : [{ address: primary, primary: true, publicIp: optIPv4(g.objOrEmpty("Association"), "PublicIp") }];
}

export function convertNetworkInterfaces(conv: Conversion, items: readonly unknown[]): void {
  convertElements<SdkNetworkInterface, NetworkInterface>(
    conv,
    items,
    "NetworkInterfaces",
    {
      what: "network interface",
      kind: "ec2:NetworkInterface",
      id: (raw) => readableId(raw, "NetworkInterfaceId"),
      convert: (f, raw) => {
        const id = f.reqStr("NetworkInterfaceId");
        const subnetId = f.reqStr("SubnetId");
        const vpcId = f.reqStr("VpcId");
        const attachment = f.obj("Attachment");
        return {
          id,
          subnetId,
          vpcId,
          availabilityZone: f.str("AvailabilityZone"),
          privateIps: privateIps(f),
          ipv4Prefixes: f.objs("Ipv4Prefixes").map((p) => reqCidr(p, "Ipv4Prefix")),
          securityGroupIds: idsOf(f.objs("Groups"), "GroupId"),
          attachment: attachment && {
            instanceId: attachment.str("InstanceId"),
            deviceIndex: attachment.int("DeviceIndex", { min: 0 }),
          },
          sourceDestCheck: f.bool("SourceDestCheck") ?? true,
          interfaceType: f.str("InterfaceType"),
          description: f.str("Description") || undefined,
          requesterId: f.str("RequesterId"),
          tags: readTags(f.objs("TagSet")),
          origin: "describe-network-interfaces",
          source: conv.ctx.source(raw),
        };
      },
    },
    conv.draft.aws.networkInterfaces,
  );
}
