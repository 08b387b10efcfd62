/**
 * What the AWS Load Balancer Controller builds from the cluster's Ingresses, and what it refuses
 * to build (kubernetes-sigs/aws-load-balancer-controller, v2.9 to main):
 *
 * - pkg/ingress/group_loader.go: which Ingresses it manages (classifyIngress: the
 *   `kubernetes.io/ingress.class` annotation first, then spec.ingressClassName, then the default
 *   IngressClass; class_loader.go, class_annotation_matcher.go), their group (group.name, else an
 *   implicit group `namespace/name`) and its order (sortGroupMembers: group.order, then
 *   namespace/name).
 * - pkg/ingress/model_builder.go run(): listen ports per Ingress (model_build_listener.go),
 *   merged per port; the load balancer (model_build_load_balancer.go: scheme, IP address type,
 *   subnets, security groups, name — each must agree across the group); SSL redirect; per port a
 *   listener with its default actions and its rules (model_build_listener_rules.go, then
 *   rule_optimizer.go), priorities 1, 2, … in member order, then rule order, then path order.
 * - pkg/ingress/enhanced_backend_builder.go, model_build_actions.go,
 *   model_build_target_group.go: each path's backend becomes a forward to a target group (or the
 *   action of an `actions.NAME` annotation), with the conditions of `conditions.NAME`.
 *
 * The first error stops the build of the whole group: the controller records a FailedBuildModel
 * event "Failed build model due to …" on every member and changes nothing on AWS.
 *
 * Flags are taken at their defaults (--ingress-class alb, --default-target-type instance,
 * --default-load-balancer-scheme internal, --tolerate-non-existent-backend-service and
 * -action true, --enable-backend-security-group true,
 * --enable-manage-backend-security-group-rules false); ControllerOptions changes them.
 * IngressClassParams, auth annotations, ACM certificate discovery and regex path matching are not
 * modelled (a note says so when they would matter).
 *
 * One module per upstream file, in controller/: group-loader.ts (group_loader.go, class_loader.go),
 * model-builder.ts (model_builder.go, with build-task.ts its per-group state),
 * model-build-listener.ts, model-build-listener-rules.ts, rule-optimizer.ts,
 * model-build-load-balancer.ts, subnet-resolver.ts (pkg/networking/subnet_resolver.go),
 * model-build-managed-sg.ts, enhanced-backend-builder.ts, model-build-actions.ts,
 * model-build-target-group.ts, config-types.ts, annotations.ts (what the controller adds to the
 * shared parser, src/model/annotations.ts after pkg/annotations/parser.go),
 * config.ts (the flags, pkg/config); common.ts and group-annotations.ts what several share;
 * every build step returns a BuildResult (../build-result.ts);
 * route-sketches.ts is podpath's own. This file is the entry point.
 */
export { ingressRef } from "./controller/common.js";
export type { ControllerOptions } from "./controller/config.js";
export type { ClassifiedIngress } from "./controller/group-loader.js";
export { pathPatterns } from "./controller/model-build-listener-rules.js";
export { generatedNamePattern } from "./controller/model-build-load-balancer.js";
export { deriveFromIngresses, type DerivedGroup } from "./controller/model-builder.js";
