/**
 * What `podpath report -o html` shows beyond the Markdown report: the cluster map (the nodes with
 * their zone, subnet, taints, labels and pods; the VPCs with their subnets, route tables, gateways
 * and load balancers), and the connectivity (connlist) and exposure answers. Plain, sorted data
 * read from the snapshot and the report's own placement (src/format/html/ draws it).
 *
 * A subnet's route table is AWS's rule (`routeTableForSubnet`: the explicitly associated table,
 * else the VPC's main table — Amazon VPC User Guide, "Route tables for your VPC", subnet route
 * tables); a subnet is public when that table routes 0.0.0.0/0 to an internet gateway (the same
 * guide, "Subnet types"). A node's zone is its `topology.kubernetes.io/zone` label (the well-known
 * label kubelet and the cloud provider set), else its EC2 instance's availability zone.
 */
import { analyseConnlist } from "../analysis/connectivity/connlist.js";
import { routeTableForSubnet } from "../analysis/paths/aws/route-tables.js";
import { loadBalancersOf } from "../analysis/paths/load-balancers/index.js";
import type { Snapshot } from "../model/snapshot.js";
import { formatSource } from "../model/source.js";
import { answerConnlist, type ConnlistJson } from "./connlist.js";
import { answerExposure, type ExposureJson } from "./exposure.js";
import type { PlacementJson } from "./place.js";

interface MapPod {
  readonly namespace: string;
  readonly name: string;
  /** observed: the snapshot shows it on the node; predicted: the simulation places it there; static: its kubelet runs it */
  readonly state: "observed" | "predicted" | "static";
}

export interface MapNode {
  readonly name: string;
  readonly zone: string | null;
  readonly subnetId: string | null;
  readonly instanceId: string | null;
  readonly internalIP: string | null;
  readonly externalIP: string | null;
  readonly ready: string | null;
  readonly unschedulable: boolean;
  readonly taints: readonly { readonly text: string; readonly source: string }[];
  /** every label, `key=value` (or `key` when empty), sorted */
  readonly labels: readonly string[];
  readonly pods: readonly MapPod[];
  readonly source: string;
}

interface MapRoute {
  readonly destination: string;
  /** `local`, or the target's id */
  readonly target: string;
  readonly targetKind: string;
  readonly blackhole: boolean;
}

interface MapRouteTable {
  readonly id: string;
  readonly name: string | null;
  /** explicit: the subnet is associated with it; main: the VPC's main table applies */
  readonly association: "explicit" | "main";
  readonly routes: readonly MapRoute[];
  readonly source: string;
}

export interface MapSubnet {
  readonly id: string;
  readonly name: string | null;
  readonly cidr: string;
  readonly zone: string | null;
  /** its route table sends 0.0.0.0/0 to an internet gateway */
  readonly public: boolean;
  readonly routeTable: MapRouteTable | null;
  readonly natGateways: readonly {
    readonly id: string;
    readonly publicIp: string | null;
    readonly privateIp: string | null;
    readonly source: string;
  }[];
  readonly source: string;
}

export interface MapVpc {
  readonly id: string;
  readonly name: string | null;
  readonly cidrs: readonly string[];
  readonly internetGateways: readonly { readonly id: string; readonly source: string }[];
  readonly subnets: readonly MapSubnet[];
  readonly source: string;
}

interface MapLoadBalancer {
  readonly name: string;
  readonly type: string;
  readonly scheme: string;
  /** elbv2: observed; ingress or service: derived as the controller would build it */
  readonly origin: string;
  readonly dnsName: string | null;
  readonly vpcId: string | null;
  readonly subnetIds: readonly string[];
  /** `HTTPS:443` */
  readonly listeners: readonly string[];
  readonly source: string;
}

export interface ClusterMap {
  readonly vpcs: readonly MapVpc[];
  readonly nodes: readonly MapNode[];
  readonly loadBalancers: readonly MapLoadBalancer[];
}

/** The HTML page's data beyond the Markdown report's. */
export interface ReportPage {
  readonly map: ClusterMap;
  /** `podpath connlist` on the same snapshot; null unless the report was asked for the page (`ReportInput.page`) */
  readonly connlist: ConnlistJson | null;
  /** `podpath exposure` on the same snapshot; null unless the report was asked for the page */
  readonly exposure: ExposureJson | null;
}

const ZONE_LABEL = "topology.kubernetes.io/zone";

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function podsByNode(placement: PlacementJson): Map<string, MapPod[]> {
  const out = new Map<string, MapPod[]>();
  const add = (node: string, pod: MapPod): void => {
    const list = out.get(node) ?? [];
    list.push(pod);
    out.set(node, list);
  };
  for (const w of placement.workloads)
    for (const p of w.pods) {
      if (p.observedNode !== null) add(p.observedNode, { namespace: w.namespace, name: p.name, state: "observed" });
      else if (p.predictedNode !== null)
        add(p.predictedNode, { namespace: w.namespace, name: p.name, state: "predicted" });
    }
  for (const p of placement.staticPods) add(p.node, { namespace: p.namespace, name: p.name, state: "static" });
  for (const list of out.values())
    list.sort((a, b) => byText(a.namespace, b.namespace) || byText(a.name, b.name) || byText(a.state, b.state));
  return out;
}

