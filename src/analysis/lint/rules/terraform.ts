/**
 * terraform-sg-mixed-rules: a security group read from a Terraform state whose rules
 * are written both as its own `ingress`/`egress` blocks and as separate rule resources
 * (aws_security_group_rule, aws_vpc_security_group_ingress_rule / _egress_rule). The AWS
 * provider's docs (resources/security_group): "You should not use the aws_security_group
 * resource with in-line rules (using the ingress and egress arguments of aws_security_group) in
 * conjunction with the aws_vpc_security_group_egress_rule and aws_vpc_security_group_ingress_rule
 * resources or the aws_security_group_rule resource. Doing so may cause rule conflicts, perpetual
 * differences, and result in rules being overwritten." — the next apply removes what the other
 * side wrote, so the rules the snapshot shows may not survive it.
 *
 * The state's inline blocks list every rule of the group after a refresh, those of the rule
 * resources included; only inline rules no rule resource writes count (the loader's
 * `SecurityGroup.terraformRules.inlineRules`), so a group managed by rule resources alone is not
 * reported.
 */
import { awsObject, type LintContext } from "../context.js";
import type { LintFinding, LintRule } from "../types.js";

export const terraformInlineAndRuleResources: LintRule<LintContext> = {
  id: "terraform-sg-mixed-rules",
  severity: "warning",
  title:
    "a Terraform-managed security group with inline ingress/egress rules and separate rule resources: the provider documents that they conflict and overwrite each other on apply",
  upstream: "terraform-provider-aws docs, resources/security_group (in-line rules with rule resources)",
  helpUri: "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/security_group",
  check(ctx) {
    const findings: LintFinding[] = [];
    for (const group of ctx.snapshot.aws.securityGroups) {
      const rules = group.terraformRules;
      if (!rules || rules.inlineRules === 0 || rules.ruleResources.length === 0) continue;
      const resources = rules.ruleResources.map((s) => s.address ?? "").filter((a) => a !== "");
      findings.push({
        ruleId: this.id,
        severity: this.severity,
        message: `security group ${group.id}${group.name ? ` (${group.name})` : ""} has ${rules.inlineRules} inline rule${rules.inlineRules === 1 ? "" : "s"} in ${group.source.address ?? "its resource"} that no rule resource writes (written inline, or added outside Terraform) and ${resources.length} separate rule resource${resources.length === 1 ? "" : "s"} (${resources.join(", ")}): the next apply makes each side remove what the other wrote, so these rules may not survive it`,
        objects: [
          awsObject("SecurityGroup", group.id, rules.inlineSource),
          ...rules.ruleResources.map((s) => awsObject("SecurityGroupRule", s.address ?? group.id, s)),
        ],
        fix: `write every rule of ${group.id} one way: move the inline ingress/egress blocks into aws_vpc_security_group_ingress_rule / _egress_rule resources (the provider's recommended style) and remove the blocks, or fold the rule resources into the group's blocks`,
      });
    }
    return findings;
  },
};
