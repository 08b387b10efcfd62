import type { LoadBalancer, LoadBalancerAction, TargetGroup } from "../../../model/aws.js";
import type { Ingress, Service } from "../../../model/kubernetes.js";
import type { Snapshot } from "../../../model/snapshot.js";
import { snapshotIndex } from "../snapshot-index.js";
import { ingressRef } from "./controller.js";
import { clientIpPreservation } from "./service-lb.js";
import { describeRule, normalizeHost, sortRules } from "./listener-rules.js";
import {
  deriveInstanceTargets,
  deriveIpTargets,
  instanceTarget,
  servicePortOf,
  type NodeInstanceIndex,
} from "./targets.js";
import type {
  ActionView,
  IngressRouteSketch,
  LbSource,
  ListenerView,
  LoadBalancerView,
  RuleView,
  TargetGroupView,
  TargetView,
} from "./types.js";

/**
 * Load balancers as `aws elbv2 describe-load-balancers / describe-listeners / describe-rules /
 * describe-target-groups / describe-target-health` show them.
 *
 * - An ALB's description lists no addresses; its ENIs do: AWS names each "ELB app/NAME/ID"
 *   (NLB: "ELB net/NAME/ID"), one per enabled subnet.
 * - A listener's rules come from describe-rules; without them the listener's DefaultActions
 *   stand for its default rule.
 * - Targets come from describe-target-health: an instance target is addressed at the instance's
 *   primary private IP, an ip target at its IP. Without health data the targets are derived the
 *   way the AWS Load Balancer Controller registers them, and a note says so.
 * - A target group is tied to its Service as the controller's TargetGroupBinding ties it: an
 *   instance target group's port is the Service port's nodePort; an ip target group's targets
 *   are the Service's endpoints.
 */

/** "ELB app/NAME/ID" from `…:loadbalancer/app/NAME/ID` */
function eniDescriptionOf(arn: string): string | undefined {
  const m = /:loadbalancer\/((?:app|net|gwy)\/[^/]+\/[^/]+)$/.exec(arn);
  return m ? `ELB ${m[1]}` : undefined;
}

function actionView(action: LoadBalancerAction): ActionView | undefined {
  switch (action.type) {
    case "forward":
      return { type: "forward", targetGroups: action.targetGroups.map((t) => ({ id: t.arn, weight: t.weight })) };
    case "redirect":
      return {
        type: "redirect",
        protocol: action.redirect?.protocol,
        port: action.redirect?.port,
        host: action.redirect?.host,
        path: action.redirect?.path,
        query: action.redirect?.query,
        statusCode: action.redirect?.statusCode ?? "HTTP_301",
      };
    case "fixed-response":
      return {
        type: "fixed-response",
        statusCode: action.fixedResponse?.statusCode ?? "",
        contentType: action.fixedResponse?.contentType,
      };
    default:
      return undefined;
  }
}

function actionsOf(actions: readonly LoadBalancerAction[]): {
  actions: ActionView[];
  authenticate: string | undefined;
} {
  const out: ActionView[] = [];
  let authenticate: string | undefined;
  for (const a of actions) {
    const view = actionView(a);
    if (view) out.push(view);
    else authenticate ??= a.type;
  }
  return { actions: out, authenticate };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a.map((x) => x.toLowerCase()));
  const sb = new Set(b.map((x) => x.toLowerCase()));
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

/** The Ingress path a rule was made from: the same host-header and path-pattern values. */
function ingressOfRule(conditions: RuleView["conditions"], routes: readonly IngressRouteSketch[]): RuleView["ingress"] {
  const hosts = conditions.filter((c) => c.field === "host-header").flatMap((c) => c.values);
  const paths = conditions.filter((c) => c.field === "path-pattern").flatMap((c) => c.values);
  if (hosts.length === 0 && paths.length === 0) return undefined;
  const found = routes.find((r) => sameSet(r.host ? [r.host] : [], hosts) && sameSet(r.paths, paths));
  return found ? { namespace: found.namespace, name: found.name } : undefined;
}

