import type { Ingress } from "../../../../model/kubernetes.js";
import type { ActionView } from "../types.js";
import { findService, type BuildContext } from "./build-task.js";
import type { BackendAction } from "./config-types.js";
import { buildTargetGroup } from "./model-build-target-group.js";

/** pkg/ingress/model_build_actions.go */

/** buildBackendAction: a forward becomes target groups (with weights). */
export function backendActionView(ctx: BuildContext, ing: Ingress, action: BackendAction | ActionView): ActionView {
  if (!("tuples" in action)) return "action" in action ? action.action : action;
  const targetGroups = action.tuples.map((t) => {
    if (t.arn !== undefined) {
      const observed = ctx.snapshot.aws.targetGroups.find((g) => g.arn === t.arn || g.name === t.arn);
      return { id: observed?.arn ?? t.arn, weight: t.weight ?? 1 };
    }
    const service = findService(ctx, ing.namespace, t.serviceName!);
    if (!service) throw new Error(`services ${JSON.stringify(t.serviceName)} not found`);
    const tg = buildTargetGroup(ctx, ing, service, t.servicePort!);
    return { id: tg.id, weight: t.weight ?? 1 };
  });
  return { type: "forward", targetGroups };
}
