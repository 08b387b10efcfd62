import type { Snapshot } from "../../../model/snapshot.js";
import { ALB_ANNOTATIONS } from "../../../model/annotations.js";
import type { SourceRef } from "../../../model/source.js";
import {
  deriveFromIngresses,
  generatedNamePattern,
  ingressRef,
  type ClassifiedIngress,
  type ControllerOptions,
  type DerivedGroup,
} from "./controller.js";
import { driftOf, ingressesServedBy, observedLoadBalancer, observedTargetGroup } from "./elbv2.js";
import {
  describeAction,
  evaluateListener,
  normalizeHost,
  redirectLocation,
  wildcardMatches,
} from "./listener-rules.js";
import { deriveFromService, nameFromDns, serviceServedBy } from "./service-lb.js";
import { nodeInstanceIndex } from "./targets.js";
import type {
  HttpRequest,
  IngressGroupView,
  IngressRouteSketch,
  LbMatch,
  LbSource,
  LoadBalancerModel,
  LoadBalancerView,
  TargetGroupView,
} from "./types.js";

/**
 * The load balancers a request can meet: those the snapshot's elbv2 JSON shows, and — for each
 * IngressGroup no observed load balancer serves — the one the AWS Load Balancer Controller would
 * build. An observed load balancer serves a group when a member Ingress's
 * status.loadBalancer.ingress hostname is its DNS name (the controller writes it there), else when
 * its name is the controller's generated name for the group (`k8s-GROUP-…`, or the
 * load-balancer-name annotation).
 *
 * A group the controller refuses to build is listed in `unreconciled`; an observed load balancer
 * of such a group keeps the rules of its last successful reconcile.
 */
export function loadBalancersOf(snapshot: Snapshot, options: ControllerOptions = {}): LoadBalancerModel {
  const index = nodeInstanceIndex(snapshot);
  const controller = deriveFromIngresses(snapshot, options);
  const routes = controller.routes;
  const managedRoutes = routes.filter((r) => r.managed);
  const notes: LbSource[] = [];

  const servedBy = new Map(snapshot.aws.loadBalancers.map((lb) => [lb.arn, ingressesServedBy(snapshot, lb)]));
  const observed = snapshot.aws.loadBalancers.map((lb) =>
    observedLoadBalancer(snapshot, lb, servedBy.get(lb.arn)!, managedRoutes),
  );
  const targetGroups = new Map<string, TargetGroupView>();
  for (const tg of snapshot.aws.targetGroups) {
    const ofItsLoadBalancers = new Set(tg.loadBalancerArns.flatMap((arn) => servedBy.get(arn) ?? []));
    const served = snapshot.kubernetes.ingresses.filter((ing) => ofItsLoadBalancers.has(ing));
    targetGroups.set(tg.arn, observedTargetGroup(snapshot, index, tg, served));
  }
  for (const g of controller.groups)
    for (const tg of g.targetGroups) if (!targetGroups.has(tg.id)) targetGroups.set(tg.id, tg);

  const derived: LoadBalancerView[] = [];
  const groups: IngressGroupView[] = [];
  const claimed = new Set<string>();
  for (const g of controller.groups) {
    const members = g.members.map((m) => ingressRef(m.ingress));
    const serving = servingLoadBalancer(g, observed, claimed);
    if (serving) {
      const { lb, how, source } = serving;
      claimed.add(lb.id);
      observed[observed.indexOf(lb)] = {
        ...lb,
        group: g.group,
        // matched by status: the Ingresses whose status names it; matched by name: the members are taken as served
        ingresses: lb.ingresses.length > 0 ? lb.ingresses : members,
        derived: g.loadBalancer,
        drift: g.loadBalancer ? driftOf(lb, g.loadBalancer, targetGroups) : undefined,
        notes: [...lb.notes, { what: `serves IngressGroup ${g.group}: ${how}`, source }],
      };
    } else if (g.loadBalancer) {
      // its Ingress status names it: the load balancer exists, and its DNS name carries its name
      derived.push(
        g.loadBalancer.dnsName ? { ...g.loadBalancer, name: nameFromDns(g.loadBalancer.dnsName) } : g.loadBalancer,
      );
    }
    groups.push({
      group: g.group,
      explicit: g.explicit,
      ingresses: members,
      loadBalancerId: serving?.lb.id ?? g.loadBalancer?.id,
      unreconciled: g.unreconciled,
    });
  }
  // groups refused before they are built (an invalid group name, several default classes)
  for (const u of controller.unreconciled) {
    if (groups.some((g) => g.unreconciled === u)) continue;
    groups.push({
      group: u.group,
      explicit: !u.group.includes("/"),
      ingresses: u.ingresses,
      loadBalancerId: undefined,
      unreconciled: u,
    });
  }
  // Services of type LoadBalancer: the observed load balancer their status names, else the one
  // their controller would build (service-lb.ts)
  for (const [i, lb] of observed.entries()) {
    const served = lb.type === "application" ? undefined : serviceServedBy(snapshot, lb.dnsName, lb.name);
    if (served)
      observed[i] = {
        ...lb,
        service: { namespace: served.service.namespace, name: served.service.name, source: served.service.meta.source },
        notes: [
          ...lb.notes,
          {
            what: `serves Service ${served.service.namespace}/${served.service.name}: ${served.how}`,
            source: served.service.meta.source,
          },
        ],
      };
  }
  for (const service of snapshot.kubernetes.services) {
    if (service.type !== "LoadBalancer") continue;
    if (observed.some((lb) => lb.service?.namespace === service.namespace && lb.service.name === service.name))
      continue;
    const built = deriveFromService(snapshot, index, service);
    if ("ignored" in built) {
      notes.push({
        what: `Service ${service.namespace}/${service.name}: no AWS load balancer is built for it: ${built.ignored}`,
        source: service.meta.source,
      });
      continue;
    }
    derived.push(built.loadBalancer);
    for (const tg of built.targetGroups) targetGroups.set(tg.id, tg);
  }
  if (controller.vpcId === undefined && derived.length > 0)
    notes.push({
      what: "the cluster's VPC is not known (no node is joined to an EC2 instance): derived load balancers have no VPC",
      source: undefined,
    });
  return {
    loadBalancers: [...observed, ...derived],
    targetGroups,
    unreconciled: controller.unreconciled,
    groups,
    routes,
    ignored: controller.ignored,
    notes,
  };
}

