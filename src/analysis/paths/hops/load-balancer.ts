import { SERVICE_ANNOTATIONS } from "../../../model/annotations.js";
import {
  heaviestTargetGroup,
  matchRequestAt,
  targetGroupOf,
  type HttpRequest,
  type ListenerView,
  type LoadBalancerView,
  type TargetGroupView,
  type TargetView,
} from "../load-balancers/index.js";
import { evaluateSecurityGroups } from "../aws/security-groups.js";
import { deriveIpTargets, nodeInstanceIndex, servicePortOf } from "../load-balancers/targets.js";
import { ipPoolFor, podIpRoutableFromVpc } from "../calico.js";
import {
  dropped,
  filterStep,
  step,
  undecided,
  withDestination,
  type Device,
  type DeviceOutcome,
  type ReplyHandler,
  type ReplyOutcome,
} from "../trace-engine.js";
import { EPHEMERAL_PORT, type Decision, type Packet, type Step } from "../trace-model.js";
import { cidrContains, isPrivateOrShared, parseCidr4, parseIPv4 } from "../../../model/net.js";
import { mapSelectorMatches } from "../../../model/selectors.js";
import type { PathContext } from "../path-context.js";
import { ownerKey, snapshotIndex } from "../snapshot-index.js";
import type { Network } from "./network.js";

/**
 * An Application Load Balancer as a device. It is a proxy: it terminates the client's connection
 * at a listener, picks a rule by priority (load-balancers/listener-rules.ts), and opens a new
 * connection from its own private address to a target of the rule's target group — so the target
 * sees the ALB's address as the source (AWS ELB docs, "Application Load Balancer targets": "the
 * load balancer … uses the private IP address of the load balancer node as the source").
 * The response comes back on that connection and is relayed on the client's.
 */

const ORIGIN_WORDS: Record<LoadBalancerView["origin"], string> = {
  elbv2: "from the elbv2 snapshot",
  ingress: "derived from the Ingresses as the AWS Load Balancer Controller builds it",
  service: "derived from its Service as its controller builds it",
};

function requestFor(net: Network, lb: LoadBalancerView, packet: Packet): HttpRequest {
  if (net.request) return { ...net.request, port: packet.dstPort, sourceIp: packet.src };
  const listener = lb.listeners.find((l) => l.port === packet.dstPort);
  return {
    scheme: listener?.protocol === "HTTPS" ? "https" : "http",
    host: lb.dnsName ?? lb.name,
    port: packet.dstPort,
    path: "/",
    sourceIp: packet.src,
  };
}

/**
 * A target group the snapshot does not hold (describe-target-groups lacks it, or its targets are
 * not known): what the load balancer does with the request is undecided, not "503".
 */
function missingTargetGroup(
  net: Network,
  hop: string,
  tg: TargetGroupView,
  packet: Packet,
): ReturnType<typeof undecided> | undefined {
  const ctx = net.ctx;
  if (!ctx.loadBalancers.targetGroups.has(tg.id)) {
    const health = ctx.snapshot.aws.targetHealth.filter((h) => h.targetGroupArn === tg.id);
    const files = [...new Set(health.map((h) => h.source.file))];
    const had =
      files.length > 0
        ? `; the snapshot has its target health (${files.join(", ")}) but not the target group itself`
        : "";
    return undecided(
      hop,
      "target-group",
      tg.id,
      packet,
      `target group ${tg.name} is not in the snapshot${had}: its target type, port and targets are unknown, so where the request goes (or whether it is answered 503) cannot be decided`,
      `aws elbv2 describe-target-groups --target-group-arns ${tg.id} (and describe-target-health for it)`,
      tg.source,
    );
  }
  if (tg.targetsFrom === "derived" && tg.targets.length === 0 && tg.service) {
    // derived from the Service's endpoints, but the snapshot has none of its pods although a
    // workload would run them (a manifest, not a capture): which targets register is not known
    const service = ctx.service(tg.service);
    const listed = service
      ? snapshotIndex(ctx.snapshot).endpointsByService.get(`${service.namespace}/${service.name}`)
      : undefined;
    const unlisted = listed === undefined || (listed.slices.length === 0 && listed.pods.length === 0);
    const selector = service?.selector;
    const index = snapshotIndex(ctx.snapshot);
    const workload =
      unlisted && selector && Object.keys(selector).length > 0
        ? ctx.snapshot.kubernetes.workloads.find(
            (w) =>
              w.namespace === service.namespace &&
              w.replicas !== 0 &&
              mapSelectorMatches(selector, w.template.labels) &&
              (index.podsByOwner.get(ownerKey(w)) ?? []).length === 0,
          )
        : undefined;
    if (workload) {
      return undecided(
        hop,
        "target-group",
        tg.id,
        packet,
        `target group ${tg.name} would register the pods of Service ${service!.namespace}/${service!.name}, but the snapshot has none of them and no EndpointSlice of it, while ${workload.kind} ${workload.namespace}/${workload.name} would run them: its targets are not known`,
        `kubectl get pods,endpointslices -n ${service!.namespace} -o yaml`,
        tg.source,
      );
    }
  }
  if (tg.targetsFrom === "none" && tg.targets.length === 0) {
    return undecided(
      hop,
      "target-group",
      tg.id,
      packet,
      `the targets of target group ${tg.name} are not in the snapshot and no Service could be tied to it`,
      `aws elbv2 describe-target-health --target-group-arn ${tg.id}`,
      tg.source,
    );
  }
  return undefined;
}

