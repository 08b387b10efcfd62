import type { Ingress, Service, ServicePort } from "../../../../model/kubernetes.js";
import { deriveInstanceTargets, deriveIpTargets, servicePortOf } from "../targets.js";
import type { LbSource, TargetGroupView } from "../types.js";
import { ALB_ANNOTATIONS, annotationErrorMessage } from "../../../../model/annotations.js";
import type { BuildContext } from "./build-task.js";
import { fail, ok, wrap, type BuildResult } from "../build-result.js";
import { alphanumeric } from "./common.js";

/** pkg/ingress/model_build_target_group.go */

/** k8s.LookupServicePort (a failure points at the Ingress) */
function lookupServicePort(ing: Ingress, service: Service, port: number | string): BuildResult<ServicePort> {
  const found = servicePortOf(service, port);
  if (!found)
    return fail(
      "missing",
      `unable to find port ${port} on service ${service.namespace}/${service.name}`,
      ing.meta.source,
    );
  return ok(found);
}

/** buildTargetGroup: the target group for (Ingress, Service, port), built once per group; a failure points at the Ingress. */
export function buildTargetGroup(
  ctx: BuildContext,
  ing: Ingress,
  service: Service,
  port: number | string,
): BuildResult<TargetGroupView> {
  const id = `${ing.namespace}/${ing.name}-${service.name}:${port}`;
  const existing = ctx.targetGroups.get(id);
  if (existing) return ok(existing);
  const found = lookupServicePort(ing, service, port);
  if (!found.ok) return found;
  const servicePort = found.value;
  // svcAndIngAnnotations = algorithm.MergeStringMap(svc.Annotations, ing.Ing.Annotations)
  // (pkg/ingress/model_build_target_group.go buildTargetGroupSpec; pkg/algorithm/maps.go: "if a key
  // already exists, the value from previous map is kept"): on a clash the Service's annotation wins.
  const svcAndIngAnnotations: Readonly<Record<string, string>> = {
    ...ing.meta.annotations,
    ...service.meta.annotations,
  };
  const merged = (suffix: string): string | undefined =>
    ALB_ANNOTATIONS.parseStringAnnotation(suffix, svcAndIngAnnotations);
  const targetType = merged("target-type") ?? ctx.options.defaultTargetType ?? "instance";
  if (targetType !== "instance" && targetType !== "ip")
    return fail("invalid-annotation", `unknown targetType: ${targetType}`, ing.meta.source);
  const protocol = merged("backend-protocol") ?? "HTTP";
  if (protocol !== "HTTP" && protocol !== "HTTPS")
    return fail("invalid-annotation", `backend protocol must be within [HTTP, HTTPS]: ${protocol}`, ing.meta.source);
  const notes: LbSource[] = [];
  let tgPort: number | undefined;
  if (targetType === "instance") {
    tgPort = servicePort.nodePort;
    if (tgPort === undefined) {
      // A Service from a live cluster (it has its ClusterIP) without nodePort: ClusterIP, or a
      // LoadBalancer with allocateLoadBalancerNodePorts false. From a manifest, a NodePort or
      // LoadBalancer Service gets its nodePort when it is applied.
      const manifest =
        service.clusterIP === undefined && (service.type === "NodePort" || service.type === "LoadBalancer");
      if (!manifest)
        return fail(
          "invalid-spec",
          "TargetGroup port is empty. When using Instance targets, your service be must of type 'NodePort' or 'LoadBalancer'",
          ing.meta.source,
        );
      notes.push({
        what: `service ${service.namespace}/${service.name} port ${servicePort.port} has no nodePort yet (a manifest): the API server allocates one`,
        source: service.meta.source,
      });
    }
  } else {
    tgPort = typeof servicePort.targetPort === "number" ? servicePort.targetPort : 1;
  }
  const healthCheckPortRaw = merged("healthcheck-port") ?? "traffic-port";
  let healthCheckPort = healthCheckPortRaw;
  if (healthCheckPortRaw !== "traffic-port" && !/^\d+$/.test(healthCheckPortRaw)) {
    const found = lookupServicePort(ing, service, healthCheckPortRaw);
    if (!found.ok) return wrap(found, "failed to resolve healthCheckPort: ");
    const hc = found.value;
    healthCheckPort = String(targetType === "instance" ? (hc.nodePort ?? "") : hc.targetPort);
  }
  let targetNodeLabels: Record<string, string> = {};
  if (targetType === "instance") {
    const parsed = ALB_ANNOTATIONS.parseStringMapAnnotation("target-node-labels", svcAndIngAnnotations);
    if (!parsed.ok) return fail("invalid-annotation", annotationErrorMessage(parsed.error), ing.meta.source);
    targetNodeLabels = parsed.value ?? {};
  }
  const derived =
    targetType === "instance"
      ? tgPort !== undefined
        ? deriveInstanceTargets(ctx.snapshot, ctx.index, tgPort, targetNodeLabels)
        : { targets: [], notes: [] }
      : deriveIpTargets(ctx.snapshot, ctx.index, service, servicePort);
  notes.push(...derived.notes);
  const targetPorts = [...new Set(derived.targets.map((t) => t.port))];
  const portText =
    targetType === "instance"
      ? String(tgPort ?? "NodePort")
      : targetPorts.length > 0
        ? targetPorts.join(",")
        : String(servicePort.targetPort);
  ctx.backendPorts.set(
    `${service.namespace}/${service.name}:${port}`,
    healthCheckPort !== "traffic-port" && healthCheckPort !== portText ? `${portText}, ${healthCheckPort}` : portText,
  );
  const tg: TargetGroupView = {
    id,
    name: `k8s-${alphanumeric(service.namespace).slice(0, 8)}-${alphanumeric(service.name).slice(0, 8)}-<hash>`,
    targetType,
    protocol,
    port: tgPort,
    service: { namespace: service.namespace, name: service.name, port },
    targets: derived.targets,
    targetsFrom: "derived",
    healthCheck: { protocol, port: healthCheckPort, path: merged("healthcheck-path") ?? "/" },
    notes,
    source: service.meta.source,
  };
  ctx.targetGroups.set(id, tg);
  return ok(tg);
}
