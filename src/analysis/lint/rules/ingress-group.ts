/**
 * An IngressGroup the AWS Load Balancer Controller refuses: the first error of its model build
 * (kubernetes-sigs/aws-load-balancer-controller pkg/ingress/model_builder.go Build, group_loader.go
 * loadGroupID / sortGroupMembers, model_build_load_balancer.go: scheme, IP address type, subnets,
 * security groups and name must agree across the members) stops the whole group: the controller
 * records "Failed build model due to …" on every member and changes nothing on AWS. The build is
 * the path engine's own model of the controller (src/analysis/paths/load-balancers/controller/).
 */
import type { Ingress } from "../../../model/kubernetes.js";
import type { UnreconciledGroup } from "../../paths/load-balancers/types.js";
import type { LintContext } from "../context.js";
import type { LintFinding, LintObject, LintRule } from "../types.js";

const FIXES: Readonly<Record<UnreconciledGroup["code"], string>> = {
  conflict:
    "make every Ingress of the group agree on the setting the message names (same annotation value on each member, or set it on one member only), or move the odd Ingress to its own alb.ingress.kubernetes.io/group.name",
  "invalid-annotation": "correct the annotation value the message names to one the controller accepts",
  missing:
    "create the object the message names (Service, port, actions.NAME annotation, subnet), or remove the reference",
  "invalid-spec": "correct the Ingress spec the message names (paths, backends, default backend)",
};

/** The member whose document holds the error's position (the annotation or path that failed), else the first. */
function culprit(group: UnreconciledGroup, ingresses: readonly Ingress[]): Ingress | undefined {
  const members = ingresses.filter((i) =>
    group.ingresses.some((r) => r.namespace === i.namespace && r.name === i.name),
  );
  const sameFile = members.filter(
    (i) => i.meta.source.file === group.source.file && i.meta.source.line <= group.source.line,
  );
  return sameFile.sort((a, b) => b.meta.source.line - a.meta.source.line)[0] ?? members[0];
}

export const ingressGroupRefused: LintRule<LintContext> = {
  id: "ingress-group-refused",
  severity: "error",
  title: "an IngressGroup the AWS Load Balancer Controller refuses to build (no ALB change for any of its Ingresses)",
  upstream: "aws-load-balancer-controller pkg/ingress/model_builder.go, group_loader.go, model_build_load_balancer.go",
  helpUri:
    "https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#ingressgroup",
  check(ctx) {
    const findings: LintFinding[] = [];
    const ingresses = ctx.snapshot.kubernetes.ingresses;
    for (const group of ctx.controller.unreconciled) {
      const first = culprit(group, ingresses);
      const objects: LintObject[] = [];
      if (first) objects.push({ kind: "Ingress", namespace: first.namespace, name: first.name, source: group.source });
      for (const r of group.ingresses)
        if (!(first && r.namespace === first.namespace && r.name === first.name))
          objects.push({ kind: "Ingress", namespace: r.namespace, name: r.name, source: r.source });
      const members = group.ingresses.map((r) => `${r.namespace}/${r.name}`).join(", ");
      findings.push({
        ruleId: this.id,
        severity: this.severity,
        message: `the AWS Load Balancer Controller refuses IngressGroup ${group.group} (${members}): "${group.message}"; it changes nothing on AWS for any Ingress of the group until this is fixed`,
        objects,
        fix: FIXES[group.code],
      });
    }
    return findings;
  },
};
