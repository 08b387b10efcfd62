import type { SourceRef } from "../../../../model/source.js";
import { annotation } from "./annotations.js";
import type { ClassifiedIngress } from "./group-loader.js";

/** An annotation across the members of a group: who sets it, to what, and where a conflict shows. */

/** The members that set the annotation, in member order, with its value (buildLoadBalancerScheme and friends). */
export function annotated(
  members: readonly ClassifiedIngress[],
  suffix: string,
): { m: ClassifiedIngress; value: string }[] {
  const out: { m: ClassifiedIngress; value: string }[] = [];
  for (const m of members) {
    const value = annotation(m.ingress, suffix);
    if (value !== undefined) out.push({ m, value });
  }
  return out;
}

export function explicitValues(members: readonly ClassifiedIngress[], suffix: string): Set<string> {
  return new Set(annotated(members, suffix).map((a) => a.value));
}

/** The first member that sets the annotation (to `value`, when given), else the first member. */
export function sourceOfAnnotation(members: readonly ClassifiedIngress[], suffix: string, value?: string): SourceRef {
  return (annotated(members, suffix).find((a) => value === undefined || a.value === value)?.m ?? members[0]!).ingress
    .meta.source;
}

/** The first member whose value of the annotation differs from the first one given: where a conflict shows. */
export function conflictSource(members: readonly ClassifiedIngress[], suffix: string): SourceRef {
  const given = annotated(members, suffix);
  return ((given.find((a) => a.value !== given[0]!.value) ?? given[0])?.m ?? members[0]!).ingress.meta.source;
}