export function loadBalancerDevice(net: Network, lb: LoadBalancerView, address: string): Device {
  const device = lb.type !== "application" ? layer4Device(net, lb, address) : applicationDevice(net, lb, address);
  if (lb.scheme !== "internal") return device;
  return {
    name: device.name,
    forward(packet): DeviceOutcome {
      // an internal load balancer has private addresses only (reached directly when its address is unknown)
      if (parseIPv4(packet.src) !== undefined && !isPrivateOrShared(packet.src)) {
        const d = dropped(
          device.name,
          "load-balancer",
          lb.id,
          "TARGET_NOT_ROUTABLE",
          packet,
          `load balancer ${lb.name} is internal (scheme internal): it has private addresses only and is not reachable from ${packet.src} on the internet`,
          lb.source,
        );
        return { steps: [d.step], packet, next: undefined, drop: d.drop };
      }
      return device.forward(packet);
    },
  };
}

function applicationDevice(net: Network, lb: LoadBalancerView, address: string): Device {
  const hop = `load-balancer ${lb.name}`;
  const ctx = net.ctx;
  return {
    name: hop,
    forward(packet): DeviceOutcome {
      const request = requestFor(net, lb, packet);
      const m = matchRequestAt(ctx.loadBalancers, lb, request);
      const url = `${request.scheme}://${request.host}${request.path}`;
      if (m.kind === "drop") {
        const d = dropped(
          hop,
          m.code === "NO_MATCHING_RULE" ? "listener-rule" : "load-balancer",
          lb.id,
          m.code,
          packet,
          m.message,
          m.source,
        );
        return { steps: [d.step], packet, next: undefined, drop: d.drop };
      }
      const steps: Step[] = [];
      const skipped = m.skipped.length
        ? `; rules tried first: ${m.skipped.map((s) => `${s.rule.description} (${s.failed})`).join("; ")}`
        : "";
      steps.push(
        step(
          hop,
          "load-balancer",
          m.listener.id,
          "allow",
          packet,
          `${lb.type === "application" ? "ALB" : "load balancer"} ${lb.name} (${ORIGIN_WORDS[lb.origin]}) accepts ${m.listener.protocol} on listener ${m.listener.port}`,
          m.listener.source,
        ),
      );
      const relay = (back: Packet): { steps: Step[]; packet: Packet } => {
        const toClient: Packet = {
          src: packet.dst,
          srcPort: packet.dstPort,
          dst: packet.src,
          dstPort: packet.srcPort,
          protocol: packet.protocol,
        };
        return {
          steps: [
            step(
              hop,
              "load-balancer",
              m.listener.id,
              "forward",
              toClient,
              `the ALB relays the response from ${back.src} on the client's connection: ${toClient.src}:${toClient.srcPort} → ${toClient.dst}:${toClient.dstPort}`,
              m.listener.source,
            ),
          ],
          packet: toClient,
        };
      };
      if (m.kind === "redirect" || m.kind === "fixed-response") {
        const answer =
          m.kind === "redirect"
            ? `answers ${m.statusCode.replace("HTTP_", "")} with Location: ${m.location}`
            : `answers ${m.statusCode} itself (fixed response)`;
        steps.push(
          step(
            hop,
            "listener-rule",
            m.rule.id,
            "deliver",
            packet,
            `${url} matches ${m.rule.description}${skipped}: the ALB ${answer}; no target is contacted`,
            m.rule.source,
          ),
        );
        return { steps, packet, next: undefined, reply: () => relay(packet) };
      }
      steps.push(
        step(
          hop,
          "listener-rule",
          m.rule.id,
          "forward",
          packet,
          `${url} matches ${m.rule.description}${m.rule.ingress ? ` (Ingress ${m.rule.ingress.namespace}/${m.rule.ingress.name})` : ""}${skipped}: forward to target group ${m.targetGroup.name}`,
          m.rule.source,
        ),
      );
      const tg = m.targetGroup;
      // the same health rules as an NLB's (chooseTarget): captured health, else externalTrafficPolicy Local, else all; fail open
      const choice = chooseTarget(ctx, tg, undefined, "application");
      const target = choice.target;
      const missing = missingTargetGroup(net, hop, tg, packet);
      if (missing) {
        steps.push(missing.step);
        return { steps, packet, next: undefined, unknown: missing.unknown };
      }
      if (!target) {
        const d = dropped(
          hop,
          "target-group",
          tg.id,
          "NO_ENDPOINTS",
          packet,
          `target group ${tg.name} has no registered targets${tg.targetsFrom === "none" ? " in the snapshot" : ""}: the ALB answers 503`,
          tg.source,
        );
        steps.push(d.step);
        return { steps, packet, next: undefined, drop: d.drop };
      }
      const out: Packet = {
        src: address,
        srcPort: EPHEMERAL_PORT,
        dst: target.ip,
        dstPort: target.port,
        protocol: packet.protocol,
      };
      const service = tg.service
        ? ` for Service ${tg.service.namespace}/${tg.service.name} port ${tg.service.port}`
        : "";
      steps.push(
        step(
          hop,
          "target-group",
          tg.id,
          "dnat",
          out,
          `target group ${tg.name} (target type ${tg.targetType}${service}) → ${target.kind} ${target.id}${target.node ? ` (node ${target.node})` : ""} at ${target.ip}:${target.port}: ${choice.note} The ALB opens a new connection from its own address ${address}: the target sees ${address}, not the client`,
          tg.source,
        ),
      );
      const lbEni = ctx.eniForIp(address)?.eni;
      if (lbEni) return { steps, packet: out, next: net.eniEgress(lbEni), reply: relay };
      // the load balancer's ENIs are unknown (derived from Ingresses): the VPC between it and the
      // target is not evaluated, but a pod address of an overlay pool is still unreachable
      const pool = ctx.cni.networking === "calico" ? ipPoolFor(target.ip, ctx.snapshot.kubernetes.ipPools) : undefined;
      if (pool && !ctx.eniForIp(target.ip)) {
        const r = podIpRoutableFromVpc(target.ip, ctx.snapshot.kubernetes.ipPools);
        const d = dropped(hop, "target-group", tg.id, "TARGET_NOT_ROUTABLE", out, r.note, pool.meta.source);
        steps.push(d.step);
        return { steps, packet: out, next: undefined, drop: d.drop };
      }
      return toTargetWithoutVpc(net, hop, tg, target, steps, out, relay);
    },
  };
}

