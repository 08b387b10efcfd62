import { SERVICE_ANNOTATIONS, splitCommaSeparatedString } from "../../../model/annotations.js";
import type { Service, ServicePort } from "../../../model/kubernetes.js";
import type { Snapshot } from "../../../model/snapshot.js";
import { normalizeHost } from "./listener-rules.js";
import { deriveInstanceTargets, deriveIpTargets, type NodeInstanceIndex } from "./targets.js";
import type { LbSource, ListenerView, LoadBalancerView, TargetGroupView } from "./types.js";

/**
 * Services of type LoadBalancer on AWS: which controller builds their load balancer and what it
 * builds — an L4 balancer (a Network Load Balancer, or the in-tree provider's Classic ELB) whose
 * listeners forward each Service port to a target group of the nodes' NodePort (target type
 * instance) or of the pods (target type ip).
 *
 * Which controller (kubernetes-sigs/aws-load-balancer-controller pkg/service/service_utils.go
 * IsServiceSupported): `spec.loadBalancerClass: service.k8s.aws/nlb`, else annotation
 * `service.beta.kubernetes.io/aws-load-balancer-type: nlb-ip`, or `external` with
 * `aws-load-balancer-nlb-target-type` instance|ip → the AWS Load Balancer Controller (LBC). Another
 * loadBalancerClass → neither AWS controller. `external` without a target type → neither (the
 * in-tree provider leaves `external`/`nlb-ip` to an external controller: cloud-provider-aws
 * pkg/providers/v1/aws_loadbalancer.go isLBExternal). Otherwise the in-tree cloud provider
 * (kubernetes/cloud-provider-aws docs/service_controller.md): `aws-load-balancer-type: nlb` → an
 * NLB with instance targets, anything else → a Classic ELB.
 *
 * Defaults: the LBC's scheme is internal unless `aws-load-balancer-scheme: internet-facing`
 * (docs/guide/service/annotations.md "aws-load-balancer-scheme … default internal"; the deprecated
 * `aws-load-balancer-internal` is read first, pkg/service/model_build_load_balancer.go
 * buildLoadBalancerScheme); its target type is instance unless `nlb-ip` or
 * `aws-load-balancer-nlb-target-type: ip`. The in-tree provider's load balancers are
 * internet-facing unless `aws-load-balancer-internal` is set. Subnets: the
 * `aws-load-balancer-subnets` annotation, else the cluster VPC's subnets tagged
 * `kubernetes.io/role/elb` (internet-facing) or `kubernetes.io/role/internal-elb` (internal), one per
 * availability zone (docs/deploy/subnet_discovery.md).
 *
 * Client IP preservation (AWS ELB docs, "Edit target group attributes for your Network Load
 * Balancer", client IP preservation "Default settings"): on for instance targets and for ip targets
 * with UDP/TCP_UDP, off for ip targets with TCP/TLS; the LBC's
 * `aws-load-balancer-target-group-attributes: preserve_client_ip.enabled=…` sets it. A Classic
 * ELB's TCP listener proxies the connection: the instance sees the ELB's address.
 */

const LBC_NLB_CLASS = "service.k8s.aws/nlb";

export interface ServiceLoadBalancerPlan {
  readonly controller: "aws-load-balancer-controller" | "in-tree";
  readonly type: "network" | "classic";
  readonly scheme: "internet-facing" | "internal";
  readonly targetType: "instance" | "ip";
  /** why this controller, type, scheme and target type (for notes) */
  readonly why: readonly string[];
}

function truthy(v: string | undefined): boolean {
  return v !== undefined && v.trim().toLowerCase() !== "false" && v.trim() !== "";
}