/** The cluster map: nodes (with the report's pods) and the AWS network around them. */
function clusterMap(snapshot: Snapshot, placement: PlacementJson): ClusterMap {
  const aws = snapshot.aws;
  const instances = new Map(aws.instances.map((i) => [i.id, i]));
  const pods = podsByNode(placement);
  const nodes: MapNode[] = snapshot.kubernetes.nodes
    .map((n) => {
      const instance = n.instanceId ? instances.get(n.instanceId) : undefined;
      return {
        name: n.name,
        zone: n.labels[ZONE_LABEL] || instance?.availabilityZone || null,
        subnetId: instance?.subnetId ?? null,
        instanceId: n.instanceId ?? null,
        internalIP: n.internalIP ?? null,
        externalIP: n.externalIP ?? null,
        ready: n.ready ?? null,
        unschedulable: n.unschedulable,
        taints: n.taints.map((t) => ({
          text: `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`,
          source: formatSource(t.source),
        })),
        labels: Object.keys(n.labels)
          .sort(byText)
          .map((k) => (n.labels[k] ? `${k}=${n.labels[k]}` : k)),
        pods: pods.get(n.name) ?? [],
        source: formatSource(n.meta.source),
      };
    })
    .sort((a, b) => byText(a.name, b.name));

  const vpcs: MapVpc[] = aws.vpcs
    .map((v) => ({
      id: v.id,
      name: v.tags["Name"] ?? null,
      cidrs: v.cidrBlocks,
      internetGateways: aws.internetGateways
        .filter((g) => g.vpcIds.includes(v.id))
        .map((g) => ({ id: g.id, source: formatSource(g.source) }))
        .sort((a, b) => byText(a.id, b.id)),
      subnets: aws.subnets
        .filter((s) => s.vpcId === v.id)
        .map((s): MapSubnet => {
          const selected = routeTableForSubnet(s.id, aws);
          const table = selected?.table;
          const routes: MapRoute[] = (table?.routes ?? []).map((r) => ({
            destination: r.destination,
            target: r.targetKind === "local" ? "local" : r.targetId,
            targetKind: r.targetKind,
            blackhole: r.state === "blackhole",
          }));
          return {
            id: s.id,
            name: s.tags["Name"] ?? null,
            cidr: s.cidr,
            zone: s.availabilityZone ?? null,
            public: routes.some(
              (r) => r.destination === "0.0.0.0/0" && r.targetKind === "internet-gateway" && !r.blackhole,
            ),
            routeTable:
              table && selected
                ? {
                    id: table.id,
                    name: table.tags["Name"] ?? null,
                    association: selected.association,
                    routes,
                    source: formatSource(table.source),
                  }
                : null,
            natGateways: aws.natGateways
              .filter((g) => g.subnetId === s.id)
              .map((g) => {
                const primary = g.addresses.find((a) => a.primary) ?? g.addresses[0];
                return {
                  id: g.id,
                  publicIp: primary?.publicIp ?? null,
                  privateIp: primary?.privateIp ?? null,
                  source: formatSource(g.source),
                };
              })
              .sort((a, b) => byText(a.id, b.id)),
            source: formatSource(s.source),
          };
        })
        .sort((a, b) => byText(a.zone ?? "", b.zone ?? "") || byText(a.id, b.id)),
      source: formatSource(v.source),
    }))
    .sort((a, b) => byText(a.id, b.id));

  const loadBalancers: MapLoadBalancer[] = loadBalancersOf(snapshot)
    .loadBalancers.map((lb) => ({
      name: lb.name,
      type: lb.type,
      scheme: lb.scheme,
      origin: lb.origin,
      dnsName: lb.dnsName ?? null,
      vpcId: lb.vpcId ?? null,
      subnetIds: [...lb.subnetIds].sort(byText),
      listeners: lb.listeners.map((l) => `${l.protocol}:${l.port}`),
      source: formatSource(lb.source),
    }))
    .sort((a, b) => byText(a.name, b.name) || byText(a.source, b.source));

  return { vpcs, nodes, loadBalancers };
}

/**
 * The page's data: the cluster map (always: it is cheap), and with `views` `podpath connlist` and
 * `podpath exposure` on the same snapshot (with -n NS, connlist limited to NS as `connlist -n` is,
 * and exposure's workloads to NS's).
 */
export function reportPage(
  snapshot: Snapshot,
  placement: PlacementJson,
  namespace: string | undefined,
  views: boolean,
): ReportPage {
  if (!views) return { map: clusterMap(snapshot, placement), connlist: null, exposure: null };
  // one connlist analysis of every namespace: the page's connlist is cut to -n NS from it, and
  // exposure needs it whole
  const all = analyseConnlist(snapshot, { focusWorkloads: [] });
  const connlist = answerConnlist(snapshot, { namespace }, all);
  const exposure = answerExposure(snapshot, {}, all).result;
  return {
    map: clusterMap(snapshot, placement),
    connlist: connlist.result,
    exposure:
      namespace === undefined
        ? exposure
        : { ...exposure, workloads: exposure.workloads.filter((w) => w.namespace === namespace) },
  };
}