/**
 * A load balancer whose network interfaces are unknown (derived from Ingresses or Services) hands
 * the packet to the target without the VPC hops between them: to the target's node when the
 * snapshot has it, else delivered to the target's address with nothing known behind it.
 */
function toTargetWithoutVpc(
  net: Network,
  hop: string,
  tg: TargetGroupView,
  target: TargetView,
  steps: Step[],
  out: Packet,
  reply: ReplyHandler,
): DeviceOutcome {
  const node = net.ctx.node(target.node) ?? net.ctx.nodeWithAddress(target.ip);
  if (node) return { steps, packet: out, next: net.node(node, { kind: "wire" }), reply };
  steps.push(
    step(
      hop,
      "target-group",
      tg.id,
      "deliver",
      out,
      `delivered to ${target.ip}:${target.port}; what lies behind it is not in the snapshot`,
      tg.source,
    ),
  );
  return { steps, packet: out, next: undefined, reply };
}

/** Whether a listener's protocol carries the packet's (an NLB TCP_UDP listener carries both, TLS is over TCP). */
function listenerCarries(listener: ListenerView, protocol: Packet["protocol"]): boolean {
  const p = listener.protocol.toUpperCase();
  if (p === "TCP_UDP") return protocol === "TCP" || protocol === "UDP";
  if (p === "TLS" || p === "HTTP" || p === "HTTPS" || p === "SSL") return protocol === "TCP";
  return p === protocol;
}