/** Which controller builds the Service's load balancer, and what; a string when neither AWS controller does. */
export function serviceLoadBalancerPlan(service: Service): ServiceLoadBalancerPlan | string {
  const get = (suffix: string): string | undefined =>
    SERVICE_ANNOTATIONS.parseStringAnnotation(suffix, service.meta.annotations);
  const lbType = get("aws-load-balancer-type");
  const targetAnnotation = get("aws-load-balancer-nlb-target-type");
  const why: string[] = [];
  let lbc = false;
  if (service.loadBalancerClass !== undefined) {
    if (service.loadBalancerClass !== LBC_NLB_CLASS)
      return `spec.loadBalancerClass ${service.loadBalancerClass} is neither the AWS Load Balancer Controller's (${LBC_NLB_CLASS}) nor empty (the in-tree cloud provider ignores a Service with a class)`;
    lbc = true;
    why.push(`spec.loadBalancerClass ${LBC_NLB_CLASS}: the AWS Load Balancer Controller builds an NLB`);
  } else if (
    lbType === "nlb-ip" ||
    (lbType === "external" && (targetAnnotation === "ip" || targetAnnotation === "instance"))
  ) {
    lbc = true;
    why.push(
      `annotation aws-load-balancer-type: ${lbType}${lbType === "external" ? ` with nlb-target-type ${targetAnnotation}` : ""}: the AWS Load Balancer Controller builds an NLB`,
    );
  }
  if (lbc) {
    const internal = get("aws-load-balancer-internal");
    const schemeAnnotation = get("aws-load-balancer-scheme");
    let scheme: "internet-facing" | "internal" = "internal";
    if (internal !== undefined) {
      scheme = truthy(internal) ? "internal" : "internet-facing";
      why.push(`annotation aws-load-balancer-internal: ${internal} (deprecated, read first): ${scheme}`);
    } else if (schemeAnnotation === "internet-facing" || schemeAnnotation === "internal") {
      scheme = schemeAnnotation;
      why.push(`annotation aws-load-balancer-scheme: ${scheme}`);
    } else {
      why.push("no aws-load-balancer-scheme annotation: internal, the controller's default");
    }
    const targetType: "instance" | "ip" = lbType === "nlb-ip" || targetAnnotation === "ip" ? "ip" : "instance";
    why.push(
      targetAnnotation !== undefined || lbType === "nlb-ip"
        ? `target type ${targetType} (annotation)`
        : "no aws-load-balancer-nlb-target-type annotation: target type instance, the controller's default",
    );
    return { controller: "aws-load-balancer-controller", type: "network", scheme, targetType, why };
  }
  // cloud-provider-aws isLBExternal: `external` (and `nlb-ip`) are left to an external controller
  if (lbType === "external")
    return `annotation aws-load-balancer-type: external without aws-load-balancer-nlb-target-type instance or ip: the AWS Load Balancer Controller does not take it (IsServiceSupported) and the in-tree cloud provider leaves it to an external controller (isLBExternal): no load balancer is built`;
  const internal = truthy(get("aws-load-balancer-internal"));
  const scheme = internal ? "internal" : "internet-facing";
  if (lbType === "nlb") {
    why.push(`annotation aws-load-balancer-type: nlb: the in-tree cloud provider builds an NLB with instance targets`);
  } else {
    why.push(
      `no AWS Load Balancer Controller class or annotation${lbType ? ` (aws-load-balancer-type: ${lbType})` : ""}: the in-tree cloud provider builds a Classic ELB`,
    );
  }
  why.push(
    internal
      ? "annotation aws-load-balancer-internal: internal"
      : "no aws-load-balancer-internal annotation: internet-facing, the in-tree default",
  );
  return { controller: "in-tree", type: lbType === "nlb" ? "network" : "classic", scheme, targetType: "instance", why };
}

/** `preserve_client_ip.enabled` of an NLB target group: its attribute annotation, else AWS's default. */
export function clientIpPreservation(
  targetType: string,
  protocol: string | undefined,
  annotations: Readonly<Record<string, string>> = {},
): { enabled: boolean; why: string } {
  const attrs = SERVICE_ANNOTATIONS.parseStringAnnotation("aws-load-balancer-target-group-attributes", annotations);
  const m = attrs ? /(?:^|,)\s*preserve_client_ip\.enabled\s*=\s*(true|false)\s*(?:,|$)/.exec(attrs) : null;
  if (m)
    return {
      enabled: m[1] === "true",
      why: `preserve_client_ip.enabled=${m[1]} (annotation aws-load-balancer-target-group-attributes)`,
    };
  const p = (protocol ?? "TCP").toUpperCase();
  if (targetType === "instance")
    return {
      enabled: true,
      why: "client IP preservation is on by default for instance targets (AWS NLB target group attributes)",
    };
  if (p === "UDP" || p === "TCP_UDP")
    return { enabled: true, why: `client IP preservation is always on for ip targets over ${p}` };
  return {
    enabled: false,
    why: `client IP preservation is off by default for ip targets over ${p} (AWS NLB target group attributes)`,
  };
}

