import type { ActionView } from "../types.js";

/** The shapes of the `actions.NAME` annotation (pkg/ingress/config_types.go). */

export interface TargetGroupTuple {
  readonly serviceName: string | undefined;
  readonly servicePort: number | string | undefined;
  readonly arn: string | undefined;
  readonly weight: number | undefined;
}

export type BackendAction =
  | { readonly type: "forward"; readonly tuples: readonly TargetGroupTuple[] }
  | { readonly type: "redirect"; readonly action: Extract<ActionView, { type: "redirect" }> }
  | { readonly type: "fixed-response"; readonly action: Extract<ActionView, { type: "fixed-response" }> };