interface TargetChoice {
  readonly target: TargetView | undefined;
  /** what decided it: health, externalTrafficPolicy Local, fail-open */
  readonly note: string;
}

/**
 * The target an L4 load balancer sends a new connection to: one that passes its health check.
 * Health comes from describe-target-health; without it, with externalTrafficPolicy Local and
 * instance targets, a node passes only when it runs a ready endpoint of the Service — kube-proxy's
 * health check server on healthCheckNodePort answers 503 elsewhere (kubernetes/kubernetes
 * pkg/proxy/healthcheck/service_health.go: "localEndpoints" 0 → 503). With every target
 * unhealthy, a Network Load Balancer fails open and routes to all of them (AWS ELB docs, "Health
 * checks for Network Load Balancer target groups").
 */
function chooseTarget(
  ctx: PathContext,
  tg: TargetGroupView,
  zone?: {
    readonly zone: string;
    readonly address: string;
    readonly crossZone: { readonly enabled: boolean; readonly why: string };
    readonly lb: LoadBalancerView;
  },
  kind: "layer4" | "application" = "layer4",
): TargetChoice {
  const service = ctx.service(tg.service);
  let localNodes: Set<string> | undefined;
  if (service && service.externalTrafficPolicy === "Local" && tg.targetType === "instance") {
    const sp = servicePortOf(service, tg.service!.port) ?? service.ports.find((p) => p.nodePort === tg.port);
    if (sp)
      localNodes = new Set(
        deriveIpTargets(ctx.snapshot, nodeInstanceIndex(ctx.snapshot), service, sp).targets.flatMap((t) =>
          t.node ? [t.node] : [],
        ),
      );
  }
  const unhealthy = new Map<TargetView, string>();
  for (const t of tg.targets) {
    if (t.health !== undefined) {
      if (t.health !== "healthy")
        unhealthy.set(t, `${t.health}${t.reason ? ` (${t.reason})` : ""} in describe-target-health`);
    } else if (localNodes && !(t.node && localNodes.has(t.node))) {
      // an ALB's health check goes to the traffic port by default (AWS Load Balancer Controller, alb.ingress.kubernetes.io/healthcheck-port), which kube-proxy drops on a node without a local endpoint
      const check =
        kind === "application"
          ? "kube-proxy drops its NodePort there (KUBE-EXT: no local endpoint): the ALB's health check on the traffic port fails"
          : `kube-proxy's health check on healthCheckNodePort ${service!.healthCheckNodePort ?? "?"} answers 503`;
      unhealthy.set(
        t,
        `no ready endpoint of Service ${service!.namespace}/${service!.name} on it (externalTrafficPolicy Local): ${check}, so the target is unhealthy`,
      );
    }
  }
  const byName = (a: TargetView, b: TargetView): number =>
    (a.node ?? "").localeCompare(b.node ?? "") || a.ip.localeCompare(b.ip) || a.port - b.port;
  let healthy = tg.targets.filter((t) => !unhealthy.has(t)).sort(byName);
  const label = (t: TargetView): string =>
    `${t.pod ? `pod ${t.pod.namespace}/${t.pod.name}` : t.node ? `node ${t.node}` : t.id} ${t.ip}:${t.port}`;
  const left = [...unhealthy.entries()]
    .sort((a, b) => byName(a[0], b[0]))
    .map(([t, why]) => `${label(t)} is not used: ${why}`);
  const local = localNodes
    ? ` externalTrafficPolicy Local: only nodes with a ready local endpoint pass the health check${localNodes.size > 0 ? ` (${[...localNodes].sort().join(", ")})` : " (none has one)"}.`
    : "";
  let zoneNote = "";
  if (zone && !zone.crossZone.enabled && healthy.length > 0) {
    // cross-zone load balancing off: the load balancer node in the client's zone sends only to targets in that zone
    const inZone = healthy.filter((t) => zoneOfAddress(ctx, t.ip) === zone.zone);
    if (inZone.length === 0) {
      const zones = new Set(healthy.map((t) => zoneOfAddress(ctx, t.ip)));
      const others = zone.lb.addresses
        .filter((a) => a.subnetId && zones.has(ctx.subnet(a.subnetId)?.availabilityZone))
        .map((a) => (zone.lb.scheme === "internal" ? a.privateIp : a.publicIp) ?? a.privateIp)
        .filter((x): x is string => !!x);
      return {
        target: undefined,
        note: `the load balancer's node in ${zone.zone} (${zone.address}) has no healthy target in its zone and ${zone.crossZone.why}: connections to this address fail; DNS answers only with the addresses of zones with healthy targets${others.length ? ` (${others.join(", ")})` : ""}.${local}${left.length ? ` ${left.join("; ")}.` : ""}`,
      };
    }
    zoneNote = ` ${zone.crossZone.why}: the load balancer's node in ${zone.zone} sends only to targets in ${zone.zone}.`;
    healthy = inZone;
  }
  if (healthy.length > 0) {
    const others =
      healthy.length > 1
        ? ` (${healthy.length} healthy targets: ${healthy.map(label).join(", ")}; the first is traced)`
        : "";
    return {
      target: healthy[0],
      note: `${label(healthy[0]!)} is chosen${others}.${zoneNote}${local}${left.length ? ` ${left.join("; ")}.` : ""}`,
    };
  }
  const all = [...tg.targets].sort(byName);
  if (all.length === 0) return { target: undefined, note: `target group ${tg.name} has no registered targets` };
  return {
    target: all[0],
    note: `every target is unhealthy (${left.join("; ")}): the load balancer fails open and routes to all of them; ${label(all[0]!)} is traced.${local}`,
  };
}

