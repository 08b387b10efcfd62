import type { Service } from "../../../../model/kubernetes.js";
import type { Snapshot } from "../../../../model/snapshot.js";
import type { NodeInstanceIndex } from "../targets.js";
import type { LbSource, TargetGroupView } from "../types.js";
import type { ControllerOptions } from "./config.js";

/** The state of one group's build (model_builder.go defaultModelBuildTask). */

export interface BuildContext {
  readonly snapshot: Snapshot;
  readonly options: ControllerOptions;
  readonly index: NodeInstanceIndex;
  /** the snapshot's Services by namespace/name (the first of each) */
  readonly services: ReadonlyMap<string, Service>;
  readonly vpcId: string | undefined;
  readonly clusterName: string | undefined;
  readonly group: string;
  readonly explicit: boolean;
  readonly targetGroups: Map<string, TargetGroupView>;
  readonly notes: LbSource[];
  /** ports the targets receive on, for the backend security-group rules */
  readonly backendPorts: Map<string, string>;
}

export function findService(ctx: BuildContext, namespace: string, name: string): Service | undefined {
  return ctx.services.get(`${namespace}/${name}`);
}