/**
 * The observed load balancer serving a group, how it was recognised, and the member that says so:
 * a member's status.loadBalancer hostname is its DNS name, else its name is the group's
 * load-balancer-name annotation or the name the controller generates (one not yet claimed).
 */
function servingLoadBalancer(
  g: DerivedGroup,
  observed: readonly LoadBalancerView[],
  claimed: ReadonlySet<string>,
): { lb: LoadBalancerView; how: string; source: SourceRef } | undefined {
  const hostsOf = (m: ClassifiedIngress): string[] =>
    m.ingress.loadBalancerIngress.flatMap((l) => (l.hostname ? [normalizeHost(l.hostname)] : []));
  const hosts = new Set(g.members.flatMap(hostsOf));
  const byStatus = observed.find((o) => o.dnsName !== undefined && hosts.has(normalizeHost(o.dnsName)));
  if (byStatus) {
    const dns = normalizeHost(byStatus.dnsName!);
    const m = g.members.find((x) => hostsOf(x).includes(dns))!;
    return {
      lb: byStatus,
      how: "a member Ingress's status.loadBalancer hostname is its DNS name",
      source: m.ingress.meta.source,
    };
  }
  const named = g.members.find(
    (m) => ALB_ANNOTATIONS.parseStringAnnotation("load-balancer-name", m.ingress.meta.annotations) !== undefined,
  );
  const explicitName =
    named && ALB_ANNOTATIONS.parseStringAnnotation("load-balancer-name", named.ingress.meta.annotations);
  const pattern = generatedNamePattern(g.group, g.explicit);
  const byName = observed.filter(
    (o) => !claimed.has(o.id) && (explicitName !== undefined ? o.name === explicitName : pattern.test(o.name)),
  );
  if (byName.length !== 1) return undefined;
  return {
    lb: byName[0]!,
    how:
      explicitName !== undefined
        ? "its name is the group's load-balancer-name"
        : "its name is the one the controller generates for the group (k8s-GROUP-HASH)",
    source: (named ?? g.members[0]!).ingress.meta.source,
  };
}

function hostMatches(route: IngressRouteSketch, host: string): boolean {
  return route.host !== undefined && wildcardMatches(route.host, host, true);
}