/** The availability zone of a VPC address: its network interface's, else its subnet's. */
function zoneOfAddress(ctx: PathContext, ip: string): string | undefined {
  const eni = ctx.eniForIp(ip)?.eni;
  return eni?.availabilityZone ?? ctx.subnet(eni?.subnetId)?.availabilityZone;
}

/**
 * Cross-zone load balancing of an NLB target group: its `load_balancing.cross_zone.enabled`
 * attribute (describe-target-group-attributes), else the Service's annotation (LBC
 * `aws-load-balancer-attributes`, in-tree `aws-load-balancer-cross-zone-load-balancing-enabled`),
 * else off — the NLB default (AWS ELB docs, "Cross-zone load balancing for Network Load
 * Balancers": "By default, cross-zone load balancing is turned off for Network Load Balancers").
 */
function crossZoneOf(ctx: PathContext, tg: TargetGroupView): { enabled: boolean; why: string } {
  const attribute = ctx.snapshot.aws.targetGroupAttributes.find(
    (a) => a.targetGroupArn === tg.id && a.key === "load_balancing.cross_zone.enabled",
  );
  if (attribute && (attribute.value === "true" || attribute.value === "false"))
    return {
      enabled: attribute.value === "true",
      why: `cross-zone load balancing is ${attribute.value === "true" ? "on" : "off"} (target group attribute load_balancing.cross_zone.enabled=${attribute.value}, ${attribute.source.file}:${attribute.source.line})`,
    };
  const service = ctx.service(tg.service);
  const ann = service?.meta.annotations ?? {};
  // LBC model_build_load_balancer.go: the attributes annotation is a string map (ParseStringMapAnnotation);
  // the in-tree cross-zone annotation a bool (ParseBoolAnnotation) — one parser, src/model/annotations.ts
  const attributes = SERVICE_ANNOTATIONS.parseStringMapAnnotation("aws-load-balancer-attributes", ann);
  const lbc = attributes.ok ? attributes.value?.["load_balancing.cross_zone.enabled"] : undefined;
  if (lbc === "true" || lbc === "false")
    return {
      enabled: lbc === "true",
      why: `cross-zone load balancing is ${lbc === "true" ? "on" : "off"} (annotation aws-load-balancer-attributes)`,
    };
  const inTree = SERVICE_ANNOTATIONS.parseBoolAnnotation("aws-load-balancer-cross-zone-load-balancing-enabled", ann);
  if (inTree.ok && inTree.value !== undefined)
    return {
      enabled: inTree.value,
      why: `cross-zone load balancing is ${inTree.value ? "on" : "off"} (annotation aws-load-balancer-cross-zone-load-balancing-enabled)`,
    };
  const inherits = attribute ? `the target group uses the load balancer's setting (${attribute.value}), and ` : "";
  return {
    enabled: false,
    why: `cross-zone load balancing is off: ${inherits}the load balancer's attributes are not in the snapshot, and off is the NLB default`,
  };
}

/**
 * The address a client connects to: the first public (internet-facing) or private (internal) one;
 * for an NLB, DNS answers with the addresses of the zones that have a
 * healthy target (cross-zone aside), so the first of those; undefined when no address is known.
 */
