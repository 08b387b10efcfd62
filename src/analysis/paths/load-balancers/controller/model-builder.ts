import type { Ingress, Service } from "../../../../model/kubernetes.js";
import type { Snapshot } from "../../../../model/snapshot.js";
import type { SourceRef } from "../../../../model/source.js";
import { awsIndex } from "../../aws/aws-index.js";
import { describeRule } from "../listener-rules.js";
import { nodeInstanceIndex, type NodeInstanceIndex } from "../targets.js";
import type {
  IgnoredIngress,
  IngressRouteSketch,
  ListenerView,
  LoadBalancerView,
  RuleView,
  TargetGroupView,
  UnreconciledGroup,
} from "../types.js";
import { ALB_ANNOTATIONS, annotationErrorMessage } from "../../../../model/annotations.js";
import { CONTROLLER_REREADS } from "./annotations.js";
import type { BuildContext } from "./build-task.js";
import { fail, ok, type BuildFailure, type BuildResult } from "../build-result.js";
import { goList, ingressRef, key, sameSet } from "./common.js";
import type { ControllerOptions } from "./config.js";
import { sourceOfAnnotation } from "./group-annotations.js";
import { classifyIngresses, sortMembers, type ClassifiedIngress } from "./group-loader.js";
import { buildRules } from "./model-build-listener-rules.js";
import {
  buildDefaultActions,
  listenPortConfigs,
  sslRedirectAction,
  type ListenPortConfig,
} from "./model-build-listener.js";
import { buildIpAddressType, buildName, buildScheme, buildSecurityGroups } from "./model-build-load-balancer.js";
import { describeManagedRules } from "./model-build-managed-sg.js";
import { routeSketches } from "./route-sketches.js";
import { optimizeRules } from "./rule-optimizer.js";
import { buildSubnets } from "./subnet-resolver.js";

/**
 * The build of every group (pkg/ingress/model_builder.go run), with the listen ports merged across
 * a group and its SSL redirect (mergeListenPortConfigs, buildSSLRedirectConfig).
 */

export interface DerivedGroup {
  readonly group: string;
  readonly explicit: boolean;
  readonly members: readonly ClassifiedIngress[];
  readonly loadBalancer: LoadBalancerView | undefined;
  readonly targetGroups: readonly TargetGroupView[];
  readonly unreconciled: UnreconciledGroup | undefined;
}

export interface ControllerModel {
  readonly groups: readonly DerivedGroup[];
  /** groups refused before they are built (an invalid group name, several default IngressClasses) and groups whose build fails */
  readonly unreconciled: readonly UnreconciledGroup[];
  readonly routes: readonly IngressRouteSketch[];
  readonly ignored: readonly IgnoredIngress[];
  readonly vpcId: string | undefined;
  readonly clusterName: string | undefined;
}

/** The cluster's VPC: the VPC of the nodes' instances (most of them), else the snapshot's only VPC. */
function clusterVpcOf(snapshot: Snapshot, index: NodeInstanceIndex): string | undefined {
  const counts = new Map<string, number>();
  for (const instance of index.instanceOfNode.values())
    if (instance.vpcId) counts.set(instance.vpcId, (counts.get(instance.vpcId) ?? 0) + 1);
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
  if (best) return best[0];
  return snapshot.aws.vpcs.length === 1 ? snapshot.aws.vpcs[0]!.id : undefined;
}

/** The cluster name from a `kubernetes.io/cluster/NAME` tag on the nodes' instances, else on their subnets. */
function clusterNameOf(snapshot: Snapshot, index: NodeInstanceIndex): string | undefined {
  const fromTags = (tags: Readonly<Record<string, string>>): string | undefined => {
    const k = Object.keys(tags).find((t) => t.startsWith("kubernetes.io/cluster/"));
    return k?.slice("kubernetes.io/cluster/".length);
  };
  for (const instance of index.instanceOfNode.values()) {
    const name = fromTags(instance.tags);
    if (name) return name;
  }
  const subnets = awsIndex(snapshot.aws).subnetsById;
  for (const instance of index.instanceOfNode.values()) {
    const subnet = instance.subnetId !== undefined ? subnets.get(instance.subnetId) : undefined;
    const name = subnet ? fromTags(subnet.tags) : undefined;
    if (name) return name;
  }
  return undefined;
}