function podOrNodeAt(
  snapshot: Snapshot,
  ip: string,
): { node: string | undefined; pod: { namespace: string; name: string } | undefined } {
  const pod = snapshotIndex(snapshot).podsByIp.get(ip);
  if (pod) return { node: pod.nodeName, pod: { namespace: pod.namespace, name: pod.name } };
  return { node: snapshotIndex(snapshot).nodesByAddress.get(ip)?.name, pod: undefined };
}

/** The Ingress backends that name a Service (namespace, name, port as written). */
function backendsOf(
  ingresses: readonly Ingress[],
): { namespace: string; name: string; port: number | string; ingress: Ingress }[] {
  const out: { namespace: string; name: string; port: number | string; ingress: Ingress }[] = [];
  for (const ing of ingresses) {
    const add = (svc: { name: string; port: number | string } | undefined): void => {
      if (svc && svc.port !== "use-annotation")
        out.push({ namespace: ing.namespace, name: svc.name, port: svc.port, ingress: ing });
    };
    add(ing.defaultBackend?.service);
    for (const rule of ing.rules) for (const path of rule.paths) add(path.backend.service);
  }
  return out;
}

/** The Service behind a target group, as its TargetGroupBinding names it. */
function serviceOfTargetGroup(
  snapshot: Snapshot,
  tg: TargetGroup,
  targets: readonly TargetView[],
  served: readonly Ingress[],
): { service: Service; port: number | string; how: string } | undefined {
  const services = snapshot.kubernetes.services;
  const index = snapshotIndex(snapshot);
  const backends = backendsOf(served.length > 0 ? served : snapshot.kubernetes.ingresses);
  const writtenPort = (service: Service, servicePortNumber: number): number | string => {
    const b = backends.find(
      (x) =>
        x.namespace === service.namespace &&
        x.name === service.name &&
        servicePortOf(service, x.port)?.port === servicePortNumber,
    );
    return b?.port ?? servicePortNumber;
  };
  if (tg.targetType === "instance") {
    const port = tg.port ?? targets[0]?.port;
    if (port === undefined) return undefined;
    const service = index.servicesByNodePort.get(port)?.[0];
    const sp = service?.ports.find((p) => p.nodePort === port);
    if (!service || !sp) return undefined;
    return {
      service,
      port: writtenPort(service, sp.port),
      how: `its port ${port} is the nodePort of service ${service.namespace}/${service.name} port ${sp.port}`,
    };
  }
  if (tg.targetType === "ip") {
    const ips = new Set(targets.map((t) => t.ip));
    const isTarget = (ip: string | undefined): boolean => ip !== undefined && ips.has(ip);
    for (const entry of snapshot.kubernetes.serviceEndpoints) {
      const listed =
        entry.slices.some((s) => s.endpoints.some((e) => isTarget(e.address))) ||
        entry.pods.some((ref) => isTarget(index.podsByName.get(`${ref.namespace}/${ref.name}`)?.podIP));
      if (!listed) continue;
      const service = services.find((s) => s.namespace === entry.service.namespace && s.name === entry.service.name);
      if (!service) continue;
      const targetPort = targets[0]?.port ?? tg.port;
      const slicePortName = entry.slices.flatMap((s) => s.ports).find((p) => p.port === targetPort)?.name;
      const sp =
        service.ports.find(
          (p) => p.targetPort === targetPort || (slicePortName !== undefined && p.name === slicePortName),
        ) ?? service.ports[0];
      if (!sp) continue;
      return {
        service,
        port: writtenPort(service, sp.port),
        how: `its targets are endpoints of service ${service.namespace}/${service.name}`,
      };
    }
    // without targets: a backend Service of the served Ingresses whose targetPort is the group's port
    if (ips.size === 0 && tg.port !== undefined) {
      for (const b of backends) {
        const service = services.find((s) => s.namespace === b.namespace && s.name === b.name);
        const sp = service ? servicePortOf(service, b.port) : undefined;
        if (service && sp && sp.targetPort === tg.port)
          return {
            service,
            port: b.port,
            how: `its port ${tg.port} is the targetPort of service ${service.namespace}/${service.name}, a backend of the Ingresses`,
          };
      }
    }
  }
  return undefined;
}

