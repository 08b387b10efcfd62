/**
 * The load-balancer layer of the path engine: ALBs observed in `aws elbv2 describe-*` JSON or
 * derived from Ingresses as the AWS Load Balancer Controller builds them, and how they route a
 * request (listener, rule, action, target group, targets).
 */
export type {
  ActionView,
  HttpRequest,
  IngressGroupView,
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
export { loadBalancerForHost, loadBalancersOf, matchRequest } from "./model.js";
export { classifyIngresses, deriveFromIngresses, pathPatterns, sortIngressPaths, type ControllerModel, type ControllerOptions, type DerivedGroup } from "./controller.js";
export { conditionMatches, describeRule, evaluateListener, normalizeHost, redirectLocation, wildcardMatches, type ListenerEvaluation } from "./listener-rules.js";
export { deriveInstanceTargets, deriveIpTargets, instanceIdOfNode, nodeInstanceIndex, trafficProxyNodes } from "./targets.js";
export { eniDescriptionOf } from "./elbv2.js";