/** Derives the load balancers of every IngressGroup, or the controller's refusal. */
export function deriveFromIngresses(snapshot: Snapshot, options: ControllerOptions = {}): ControllerModel {
  const index = nodeInstanceIndex(snapshot);
  const vpcId = options.vpcId ?? clusterVpcOf(snapshot, index);
  const clusterName = options.clusterName ?? clusterNameOf(snapshot, index);
  const classification = classifyIngresses(snapshot, options);
  const services = new Map<string, Service>();
  for (const s of snapshot.kubernetes.services)
    if (!services.has(`${s.namespace}/${s.name}`)) services.set(`${s.namespace}/${s.name}`, s);
  const groups: DerivedGroup[] = [];
  const unreconciled: UnreconciledGroup[] = [...classification.refused];
  const groupNames = [...classification.members.keys()].sort();
  for (const group of groupNames) {
    const list = classification.members.get(group)!;
    const sortedMembers = sortMembers(list);
    if (!sortedMembers.ok) {
      // the group is not loaded (loadGroupID / sortGroupMembers): the error is reported as it is
      const u: UnreconciledGroup = {
        group,
        ingresses: list.map((m) => ingressRef(m.ingress)),
        code: sortedMembers.error.code,
        message: sortedMembers.error.message,
        source: sortedMembers.error.source,
      };
      unreconciled.push(u);
      groups.push({
        group,
        explicit: list[0]!.explicit,
        members: list,
        loadBalancer: undefined,
        targetGroups: [],
        unreconciled: u,
      });
      continue;
    }
    const sorted = sortedMembers.value;
    const ctx: BuildContext = {
      snapshot,
      options,
      index,
      services,
      vpcId,
      clusterName,
      group,
      explicit: sorted[0]!.explicit,
      targetGroups: new Map(),
      notes: [],
      backendPorts: new Map(),
    };
    const built = buildGroup(ctx, sorted);
    if (built.ok) {
      groups.push({
        group,
        explicit: ctx.explicit,
        members: sorted,
        loadBalancer: built.value,
        targetGroups: [...ctx.targetGroups.values()],
        unreconciled: undefined,
      });
    } else {
      const u: UnreconciledGroup = {
        group,
        ingresses: sorted.map((m) => ingressRef(m.ingress)),
        code: built.error.code,
        message: `Failed build model due to ${built.error.message}`,
        source: built.error.source,
      };
      unreconciled.push(u);
      groups.push({
        group,
        explicit: ctx.explicit,
        members: sorted,
        loadBalancer: undefined,
        targetGroups: [],
        unreconciled: u,
      });
    }
  }
  return {
    groups,
    unreconciled,
    routes: routeSketches(snapshot, classification),
    ignored: classification.ignored,
    vpcId,
    clusterName,
  };
}

/** A member listening on a port, with its config for that port. */
interface PortMember {
  readonly m: ClassifiedIngress;
  readonly cfg: ListenPortConfig;
}

/** mergeListenPortConfigs: one protocol per port; inbound-cidrs must agree where given. */
function mergePort(port: number, configs: readonly PortMember[]): BuildResult<ListenPortConfig> {
  const conflict = (message: string, ing: Ingress): BuildFailure =>
    fail("conflict", `failed to merge listenPort config for port: ${port}: ${message}`, ing.meta.source);
  const first = configs[0]!;
  let cidrsFrom: PortMember | undefined;
  const certificates: string[] = [];
  for (const c of configs) {
    if (c.cfg.protocol !== first.cfg.protocol)
      return conflict(
        `conflicting protocol, ${key(first.m.ingress)}: ${first.cfg.protocol} | ${key(c.m.ingress)}: ${c.cfg.protocol}`,
        c.m.ingress,
      );
    if (c.cfg.cidrs4.length > 0 || c.cfg.cidrs6.length > 0) {
      if (!cidrsFrom) cidrsFrom = c;
      else if (!sameSet(cidrsFrom.cfg.cidrs4, c.cfg.cidrs4) || !sameSet(cidrsFrom.cfg.cidrs6, c.cfg.cidrs6)) {
        const sorted = (x: readonly string[]) => goList([...new Set(x)].sort());
        return conflict(
          `conflicting inbound-cidrs, ${key(cidrsFrom.m.ingress)}: ${sorted(cidrsFrom.cfg.cidrs4)}, ${sorted(cidrsFrom.cfg.cidrs6)} | ${key(c.m.ingress)}: ${sorted(c.cfg.cidrs4)}, ${sorted(c.cfg.cidrs6)}`,
          c.m.ingress,
        );
      }
    }
    for (const cert of c.cfg.certificates) if (!certificates.includes(cert)) certificates.push(cert);
  }
  const cidrs4 = cidrsFrom ? [...new Set(cidrsFrom.cfg.cidrs4)].sort() : ["0.0.0.0/0"];
  const cidrs6 = cidrsFrom ? [...new Set(cidrsFrom.cfg.cidrs6)].sort() : ["::/0"];
  return ok({ protocol: first.cfg.protocol, cidrs4, cidrs6, certificates });
}