/**
 * The Service an NLB serves: the one whose status.loadBalancer hostname is its DNS name, else the
 * one of type LoadBalancer whose name the AWS Load Balancer Controller would give it
 * (pkg/service/model_build_load_balancer.go buildLoadBalancerName: `k8s-` + the first 8
 * alphanumerics of the namespace and of the name + a 10-character hash), when only one fits.
 */
export function serviceServedBy(
  snapshot: Snapshot,
  dnsName: string | undefined,
  name: string,
): { service: Service; how: string } | undefined {
  const services = snapshot.kubernetes.services.filter((s) => s.type === "LoadBalancer");
  if (dnsName !== undefined) {
    const dns = normalizeHost(dnsName);
    const byStatus = services.find((s) =>
      s.loadBalancerIngress.some((i) => i.hostname !== undefined && normalizeHost(i.hostname) === dns),
    );
    if (byStatus) return { service: byStatus, how: "its status.loadBalancer hostname is the DNS name" };
  }
  const alnum = (x: string): string => x.replace(/[^A-Za-z0-9]/g, "").slice(0, 8);
  const byName = services.filter(
    (s) =>
      s.loadBalancerIngress.length === 0 &&
      new RegExp(`^k8s-${alnum(s.namespace)}-${alnum(s.name)}-[0-9a-f]{10}$`).test(name),
  );
  return byName.length === 1
    ? {
        service: byName[0]!,
        how: "its name is the one the AWS Load Balancer Controller generates for the Service (k8s-NAMESPACE-NAME-HASH); the Service's status was not captured",
      }
    : undefined;
}

/** The subnets the controller would pick: the annotation's, else one role-tagged subnet per zone of the VPC. */
function subnetsFor(
  snapshot: Snapshot,
  service: Service,
  scheme: "internet-facing" | "internal",
  vpcId: string | undefined,
): { ids: string[]; why: string } {
  const annotated = SERVICE_ANNOTATIONS.parseStringAnnotation("aws-load-balancer-subnets", service.meta.annotations);
  const subnets = snapshot.aws.subnets;
  if (annotated) {
    const ids = splitCommaSeparatedString(annotated).map(
      (x) => subnets.find((s) => s.id === x || s.tags["Name"] === x)?.id ?? x,
    );
    return { ids, why: "annotation aws-load-balancer-subnets" };
  }
  const role = scheme === "internet-facing" ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb";
  const byZone = new Map<string, string>();
  for (const s of [...subnets].sort((a, b) => a.id.localeCompare(b.id))) {
    if (vpcId !== undefined && s.vpcId !== vpcId) continue;
    const tag = s.tags[role];
    if (tag !== "1" && tag !== "") continue;
    const zone = s.availabilityZone ?? s.id;
    if (!byZone.has(zone)) byZone.set(zone, s.id);
  }
  return {
    ids: [...byZone.values()],
    why: `the subnets of ${vpcId ?? "the VPC"} tagged ${role}, one per zone (subnet discovery)`,
  };
}

/** The name of a load balancer from its DNS name (`NAME-ID.elb.REGION.amazonaws.com`, `NAME-NUMBER.REGION.elb.amazonaws.com`). */
export function nameFromDns(dns: string): string {
  const first = dns.split(".")[0] ?? dns;
  return first.replace(/-[0-9a-f]{16}$/, "").replace(/-\d+$/, "");
}

/** The cluster's VPC: the VPC of the nodes' instances. */
function clusterVpc(index: NodeInstanceIndex): string | undefined {
  for (const instance of [...index.instanceOfNode.values()].sort((a, b) => a.id.localeCompare(b.id)))
    if (instance.vpcId) return instance.vpcId;
  return undefined;
}

/**
 * The load balancer (and target groups) the controller would build for a Service of type
 * LoadBalancer; `notes` when no AWS controller builds one.
 */
