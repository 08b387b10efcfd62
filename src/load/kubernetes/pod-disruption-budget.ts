import type { V1PodDisruptionBudget } from "@kubernetes/client-node";
import type { ObjectMeta, PodDisruptionBudget } from "../../model/kubernetes.js";
import type { Fields } from "../fields.js";
import { readLabelSelector } from "./meta.js";

/**
 * An IntOrString budget (`minAvailable`, `maxUnavailable`): an int ≥ 0 or a percent "N%"
 * (policy validation ValidatePodDisruptionBudgetSpec: ValidatePositiveIntOrPercent,
 * IsNotMoreThan100Percent).
 */
function intOrPercent(f: Fields<Record<string, unknown>>, key: string): number | string | undefined {
  const value = f.any(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === "string" && /^\d+%$/.test(value) && Number(value.slice(0, -1)) <= 100) return value;
  return f.fail(`${key} ${JSON.stringify(value)} must be a non-negative integer or a percentage up to 100%`);
}

/**
 * policy/v1 PodDisruptionBudget (k8s.io/api/policy/v1 types.go): the selector, minAvailable or
 * maxUnavailable (int or percent; both set is invalid), unhealthyPodEvictionPolicy, and the
 * status the disruption controller (pkg/controller/disruption/disruption.go) wrote, which the
 * eviction API reads.
 */
export function convertPodDisruptionBudget(f: Fields<V1PodDisruptionBudget>, meta: ObjectMeta): PodDisruptionBudget {
  const spec = (f.obj("spec") ?? f.fail("spec is required")) as unknown as Fields<Record<string, unknown>>;
  const minAvailable = intOrPercent(spec, "minAvailable");
  const maxUnavailable = intOrPercent(spec, "maxUnavailable");
  if (minAvailable !== undefined && maxUnavailable !== undefined)
    spec.fail("minAvailable and maxUnavailable cannot both be set");
  const selector = spec.obj("selector");
  const status = f.obj("status");
  const count = (key: "disruptionsAllowed" | "currentHealthy" | "desiredHealthy" | "expectedPods") =>
    status?.int(key) ?? 0;
  return {
    meta,
    namespace: meta.namespace ?? "default",
    name: meta.name,
    selector: readLabelSelector(selector),
    minAvailable,
    maxUnavailable,
    unhealthyPodEvictionPolicy: spec.str("unhealthyPodEvictionPolicy"),
    // a status without disruptionsAllowed has not been written by the controller yet
    status: status?.has("disruptionsAllowed")
      ? {
          disruptionsAllowed: count("disruptionsAllowed"),
          currentHealthy: count("currentHealthy"),
          desiredHealthy: count("desiredHealthy"),
          expectedPods: count("expectedPods"),
        }
      : undefined,
  };
}