/** buildSSLRedirectConfig: the HTTPS port HTTP listeners redirect to, and the Ingress that asks for it. */
function buildSslRedirect(
  members: readonly ClassifiedIngress[],
  ports: ReadonlyMap<number, ListenPortConfig>,
): BuildResult<{ port: number; source: SourceRef } | undefined> {
  const explicit = new Set<number>();
  let source: SourceRef = members[0]!.ingress.meta.source;
  for (const m of members) {
    const parsed = ALB_ANNOTATIONS.parseInt32Annotation("ssl-redirect", m.ingress.meta.annotations);
    if (!parsed.ok)
      return fail(
        "invalid-annotation",
        `ingress: ${key(m.ingress)}: ${annotationErrorMessage(parsed.error)}`,
        m.ingress.meta.source,
      );
    if (parsed.value === undefined) continue;
    explicit.add(parsed.value);
    source = m.ingress.meta.source;
  }
  if (explicit.size === 0) return ok(undefined);
  if (explicit.size > 1)
    return fail("conflict", `conflicting sslRedirect port: ${goList([...explicit].sort((a, b) => a - b))}`, source);
  const port = [...explicit][0]!;
  const cfg = ports.get(port);
  if (!cfg) return fail("missing", `listener does not exist for SSLRedirect port: ${port}`, source);
  if (cfg.protocol !== "HTTPS")
    return fail("invalid-annotation", `listener protocol non-SSL for SSLRedirect port: ${port}`, source);
  return ok({ port, source });
}