export function clientAddressOfLoadBalancer(ctx: PathContext, lb: LoadBalancerView): string | undefined {
  const pick = (a: LoadBalancerView["addresses"][number]): string | undefined =>
    lb.scheme === "internal" ? a.privateIp : a.publicIp;
  const known = lb.addresses.filter((a) => pick(a) !== undefined);
  if (known.length === 0 || lb.type !== "network") return known[0] ? pick(known[0]) : undefined;
  const tgs = lb.listeners.flatMap((l) =>
    l.rules.flatMap((r) =>
      r.actions.flatMap((a) =>
        a.type === "forward" ? a.targetGroups.map((t) => ctx.loadBalancers.targetGroups.get(t.id)) : [],
      ),
    ),
  );
  for (const a of known) {
    const zone = ctx.subnet(a.subnetId)?.availabilityZone;
    if (!zone || !a.privateIp) continue;
    const served = tgs.some(
      (tg) =>
        tg &&
        chooseTarget(ctx, tg, { zone, address: a.privateIp!, crossZone: crossZoneOf(ctx, tg), lb }).target !==
          undefined,
    );
    if (served) return pick(a);
  }
  return pick(known[0]!);
}

/**
 * A Network Load Balancer (or the in-tree cloud provider's Classic ELB) as a device. An NLB is not
 * a proxy: the listener's default action forwards the connection itself to a target of its target
 * group — an instance target at the Service's NodePort (kube-proxy on the node takes it from
 * there), an ip target at the pod — keeping the client's address when the target group preserves
 * it, else from the NLB's private address (AWS ELB docs, "Edit target group attributes for your
 * Network Load Balancer", client IP preservation). The targets' security groups and network ACLs
 * therefore see the client's address. Replies of a connection it forwarded return through it,
 * whatever the targets' route tables say. A Classic ELB's TCP listener proxies: the instance sees
 * the ELB's address.
 */
