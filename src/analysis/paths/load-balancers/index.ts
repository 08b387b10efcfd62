/**
 * The load-balancer layer of the path engine: ALBs observed in `aws elbv2 describe-*` JSON or
 * derived from Ingresses as the AWS Load Balancer Controller builds them, and how they route a
 * request (listener, rule, action, target group, targets).
 */
export type {
  HttpRequest,
  LbMatch,
  ListenerView,
  LoadBalancerModel,
  LoadBalancerView,
  RuleCondition,
  RuleView,
  TargetGroupView,
  TargetView,
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
