import type { Ingress } from "../../../../model/kubernetes.js";
import type { ActionView } from "../types.js";
import { findService, type BuildContext } from "./build-task.js";
import { fail, ok, type BuildResult } from "../build-result.js";
import type { BackendAction } from "./config-types.js";
import { buildTargetGroup } from "./model-build-target-group.js";

/** pkg/ingress/model_build_actions.go */

/** buildBackendAction: a forward becomes target groups (with weights); a failure points at the Ingress. */
export function backendActionView(
  ctx: BuildContext,
  ing: Ingress,
  action: BackendAction | ActionView,
): BuildResult<ActionView> {
  if (!("tuples" in action)) return ok("action" in action ? action.action : action);
  const targetGroups: { id: string; weight: number }[] = [];
  for (const t of action.tuples) {
    if (t.arn !== undefined) {
      const observed = ctx.snapshot.aws.targetGroups.find((g) => g.arn === t.arn || g.name === t.arn);
      targetGroups.push({ id: observed?.arn ?? t.arn, weight: t.weight ?? 1 });
      continue;
    }
    const service = findService(ctx, ing.namespace, t.serviceName!);
    if (!service) return fail("missing", `services ${JSON.stringify(t.serviceName)} not found`, ing.meta.source);
    const tg = buildTargetGroup(ctx, ing, service, t.servicePort!);
    if (!tg.ok) return tg;
    targetGroups.push({ id: tg.value.id, weight: t.weight ?? 1 });
  }
  return ok({ type: "forward", targetGroups });
}