function layer4Device(net: Network, lb: LoadBalancerView, address: string): Device {
  const hop = `load-balancer ${lb.name}`;
  const ctx = net.ctx;
  const kind = lb.type === "classic" ? "Classic ELB" : lb.type === "network" ? "NLB" : "Gateway Load Balancer";
  return {
    name: hop,
    forward(packet): DeviceOutcome {
      const steps: Step[] = [];
      const listener = lb.listeners.find((l) => l.port === packet.dstPort && listenerCarries(l, packet.protocol));
      if (!listener) {
        const ports = lb.listeners.map((l) => `${l.port}/${l.protocol}`).join(", ") || "none";
        const d = dropped(
          hop,
          "load-balancer",
          lb.id,
          "NO_LISTENER",
          packet,
          `${kind} ${lb.name} has no listener on ${packet.protocol} port ${packet.dstPort} (its listeners: ${ports}): the connection is not accepted`,
          lb.source,
        );
        return { steps: [d.step], packet, next: undefined, drop: d.drop };
      }
      const ranges = lb.origin === "service" ? sourceRangesRefuse(ctx, lb, packet) : undefined;
      if (ranges) {
        const d = dropped(
          hop,
          "security-group",
          lb.id,
          "SECURITY_GROUP_INGRESS",
          packet,
          ranges,
          lb.service?.source ?? lb.source,
        );
        return { steps: [d.step], packet, next: undefined, drop: d.drop };
      }
      const forwardAction = listener.rules.flatMap((r) => r.actions).find((a) => a.type === "forward");
      const pick = forwardAction?.type === "forward" ? heaviestTargetGroup(forwardAction.targetGroups) : undefined;
      if (!pick) {
        const d = dropped(
          hop,
          "load-balancer",
          listener.id,
          "NO_LISTENER",
          packet,
          `listener ${listener.port}/${listener.protocol} of ${kind} ${lb.name} has no forward action`,
          listener.source,
        );
        return { steps: [d.step], packet, next: undefined, drop: d.drop };
      }
      const tg = targetGroupOf(ctx.loadBalancers, pick.id, listener.source);
      steps.push(
        step(
          hop,
          "load-balancer",
          listener.id,
          "allow",
          packet,
          `${kind} ${lb.name} (${ORIGIN_WORDS[lb.origin]}) accepts ${listener.protocol} on listener ${listener.port}${lb.type === "classic" ? "" : listener.protocol.toUpperCase() === "TLS" ? " (it terminates TLS and forwards the decrypted stream)" : " and forwards the connection itself (layer 4, not terminated)"} to target group ${tg.name}`,
          listener.source,
        ),
      );
      const missing = missingTargetGroup(net, hop, tg, packet);
      if (missing) {
        steps.push(missing.step);
        return { steps, packet, next: undefined, unknown: missing.unknown };
      }
      const reachedZone = lb.type === "network" ? zoneOfAddress(ctx, address) : undefined;
      const choice = chooseTarget(
        ctx,
        tg,
        reachedZone ? { zone: reachedZone, address, crossZone: crossZoneOf(ctx, tg), lb } : undefined,
      );
      const target = choice.target;
      if (!target || !target.ip) {
        const d = dropped(
          hop,
          "target-group",
          tg.id,
          "NO_ENDPOINTS",
          packet,
          `${choice.note.replace(/\.$/, "")}${target ? `; the address of ${target.id} is not known` : ""}: the ${kind} has nowhere to send the connection`,
          tg.source,
        );
        steps.push(d.step);
        return { steps, packet, next: undefined, drop: d.drop };
      }
      const preserve =
        lb.type === "classic"
          ? { enabled: false, why: "a Classic ELB's TCP listener proxies the connection" }
          : (tg.preserveClientIp ?? {
              enabled: true,
              why: "client IP preservation, AWS's default for this target group",
            });
      // the load balancer's own address toward the target: its interface in the target's zone, else the one the client reached
      const own = ownAddress(net, lb, target, address);
      const out: Packet = preserve.enabled
        ? withDestination(packet, target.ip, target.port)
        : { src: own, srcPort: EPHEMERAL_PORT, dst: target.ip, dstPort: target.port, protocol: packet.protocol };
      const service = tg.service
        ? ` for Service ${tg.service.namespace}/${tg.service.name} port ${tg.service.port}`
        : "";
      const sees = preserve.enabled
        ? `the target sees the client's address ${packet.src} (${preserve.why})`
        : `the target sees the load balancer's address ${own} (${preserve.why})`;
      steps.push(
        step(
          hop,
          "target-group",
          tg.id,
          "dnat",
          out,
          `target group ${tg.name} (target type ${tg.targetType}${service}): ${choice.note} → ${target.ip}:${target.port}; ${sees}`,
          tg.source,
        ),
      );
      // a client that is itself the chosen target (the same instance), with its address preserved:
      // the target answers itself directly, not through the NLB, and the connection times out (AWS
      // ELB docs, "Troubleshoot your Network Load Balancer": requests from a target to its own load
      // balancer, loopback-timeout)
      const clientInstance = preserve.enabled ? ctx.eniForIp(packet.src)?.eni.attachment?.instanceId : undefined;
      const hairpin =
        clientInstance !== undefined && clientInstance === ctx.eniForIp(target.ip)?.eni.attachment?.instanceId;
      const reply = (back: Packet): ReplyOutcome => {
        const toClient: Packet = {
          src: packet.dst,
          srcPort: packet.dstPort,
          dst: packet.src,
          dstPort: packet.srcPort,
          protocol: packet.protocol,
        };
        if (hairpin) {
          const d = dropped(
            hop,
            "load-balancer",
            listener.id,
            "NO_ROUTE",
            back,
            `the client ${packet.src} is on instance ${clientInstance}, the target the ${kind} chose, and its address is preserved: the target answers it directly (${back.src} → ${back.dst}), not through the ${kind}, so the client never gets the reply it expects from ${packet.dst} and the connection times out (AWS: "Troubleshoot your Network Load Balancer", loopback timeout; disable preserve_client_ip.enabled or use ip targets)`,
            tg.source,
          );
          return { steps: [d.step], packet: back, drop: d.drop };
        }
        return {
          steps: [
            step(
              hop,
              "load-balancer",
              listener.id,
              "snat",
              toClient,
              `the ${kind} returns the reply from ${back.src}:${back.srcPort} to the client as ${toClient.src}:${toClient.srcPort}`,
              listener.source,
            ),
          ],
          packet: toClient,
        };
      };
      const lbEni = ctx.eniForIp(own)?.eni;
      if (lbEni) {
        if (lb.securityGroupIds.length > 0) {
          const sg = filterStep(
            hop,
            "security-group",
            evaluateSecurityGroups(
              "egress",
              lb.securityGroupIds,
              out.dst,
              out.dstPort,
              out.protocol === "ICMP" ? "TCP" : out.protocol,
              ctx.snapshot.aws,
            ),
            out,
          );
          steps.push(sg.step);
          if (sg.drop) return { steps, packet: out, next: undefined, drop: sg.drop };
          if (sg.unknown) return { steps, packet: out, next: undefined, unknown: sg.unknown };
        }
        // the reply of a connection the load balancer forwarded goes back through it (not by the targets' route tables)
        if (preserve.enabled)
          net.loadBalancedFlows.set(flowKey(out), { address: own, securityGroupIds: lb.securityGroupIds });
        return { steps, packet: out, next: net.subnetRouter(lbEni.subnetId), reply };
      }
      // its network interfaces are unknown (derived): the VPC hops to the target are not evaluated
      return toTargetWithoutVpc(net, hop, tg, target, steps, out, reply);
    },
  };
}

