import type { Ingress, IngressClass } from "../../../../model/kubernetes.js";
import type { Snapshot } from "../../../../model/snapshot.js";
import type { SourceRef } from "../../../../model/source.js";
import type { IgnoredIngress, UnreconciledGroup } from "../types.js";
import { ALB_ANNOTATIONS, annotationErrorMessage } from "../../../../model/annotations.js";
import { annotation } from "./annotations.js";
import { fail, ok, type BuildResult } from "../build-result.js";
import { ingressRef, key } from "./common.js";
import type { ControllerOptions } from "./config.js";

/**
 * Which Ingresses the controller manages, and their groups (pkg/ingress/group_loader.go,
 * class_loader.go, class_annotation_matcher.go).
 */

const ALB_CONTROLLER = "ingress.k8s.aws/alb";
const CLASS_ANNOTATION = "kubernetes.io/ingress.class";

export interface ClassifiedIngress {
  readonly ingress: Ingress;
  readonly group: string;
  readonly explicit: boolean;
  /** group.order, or the controller's error for it */
  readonly order: BuildResult<number>;
}

export interface Classification {
  readonly members: ReadonlyMap<string, readonly ClassifiedIngress[]>;
  readonly refused: readonly UnreconciledGroup[];
  readonly ignored: readonly IgnoredIngress[];
}

const GROUP_NAME = /^([a-z0-9][-a-z0-9.]*)?[a-z0-9]$/;

/** Which Ingresses the controller manages, and their groups. */
export function classifyIngresses(snapshot: Snapshot, options: ControllerOptions = {}): Classification {
  const ingressClass = options.ingressClass ?? "alb";
  const classes = new Map<string, IngressClass>(snapshot.kubernetes.ingressClasses.map((c) => [c.name, c]));
  const defaults = snapshot.kubernetes.ingressClasses.filter((c) => c.isDefault);
  const members = new Map<string, ClassifiedIngress[]>();
  const refused: UnreconciledGroup[] = [];
  const ignored: IgnoredIngress[] = [];
  const ignore = (ing: Ingress, what: string, source: SourceRef = ing.meta.source): void => {
    ignored.push({ what: `Ingress ${key(ing)}${what}`, source, ingress: ingressRef(ing) });
  };

  for (const ing of snapshot.kubernetes.ingresses) {
    const classAnnotation = ing.meta.annotations[CLASS_ANNOTATION];
    if (classAnnotation !== undefined) {
      // the annotation takes priority over spec.ingressClassName
      if (classAnnotation !== ingressClass) {
        ignore(
          ing,
          `: ${CLASS_ANNOTATION} ${JSON.stringify(classAnnotation)} is not the controller's class ${JSON.stringify(ingressClass)}`,
        );
        continue;
      }
    } else {
      // with no annotation, the model's ingressClassName is spec.ingressClassName
      let className = ing.ingressClassName;
      if (className === undefined) {
        if (defaults.length > 1) {
          refused.push({
            group: key(ing),
            ingresses: [ingressRef(ing)],
            code: "conflict",
            message: "multiple default IngressClasses found",
            source: ing.meta.source,
          });
          continue;
        }
        if (defaults.length === 0) {
          ignore(ing, " names no IngressClass and there is no default IngressClass");
          continue;
        }
        className = defaults[0]!.name;
      }
      const cls = classes.get(className);
      if (!cls) {
        ignore(ing, `: invalid ingress class: ingressclasses.networking.k8s.io ${JSON.stringify(className)} not found`);
        continue;
      }
      if (cls.controller !== ALB_CONTROLLER) {
        ignore(
          ing,
          `: IngressClass ${cls.name} belongs to ${cls.controller || "no controller"}, not ${ALB_CONTROLLER}`,
          cls.meta.source,
        );
        continue;
      }
    }
    const groupName = annotation(ing, "group.name");
    let group = key(ing);
    let explicit = false;
    if (groupName !== undefined) {
      let invalid: string | undefined;
      if (!GROUP_NAME.test(groupName))
        invalid =
          "groupName must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
      else if (groupName.length > 63) invalid = "groupName must be no more than 63 characters";
      if (invalid) {
        // errInvalidIngressGroup: the Ingress belongs to no group, nothing is built for it
        refused.push({
          group: groupName,
          ingresses: [ingressRef(ing)],
          code: "invalid-annotation",
          message: `invalid ingress group: ${invalid}`,
          source: ing.meta.source,
        });
        continue;
      }
      group = groupName;
      explicit = true;
    }
    const parsed = ALB_ANNOTATIONS.parseInt32Annotation("group.order", ing.meta.annotations);
    let order: BuildResult<number>;
    if (!parsed.ok)
      order = fail(
        "invalid-annotation",
        `failed to load Ingress group order for ingress: ${key(ing)}: ${annotationErrorMessage(parsed.error)}`,
        ing.meta.source,
      );
    else if (parsed.value !== undefined && (parsed.value < -1000 || parsed.value > 1000))
      order = fail(
        "invalid-annotation",
        `explicit Ingress group order must be within [-1000:1000], Ingress: ${key(ing)}, order: ${parsed.value}`,
        ing.meta.source,
      );
    else order = ok(parsed.value ?? 0);
    const list = members.get(group) ?? [];
    list.push({ ingress: ing, group, explicit, order });
    members.set(group, list);
  }
  return { members, refused, ignored };
}

/** sortGroupMembers: by group.order, then by namespace/name; the first member's order error stops it. */
export function sortMembers(members: readonly ClassifiedIngress[]): BuildResult<ClassifiedIngress[]> {
  const orders = new Map<ClassifiedIngress, number>();
  for (const m of members) {
    if (!m.order.ok) return m.order;
    orders.set(m, m.order.value);
  }
  return ok(
    [...members].sort(
      (a, b) =>
        orders.get(a)! - orders.get(b)! ||
        (key(a.ingress) < key(b.ingress) ? -1 : key(a.ingress) > key(b.ingress) ? 1 : 0),
    ),
  );
}