export function observedTargetGroup(
  snapshot: Snapshot,
  index: NodeInstanceIndex,
  tg: TargetGroup,
  served: readonly Ingress[],
): TargetGroupView {
  const notes: LbSource[] = [];
  const health = snapshot.aws.targetHealth.filter((h) => h.targetGroupArn === tg.arn);
  let targets: TargetView[] = [];
  for (const h of health) {
    const port = h.port ?? tg.port ?? 0;
    // a Terraform aws_lb_target_group_attachment: registered, its health not recorded (src/load/aws/terraform/elbv2.ts)
    const state = h.state === "unknown" ? undefined : h.state;
    if (tg.targetType === "instance") {
      const { target, note } = instanceTarget(index, h.targetId, port, state, state && h.reason, h.source);
      if (note) notes.push({ what: note, source: h.source });
      targets.push(target);
    } else if (tg.targetType === "ip") {
      const at = podOrNodeAt(snapshot, h.targetId);
      targets.push({
        kind: "ip",
        id: h.targetId,
        ip: h.targetId,
        port,
        node: at.node,
        health: state,
        reason: state && h.reason,
        pod: at.pod,
        source: h.source,
      });
    } else {
      notes.push({ what: `target ${h.targetId}: target type ${tg.targetType} is not followed`, source: h.source });
    }
  }
  const tie = serviceOfTargetGroup(snapshot, tg, targets, served);
  if (tie)
    notes.push({
      what: `tied to service ${tie.service.namespace}/${tie.service.name}: ${tie.how}`,
      source: tie.service.meta.source,
    });
  let targetsFrom: TargetGroupView["targetsFrom"] = health.length > 0 ? "target-health" : "none";
  if (health.length === 0) {
    if (tie && tg.targetType === "instance" && tg.port !== undefined) {
      const derived = deriveInstanceTargets(snapshot, index, tg.port);
      targets = derived.targets;
      targetsFrom = "derived";
      notes.push(
        {
          what: "describe-target-health of this target group is not in the snapshot: its targets are derived from the nodes as the AWS Load Balancer Controller registers them",
          source: tg.source,
        },
        ...derived.notes,
      );
    } else if (tie && tg.targetType === "ip") {
      const sp = servicePortOf(tie.service, tie.port);
      if (sp) {
        const derived = deriveIpTargets(snapshot, index, tie.service, sp);
        targets = derived.targets;
        targetsFrom = "derived";
        notes.push(
          {
            what: "describe-target-health of this target group is not in the snapshot: its targets are derived from the Service's endpoints as the AWS Load Balancer Controller registers them",
            source: tg.source,
          },
          ...derived.notes,
        );
      }
    } else {
      notes.push({
        what: "describe-target-health of this target group is not in the snapshot and no Service could be tied to it: its targets are not known",
        source: tg.source,
      });
    }
  }
  return {
    id: tg.arn,
    name: tg.name,
    targetType: tg.targetType,
    protocol: tg.protocol,
    port: tg.port,
    service: tie ? { namespace: tie.service.namespace, name: tie.service.name, port: tie.port } : undefined,
    targets,
    targetsFrom,
    healthCheck: tg.healthCheck,
    // an L4 (NLB) target group
    preserveClientIp: L4_PROTOCOLS.has((tg.protocol ?? "").toUpperCase())
      ? preserveClientIpOf(snapshot, tg, tie?.service)
      : undefined,
    notes,
    source: tg.source,
  };
}

const L4_PROTOCOLS = new Set(["TCP", "UDP", "TLS", "TCP_UDP"]);

/**
 * An NLB target group's client IP preservation: its `preserve_client_ip.enabled` attribute from
 * describe-target-group-attributes, else the LBC annotation of its Service, else AWS's default
 * (said to be a default, naming the file that would decide it).
 */