/**
 * A derived load balancer's client filter: the Service's `spec.loadBalancerSourceRanges` (else the
 * `service.beta.kubernetes.io/load-balancer-source-ranges` annotation), which both AWS controllers
 * turn into security-group rules (the NLB's frontend group, or the nodes' groups for an NLB
 * without groups; the ELB's group) — a client outside them is refused. Undefined when admitted.
 */
function sourceRangesRefuse(ctx: PathContext, lb: LoadBalancerView, packet: Packet): string | undefined {
  const service = ctx.service(lb.service);
  if (!service) return undefined;
  const ranges =
    service.loadBalancerSourceRanges.length > 0
      ? service.loadBalancerSourceRanges
      : (SERVICE_ANNOTATIONS.parseStringSliceAnnotation("load-balancer-source-ranges", service.meta.annotations) ?? []);
  const client = parseIPv4(packet.src);
  if (ranges.length === 0 || client === undefined) return undefined;
  if (
    ranges.some((r) => {
      const c = parseCidr4(r);
      return c !== undefined && cidrContains(c, client);
    })
  )
    return undefined;
  return `the client ${packet.src} is outside the source ranges of Service ${service.namespace}/${service.name} (${ranges.join(", ")}), which the controller turns into the security-group rules in front of ${lb.name}: the connection is refused`;
}

/** The load balancer's private address in the target's zone (cross-zone aside), else `fallback`. */
function ownAddress(net: Network, lb: LoadBalancerView, target: TargetView, fallback: string): string {
  const targetSubnet = net.ctx.eniForIp(target.ip)?.eni.subnetId;
  const zone = targetSubnet ? net.ctx.subnet(targetSubnet)?.availabilityZone : undefined;
  const inZone = lb.addresses.find(
    (a) => a.privateIp && zone && net.ctx.subnet(a.subnetId)?.availabilityZone === zone,
  )?.privateIp;
  if (fallback && net.ctx.loadBalancerAt(fallback) === lb) return fallback;
  return inZone ?? fallback;
}

/** The key of a forwarded connection whose reply returns through the load balancer (hops/network.ts loadBalancedFlows). */
export function flowKey(packet: Packet): string {
  return `${packet.src}:${packet.srcPort}>${packet.dst}:${packet.dstPort}/${packet.protocol}`;
}

/**
 * A target's security groups admit a connection an NLB with security groups forwarded with the
 * client's address when one of their rules references the NLB's security group (AWS ELB docs,
 * "Update the security groups for your Network Load Balancer": referencing it "ensures that your
 * targets accept traffic from your Network Load Balancer even if you enable client IP
 * preservation"). Undefined when the flow is not such a connection or no such rule allows it.
 */
export function admittedThroughLoadBalancer(
  net: Network,
  groupIds: readonly string[],
  packet: Packet,
): Decision | undefined {
  const via = net.loadBalancedFlows.get(flowKey(packet));
  if (!via || via.securityGroupIds.length === 0 || packet.protocol === "ICMP") return undefined;
  const aws = net.ctx.snapshot.aws;
  const d = evaluateSecurityGroups("ingress", groupIds, via.address, packet.dstPort, packet.protocol, aws);
  if (!d.allowed || !d.matchedRule) return undefined;
  const byGroup = d.matchedRule.peers.some(
    (p) => p.kind === "security-group" && via.securityGroupIds.includes(p.groupId),
  );
  if (!byGroup) return undefined;
  return {
    allowed: true,
    id: d.id,
    rule: `${d.rule}: the connection comes through the NLB (its security group ${via.securityGroupIds.join(", ")}), which this rule references — it admits the NLB's connections whatever their client address`,
    source: d.source,
  };
}
