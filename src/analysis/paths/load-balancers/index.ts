/**
 * The load-balancer layer of the path engine: ALBs observed in `aws elbv2 describe-*` JSON or
 * derived from Ingresses as the AWS Load Balancer Controller builds them, and how they route a
 * request (listener, rule, action, target group, targets).
 */
export type {
  ActionView,
  HttpRequest,
  IgnoredIngress,
  IngressGroupView,
  IngressRef,
  IngressRouteSketch,
  LbMatch,
  LbSource,
  ListenerView,
  LoadBalancerModel,
  LoadBalancerView,
  ManagedSecurityGroupRules,
  RuleCondition,
  RuleMiss,
  RuleView,
  TargetGroupView,
  TargetView,
  UnreconciledGroup,
} from "./types.js";
export {
  heaviestTargetGroup,
  loadBalancerForHost,
  loadBalancersOf,
  matchRequest,
  matchRequestAt,
  targetGroupOf,
} from "./model.js";
export { deriveFromIngresses, pathPatterns, type ControllerOptions } from "./controller.js";
export { conditionMatches, wildcardMatches } from "./listener-rules.js";