function buildGroup(ctx: BuildContext, members: readonly ClassifiedIngress[]): BuildResult<LoadBalancerView> {
  // Annotations the loader could not read (Ingress.alb.errors, typed) are re-read below where
  // the controller reads them, so each fails where and as the controller fails. One the builder
  // does not re-read (CONTROLLER_REREADS) stops the build here.
  for (const m of members) {
    const err = m.ingress.alb.errors.find((e) => !CONTROLLER_REREADS[e.annotation]);
    if (err) return fail("invalid-annotation", `ingress: ${key(m.ingress)}: ${err.message}`, m.ingress.meta.source);
  }
  const perPort = new Map<number, PortMember[]>();
  for (const m of members) {
    const configs = listenPortConfigs(m.ingress);
    if (!configs.ok) return configs;
    for (const [port, cfg] of configs.value) {
      const list = perPort.get(port);
      if (list) list.push({ m, cfg });
      else perPort.set(port, [{ m, cfg }]);
    }
  }
  const ports = [...perPort.keys()].sort((a, b) => a - b);
  const merged = new Map<number, ListenPortConfig>();
  for (const port of ports) {
    const cfg = mergePort(port, perPort.get(port)!);
    if (!cfg.ok) return cfg;
    merged.set(port, cfg.value);
  }

  const schemeResult = buildScheme(ctx, members);
  if (!schemeResult.ok) return schemeResult;
  const scheme = schemeResult.value;
  const ipAddressType = buildIpAddressType(members);
  if (!ipAddressType.ok) return ipAddressType;
  const subnetIds = buildSubnets(ctx, members, scheme);
  if (!subnetIds.ok) return subnetIds;
  const securityGroups = buildSecurityGroups(ctx, members);
  if (!securityGroups.ok) return securityGroups;
  const name = buildName(members, ctx);
  if (!name.ok) return name;
  const sslRedirectResult = buildSslRedirect(members, merged);
  if (!sslRedirectResult.ok) return sslRedirectResult;
  const sslRedirect = sslRedirectResult.value;

  const listeners: ListenerView[] = [];
  for (const port of ports) {
    const cfg = merged.get(port)!;
    const ingList = perPort.get(port)!.map((p) => p.m);
    const listenerId = `ingress-group:${ctx.group}:${port}`;
    const listenerSource = ingList[0]!.ingress.meta.source;
    const redirected = sslRedirect !== undefined && cfg.protocol === "HTTP";
    const defaultActionsResult = redirected ? ok(sslRedirectAction(sslRedirect)) : buildDefaultActions(ctx, ingList);
    if (!defaultActionsResult.ok) return defaultActionsResult;
    const defaultActions = defaultActionsResult.value;
    const rules: RuleView[] = [];
    if (!redirected) {
      const unoptimized = buildRules(ctx, ingList);
      if (!unoptimized.ok) return unoptimized;
      const built = optimizeRules(port, cfg.protocol, unoptimized.value);
      built.forEach((r, i) => {
        const priority = i + 1;
        rules.push({
          id: `${listenerId}:${priority}`,
          priority,
          conditions: r.conditions,
          actions: r.actions,
          ingress: { namespace: r.ingress.namespace, name: r.ingress.name },
          description: describeRule(priority, r.conditions, r.actions),
          source: r.source,
        });
      });
    }
    rules.push({
      id: `${listenerId}:default`,
      priority: "default",
      conditions: [],
      actions: defaultActions.actions,
      ingress: defaultActions.ingress,
      description: describeRule("default", [], defaultActions.actions),
      source: defaultActions.source ?? listenerSource,
    });
    if (cfg.protocol === "HTTPS" && cfg.certificates.length === 0) {
      ctx.notes.push({
        what: `listener ${port}/HTTPS: no certificate-arn: the controller discovers ACM certificates by the Ingress hosts (not modelled)`,
        source: listenerSource,
      });
    }
    listeners.push({
      id: listenerId,
      port,
      protocol: cfg.protocol,
      rules,
      certificateArns: cfg.certificates,
      source: listenerSource,
    });
  }

  if (ipAddressType.value !== "ipv4")
    ctx.notes.push({
      what: `ip-address-type ${ipAddressType.value}: only IPv4 is analysed`,
      source: sourceOfAnnotation(members, "ip-address-type"),
    });
  const source = members[0]!.ingress.meta.source;
  const managedSecurityGroupRules = describeManagedRules(ctx, merged, securityGroups.value);
  const statusHost = members
    .flatMap((m) => m.ingress.loadBalancerIngress.map((l) => l.hostname))
    .find((h): h is string => !!h);
  ctx.notes.push({
    what: "a derived load balancer's ENI addresses (one per subnet) are assigned by AWS: not known",
    source,
  });
  if (!statusHost) ctx.notes.push({ what: "a derived load balancer's DNS name is assigned by AWS: not known", source });
  for (const m of members) {
    const cls = m.ingress.ingressClassName
      ? ctx.snapshot.kubernetes.ingressClasses.find((c) => c.name === m.ingress.ingressClassName)
      : undefined;
    if (cls?.parameters) {
      ctx.notes.push({
        what: `IngressClass ${cls.name} references ${cls.parameters.kind} ${cls.parameters.name}: its settings (scheme, group, subnets, …) are not modelled`,
        source: cls.meta.source,
      });
      break;
    }
  }
  return ok({
    origin: "ingress",
    id: `ingress-group:${ctx.group}`,
    name: name.value,
    type: "application",
    scheme,
    dnsName: statusHost?.toLowerCase(),
    vpcId: ctx.vpcId,
    subnetIds: subnetIds.value,
    addresses: subnetIds.value.map((subnetId) => ({ subnetId, privateIp: undefined, publicIp: undefined })),
    securityGroupIds: securityGroups.value?.ids ?? [],
    ingresses: members.map((m) => ingressRef(m.ingress)),
    listeners,
    group: ctx.group,
    state: undefined,
    managedSecurityGroupRules,
    notes: ctx.notes,
    source,
  });
}