export function deriveFromService(
  snapshot: Snapshot,
  index: NodeInstanceIndex,
  service: Service,
): { loadBalancer: LoadBalancerView; targetGroups: TargetGroupView[] } | { ignored: string } {
  const plan = serviceLoadBalancerPlan(service);
  if (typeof plan === "string") return { ignored: plan };
  const vpcId = clusterVpc(index);
  const subnets = subnetsFor(snapshot, service, plan.scheme, vpcId);
  const source = service.meta.source;
  const id = `service:${service.namespace}/${service.name}`;
  const hostname = service.loadBalancerIngress.find((i) => i.hostname)?.hostname?.toLowerCase();
  const securityGroupIds = splitCommaSeparatedString(
    SERVICE_ANNOTATIONS.parseStringAnnotation("aws-load-balancer-security-groups", service.meta.annotations) ?? "",
  );
  const notes: LbSource[] = plan.why.map((what) => ({ what, source }));
  notes.push({ what: `subnets: ${subnets.ids.join(", ") || "none found"} (${subnets.why})`, source });
  if (hostname)
    notes.push({
      what: `status.loadBalancer.ingress names its DNS name ${hostname}: the load balancer exists, but no elbv2 JSON of it is in the snapshot`,
      source,
    });
  const listeners: ListenerView[] = [];
  const targetGroups: TargetGroupView[] = [];
  const local = service.externalTrafficPolicy === "Local";
  for (const port of service.ports) {
    const tg = targetGroupFor(snapshot, index, service, port, plan);
    targetGroups.push(tg);
    const protocol = port.protocol;
    listeners.push({
      id: `${id}:${port.port}/${protocol}`,
      port: port.port,
      protocol,
      rules: [
        {
          id: `${id}:${port.port}/${protocol}#default`,
          priority: "default",
          conditions: [],
          actions: [{ type: "forward", targetGroups: [{ id: tg.id, weight: 1 }] }],
          ingress: undefined,
          description: `listener ${port.port}/${protocol}: forward to ${tg.name}`,
          source,
        },
      ],
      source,
    });
  }
  if (local && plan.targetType === "instance")
    notes.push({
      what: `externalTrafficPolicy Local: the health check goes to healthCheckNodePort ${service.healthCheckNodePort ?? "(not allocated)"}, where kube-proxy answers 200 only on nodes with a ready local endpoint`,
      source,
    });
  const typeWord = plan.type === "network" ? "NLB" : "Classic ELB";
  const loadBalancer: LoadBalancerView = {
    origin: "service",
    id,
    name: hostname ? nameFromDns(hostname) : `${typeWord} of service ${service.namespace}/${service.name}`,
    type: plan.type,
    scheme: plan.scheme,
    dnsName: hostname,
    vpcId,
    subnetIds: subnets.ids,
    addresses: [],
    securityGroupIds,
    ingresses: [],
    listeners,
    group: undefined,
    service: { namespace: service.namespace, name: service.name, source },
    notes,
    source,
  };
  return { loadBalancer, targetGroups };
}

function targetGroupFor(
  snapshot: Snapshot,
  index: NodeInstanceIndex,
  service: Service,
  port: ServicePort,
  plan: ServiceLoadBalancerPlan,
): TargetGroupView {
  const source = service.meta.source;
  const id = `${service.namespace}/${service.name}:${port.port}`;
  const notes: LbSource[] = [];
  let targets: TargetGroupView["targets"] = [];
  let tgPort: number | undefined;
  if (plan.targetType === "instance") {
    tgPort = port.nodePort;
    if (port.nodePort === undefined)
      notes.push({
        what: `service port ${port.port} has no nodePort (allocateLoadBalancerNodePorts false, or not yet allocated): instance targets need one`,
        source,
      });
    else {
      const derived = deriveInstanceTargets(snapshot, index, port.nodePort);
      targets = derived.targets;
      notes.push(...derived.notes);
    }
  } else {
    const derived = deriveIpTargets(snapshot, index, service, port);
    targets = derived.targets;
    tgPort = typeof port.targetPort === "number" ? port.targetPort : targets[0]?.port;
    notes.push(...derived.notes);
  }
  const local = service.externalTrafficPolicy === "Local" && plan.targetType === "instance";
  return {
    id,
    name: `${service.namespace}/${service.name}:${port.port} (derived)`,
    targetType: plan.targetType,
    protocol: port.protocol,
    port: tgPort,
    service: { namespace: service.namespace, name: service.name, port: port.port },
    targets,
    targetsFrom: "derived",
    healthCheck: local
      ? {
          protocol: "HTTP",
          port: service.healthCheckNodePort !== undefined ? String(service.healthCheckNodePort) : undefined,
          path: "/healthz",
        }
      : { protocol: "TCP", port: "traffic-port", path: undefined },
    preserveClientIp:
      plan.type === "classic"
        ? { enabled: false, why: "a Classic ELB proxies TCP: the instance sees the ELB's address" }
        : clientIpPreservation(plan.targetType, port.protocol, service.meta.annotations),
    notes,
    source,
  };
}