/** The load balancers a host name leads to, most specific first. */
function loadBalancersForHost(model: LoadBalancerModel, host: string): LoadBalancerView[] {
  const h = normalizeHost(host);
  const byId = new Map(model.loadBalancers.map((lb) => [lb.id, lb]));
  const out: LoadBalancerView[] = [];
  const add = (lb: LoadBalancerView | undefined): void => {
    if (lb && !out.includes(lb)) out.push(lb);
  };
  const lbOfGroup = new Map<string, LoadBalancerView | undefined>();
  for (const g of model.groups)
    if (!lbOfGroup.has(g.group)) lbOfGroup.set(g.group, g.loadBalancerId ? byId.get(g.loadBalancerId) : undefined);
  const groupLb = (group: string | undefined): LoadBalancerView | undefined =>
    group === undefined ? undefined : lbOfGroup.get(group);
  const managed = model.routes.filter((r) => r.managed && r.host !== undefined);
  // an Ingress rule's host: exact names before wildcards (DNS names the specific record)
  for (const r of managed) if (r.host!.toLowerCase() === h) add(groupLb(r.group));
  for (const r of managed) if (hostMatches(r, h)) add(groupLb(r.group));
  // the load balancer's own DNS name or one of its addresses
  for (const lb of model.loadBalancers) {
    if (lb.dnsName !== undefined && normalizeHost(lb.dnsName) === h) add(lb);
    if (lb.addresses.some((a) => a.privateIp === h || a.publicIp === h)) add(lb);
  }
  // an Ingress rule without a host matches every host: the controller builds no host-header
  // condition for it (aws-load-balancer-controller pkg/ingress/model_build_listener_rules.go
  // buildRuleConditions: a host condition only when rule.Host != "") — the LBC's 2048 example
  for (const r of model.routes) if (r.managed && r.host === undefined) add(groupLb(r.group));
  return out;
}

/** The load balancer a host name leads to: by an Ingress rule's host, else by the load balancer's DNS name. */
export function loadBalancerForHost(model: LoadBalancerModel, host: string): LoadBalancerView | undefined {
  return loadBalancersForHost(model, host)[0];
}

/** Whether requests for the host reach the group: one of its rules names it, or its load balancer's name is it. */
function groupReceives(model: LoadBalancerModel, group: IngressGroupView, host: string): boolean {
  if (model.routes.some((r) => r.group === group.group && hostMatches(r, host))) return true;
  const lb = model.loadBalancers.find((l) => l.id === group.loadBalancerId);
  return lb?.dnsName !== undefined && normalizeHost(lb.dnsName) === host;
}

function pathMatches(route: IngressRouteSketch, path: string): boolean {
  return route.paths.some((p) => wildcardMatches(p, path, false));
}

function unreconciledMatch(model: LoadBalancerModel, request: HttpRequest): LbMatch | undefined {
  const host = normalizeHost(request.host);
  for (const group of model.groups) {
    const u = group.unreconciled;
    if (!u || !groupReceives(model, group, host)) continue;
    const route = model.routes.find(
      (r) => r.group === group.group && (r.host === undefined || hostMatches(r, host)) && pathMatches(r, request.path),
    );
    if (!route) continue;
    const lb = model.loadBalancers.find((l) => l.id === group.loadBalancerId);
    let tail: string;
    if (lb) {
      const previous = evaluate(model, lb, request);
      const what =
        previous.kind === "drop"
          ? previous.message
          : previous.kind === "forward"
            ? `${previous.rule.description} forwards it to target group ${previous.targetGroup.name}`
            : `${previous.rule.description}: ${previous.rule.actions.map(describeAction).join(", ")}`;
      tail = `; load balancer ${lb.name} keeps the rules of the group's last successful reconcile, the ones the snapshot shows (there, ${what}), and no change to the group's Ingresses reaches it until the error is fixed`;
    } else {
      tail = "; no load balancer of the group is in the snapshot: none is created until the error is fixed";
    }
    return {
      kind: "drop",
      code: "INGRESS_NOT_RECONCILED",
      message: `Ingress ${route.namespace}/${route.name} (IngressGroup ${group.group}) is not reconciled: the AWS Load Balancer Controller refuses to build the whole group: ${u.message}${tail}`,
      source: u.source,
      loadBalancer: lb,
    };
  }
  return undefined;
}

/** The heaviest target group of a weighted forward (the first on ties). */
export function heaviestTargetGroup<T extends { readonly weight: number }>(targetGroups: readonly T[]): T | undefined {
  return targetGroups.reduce<T | undefined>(
    (best, t) => (best === undefined || t.weight > best.weight ? t : best),
    undefined,
  );
}