function preserveClientIpOf(
  snapshot: Snapshot,
  tg: TargetGroup,
  service: Service | undefined,
): { enabled: boolean; why: string } {
  const attribute = snapshot.aws.targetGroupAttributes.find(
    (a) => a.targetGroupArn === tg.arn && a.key === "preserve_client_ip.enabled",
  );
  const p = (tg.protocol ?? "").toUpperCase();
  // UDP and TCP_UDP always preserve it (the attribute cannot turn it off)
  if (attribute && p !== "UDP" && p !== "TCP_UDP")
    return {
      enabled: attribute.value === "true",
      why: `preserve_client_ip.enabled=${attribute.value} (describe-target-group-attributes, ${attribute.source.file}:${attribute.source.line})`,
    };
  const d = clientIpPreservation(tg.targetType, tg.protocol, service?.meta.annotations);
  const attributesKnown = snapshot.aws.targetGroupAttributes.some((a) => a.targetGroupArn === tg.arn);
  return attribute || attributesKnown || d.why.includes("annotation")
    ? d
    : { ...d, why: `${d.why}; describe-target-group-attributes of ${tg.name} is not in the snapshot` };
}

/** The Ingresses whose status.loadBalancer hostname is the load balancer's DNS name (the controller writes it there). */
export function ingressesServedBy(snapshot: Snapshot, lb: LoadBalancer): Ingress[] {
  if (lb.dnsName === undefined) return [];
  const dns = normalizeHost(lb.dnsName);
  return snapshot.kubernetes.ingresses.filter((ing) =>
    ing.loadBalancerIngress.some((l) => l.hostname !== undefined && normalizeHost(l.hostname) === dns),
  );
}

/**
 * An observed load balancer with its listeners and rules (target groups separately); `served`:
 * its Ingresses (ingressesServedBy), whose routes tie each rule to its Ingress.
 */
export function observedLoadBalancer(
  snapshot: Snapshot,
  lb: LoadBalancer,
  served: readonly Ingress[],
  routes: readonly IngressRouteSketch[],
): LoadBalancerView {
  const aws = snapshot.aws;
  const notes: LbSource[] = [];
  const servedRoutes = routes.filter((r) => served.some((i) => i.namespace === r.namespace && i.name === r.name));
  const listeners: ListenerView[] = aws.listeners
    .filter((l) => l.loadBalancerArn === lb.arn)
    .sort((a, b) => a.port - b.port)
    .map((l) => {
      const rules: RuleView[] = aws.listenerRules
        .filter((r) => r.listenerArn === l.arn)
        .map((r) => {
          const { actions, authenticate } = actionsOf(r.actions);
          const priority: number | "default" = r.isDefault || r.priority === undefined ? "default" : r.priority;
          const conditions = r.conditions.map((c) => ({ field: c.field, values: c.values }));
          return {
            id: r.arn,
            priority,
            conditions,
            actions,
            authenticate,
            ingress: ingressOfRule(conditions, servedRoutes.length > 0 ? servedRoutes : routes),
            description: describeRule(priority, conditions, actions),
            source: r.source,
          };
        });
      if (!rules.some((r) => r.priority === "default")) {
        const { actions, authenticate } = actionsOf(l.defaultActions);
        if (rules.length === 0 && aws.listenerRules.length > 0)
          notes.push({
            what: `listener ${l.port}/${l.protocol}: describe-rules of this listener is not in the snapshot: only its default action is known`,
            source: l.source,
          });
        rules.push({
          id: `${l.arn}#default`,
          priority: "default",
          conditions: [],
          actions,
          authenticate,
          ingress: undefined,
          description: describeRule("default", [], actions),
          source: l.source,
        });
      }
      return {
        id: l.arn,
        port: l.port,
        protocol: l.protocol,
        rules: sortRules(rules),
        certificateArns: l.certificateArns,
        source: l.source,
      };
    });
  let addresses = [...lb.addresses];
  if (addresses.every((a) => a.privateIp === undefined)) {
    const description = eniDescriptionOf(lb.arn);
    const enis = aws.networkInterfaces
      .filter((e) => description !== undefined && e.description === description)
      .sort((a, b) => (a.subnetId < b.subnetId ? -1 : a.subnetId > b.subnetId ? 1 : 0));
    if (enis.length > 0) {
      addresses = enis.map((e) => {
        const primary = e.privateIps.find((p) => p.primary) ?? e.privateIps[0];
        return {
          subnetId: e.subnetId,
          privateIp: primary?.address,
          publicIp: primary?.publicIp ?? lb.addresses.find((a) => a.subnetId === e.subnetId)?.publicIp,
        };
      });
      notes.push({
        what: `addresses from its network interfaces (${description}): ${enis.map((e) => e.id).join(", ")}`,
        source: enis[0]!.source,
      });
    } else {
      notes.push({
        what: `its network interfaces (${description ?? "ELB …"}) are not in the snapshot: its private addresses are not known`,
        source: lb.source,
      });
    }
  }
  if (listeners.length === 0)
    notes.push({ what: "describe-listeners of this load balancer is not in the snapshot", source: lb.source });
  return {
    origin: "elbv2",
    id: lb.arn,
    name: lb.name,
    type: lb.type,
    scheme: lb.scheme,
    dnsName: lb.dnsName?.toLowerCase(),
    vpcId: lb.vpcId,
    subnetIds: lb.subnetIds,
    addresses,
    securityGroupIds: lb.securityGroupIds,
    ingresses: served.map(ingressRef),
    listeners,
    group: undefined,
    state: lb.state,
    notes,
    source: lb.source,
  };
}