/** A forward action's target group, or — when the snapshot lacks it — a placeholder that says so. */
export function targetGroupOf(model: LoadBalancerModel, id: string, source: SourceRef): TargetGroupView {
  return (
    model.targetGroups.get(id) ?? {
      id,
      name: id.replace(/^.*:targetgroup\//, "").replace(/\/.*$/, "") || id,
      targetType: "instance",
      protocol: undefined,
      port: undefined,
      service: undefined,
      targets: [],
      targetsFrom: "none",
      notes: [{ what: "this target group is not in the snapshot (describe-target-groups)", source }],
      source,
    }
  );
}

function evaluate(model: LoadBalancerModel, lb: LoadBalancerView, request: HttpRequest): LbMatch {
  const listener = lb.listeners.find((l) => l.port === request.port);
  if (!listener) {
    const ports = lb.listeners.map((l) => `${l.port}/${l.protocol}`).join(", ") || "none";
    return {
      kind: "drop",
      code: "NO_LISTENER",
      message: `load balancer ${lb.name} has no listener on port ${request.port} (its listeners: ${ports})`,
      source: lb.source,
      loadBalancer: lb,
    };
  }
  const notes: string[] = [];
  const tls = listener.protocol === "HTTPS";
  if (tls !== (request.scheme === "https"))
    notes.push(
      `listener ${listener.port} speaks ${listener.protocol}, the request is ${request.scheme}: the connection fails before any rule is evaluated`,
    );
  const ev = evaluateListener(listener, request);
  notes.push(...ev.assumptions);
  const rule = ev.rule;
  const final = rule?.actions[rule.actions.length - 1];
  if (!rule || !final) {
    return {
      kind: "drop",
      code: "NO_MATCHING_RULE",
      message: `listener ${listener.port}/${listener.protocol} of load balancer ${lb.name}: no rule matches ${request.scheme}://${request.host}${request.path} and it has no default action`,
      source: listener.source,
      loadBalancer: lb,
    };
  }
  if (rule.authenticate)
    notes.push(
      `the rule authenticates first (${rule.authenticate}): a request without a session is redirected to the identity provider`,
    );
  const common = { loadBalancer: lb, listener, rule, skipped: ev.skipped, notes };
  switch (final.type) {
    case "forward": {
      const id = heaviestTargetGroup(final.targetGroups)?.id ?? "";
      if (final.targetGroups.length > 1)
        notes.push(
          `weighted forward (${final.targetGroups.map((t) => `${t.id} ${t.weight}`).join(", ")}): the heaviest target group is traced`,
        );
      const targetGroup = targetGroupOf(model, id, rule.source);
      return { ...common, kind: "forward", targetGroup };
    }
    case "redirect":
      return { ...common, kind: "redirect", location: redirectLocation(final, request), statusCode: final.statusCode };
    case "fixed-response":
      return { ...common, kind: "fixed-response", statusCode: final.statusCode };
  }
}

/**
 * What a load balancer does with an HTTP request: the load balancer the host leads to, its
 * listener on the port, the first matching rule (else the default rule) and its action.
 * A request that an Ingress of an unreconciled group would serve is dropped with
 * INGRESS_NOT_RECONCILED; a host no Ingress and no load balancer knows with UNKNOWN_ENDPOINT.
 */
/**
 * How the load balancer `lb` — the one the client reached — routes `request`: refused when the
 * request falls to an IngressGroup the controller cannot build, else its listener and rules.
 */
export function matchRequestAt(model: LoadBalancerModel, lb: LoadBalancerView, request: HttpRequest): LbMatch {
  return unreconciledMatch(model, request) ?? evaluate(model, lb, request);
}

export function matchRequest(model: LoadBalancerModel, request: HttpRequest): LbMatch {
  const refused = unreconciledMatch(model, request);
  if (refused) return refused;
  const candidates = loadBalancersForHost(model, request.host);
  if (candidates.length === 0) {
    const host = normalizeHost(request.host);
    const unmanaged = model.routes.find(
      (r) => !r.managed && r.host !== undefined && wildcardMatches(r.host, host, true),
    );
    const ignored = unmanaged
      ? model.ignored.find((x) => x.ingress.namespace === unmanaged.namespace && x.ingress.name === unmanaged.name)
      : undefined;
    let source: SourceRef | undefined = ignored?.ingress.source;
    let message = `no Ingress managed by the AWS Load Balancer Controller has host ${host}, and no load balancer in the snapshot has that DNS name`;
    if (ignored)
      message = `Ingress ${ignored.ingress.namespace}/${ignored.ingress.name} has host ${host} but the AWS Load Balancer Controller does not manage it (${ignored.what}); no load balancer in the snapshot serves it`;
    const group = model.groups.find(
      (g) => g.unreconciled && model.routes.some((r) => r.group === g.group && hostMatches(r, host)),
    );
    if (group?.unreconciled) {
      message = `${message}; IngressGroup ${group.group} names the host but is not reconciled: ${group.unreconciled.message}`;
      source = group.unreconciled.source;
    }
    return { kind: "drop", code: "UNKNOWN_ENDPOINT", message, source, loadBalancer: undefined };
  }
  let first: LbMatch | undefined;
  for (const lb of candidates) {
    const m = evaluate(model, lb, request);
    first ??= m;
    if (m.kind !== "drop" && m.rule.priority !== "default") {
      return candidates.length > 1
        ? {
            ...m,
            notes: [
              ...m.notes,
              `${candidates.length} load balancers serve ${normalizeHost(request.host)} (${candidates.map((c) => c.name).join(", ")}): the first whose rules match is taken`,
            ],
          }
        : m;
    }
  }
  return first!;
}