/** What each rule does, as a comparable signature: conditions, and the Services a forward reaches. */
function ruleSignature(rule: RuleView, tgs: ReadonlyMap<string, TargetGroupView>): string {
  const conditions = rule.conditions
    .map(
      (c) =>
        `${c.field}=${[...c.values]
          .map((v) => (c.field === "host-header" ? v.toLowerCase() : v))
          .sort()
          .join(",")}`,
    )
    .sort()
    .join("&");
  const actions = rule.actions
    .map((a) => {
      if (a.type === "forward") {
        return `forward(${a.targetGroups
          .map((t) => {
            const tg = tgs.get(t.id);
            return tg?.service ? `${tg.service.namespace}/${tg.service.name}:${tg.targetType}` : t.id;
          })
          .sort()
          .join(",")})`;
      }
      if (a.type === "redirect") return `redirect(${a.protocol ?? ""}:${a.port ?? ""}:${a.statusCode})`;
      return `fixed(${a.statusCode})`;
    })
    .join(";");
  return `${rule.priority === "default" ? "default" : "rule"}|${conditions}|${actions}`;
}

/** Differences between the observed listeners and rules and those the controller would build now. */
export function driftOf(
  observed: LoadBalancerView,
  derived: LoadBalancerView,
  tgs: ReadonlyMap<string, TargetGroupView>,
): string[] {
  const out: string[] = [];
  for (const d of derived.listeners) {
    const o = observed.listeners.find((l) => l.port === d.port);
    if (!o) {
      out.push(`the controller would add listener ${d.port}/${d.protocol}`);
      continue;
    }
    if (o.protocol !== d.protocol)
      out.push(`listener ${d.port} is ${o.protocol}; the controller would make it ${d.protocol}`);
    const want = d.rules.map((r) => ({ r, s: ruleSignature(r, tgs) }));
    const have = o.rules.map((r) => ({ r, s: ruleSignature(r, tgs) }));
    for (const w of want)
      if (!have.some((h) => h.s === w.s))
        out.push(
          `listener ${d.port}: the controller would build ${w.r.description} (${w.r.actions.map((a) => a.type).join(", ")}); the load balancer has no such rule`,
        );
    for (const h of have)
      if (!want.some((w) => w.s === h.s))
        out.push(
          `listener ${d.port}: ${h.r.description} (${h.r.actions.map((a) => a.type).join(", ")}) is not a rule the controller would build now`,
        );
    const common = want.filter((w) => have.some((h) => h.s === w.s)).map((w) => w.s);
    const haveOrder = have.filter((h) => common.includes(h.s)).map((h) => h.s);
    if (common.join("\n") !== haveOrder.join("\n"))
      out.push(`listener ${d.port}: the rules are in another order than the controller would give them`);
  }
  for (const o of observed.listeners)
    if (!derived.listeners.some((d) => d.port === o.port))
      out.push(`listener ${o.port}/${o.protocol} is not one the controller would build now`);
  return out;
}
