import type { SourceRef } from "../../../model/source.js";
import type { BuildErrorCode } from "./build-result.js";

/**
 * The load-balancer layer of the path engine: Application Load Balancers as the snapshot shows
 * them (`aws elbv2 describe-*` JSON) or as the AWS Load Balancer Controller would build them from
 * the cluster's Ingresses, and how they route one HTTP request.
 *
 * Every view cites the object that made it (`source`): the elbv2 JSON element, or for a derived
 * load balancer the Ingress (path) it was built from.
 */

/** A cited statement: what was decided or assumed, and the object that says so. */
export interface LbSource {
  readonly what: string;
  readonly source: SourceRef | undefined;
}

/** An Ingress, named and cited. */
export interface IngressRef {
  readonly namespace: string;
  readonly name: string;
  readonly source: SourceRef;
}

/** An Ingress the controller does not manage, why, and the object that decides it (the Ingress or its IngressClass). */
export interface IgnoredIngress extends LbSource {
  readonly ingress: IngressRef;
}

export type ActionView =
  | { readonly type: "forward"; readonly targetGroups: readonly { readonly id: string; readonly weight: number }[] }
  | {
      readonly type: "redirect";
      readonly protocol?: string | undefined;
      readonly port?: string | undefined;
      readonly host?: string | undefined;
      readonly path?: string | undefined;
      readonly query?: string | undefined;
      /** as the ELB API spells it: HTTP_301 or HTTP_302 */
      readonly statusCode: string;
    }
  | {
      readonly type: "fixed-response";
      readonly statusCode: string;
      readonly contentType?: string | undefined;
      readonly messageBody?: string | undefined;
    };

export interface RuleCondition {
  /** host-header, path-pattern, http-request-method, http-header, query-string, source-ip */
  readonly field: string;
  /**
   * ORed. http-header values read "Name: value"; query-string values "key=value" (or "value"
   * for a value-only pair), as src/load/aws/elbv2.ts converts them.
   */
  readonly values: readonly string[];
}

export interface RuleView {
  /** the rule ARN; for a derived rule `ingress-group:GROUP:PORT:PRIORITY` (or `…:default`) */
  readonly id: string;
  readonly priority: number | "default";
  /** ANDed */
  readonly conditions: readonly RuleCondition[];
  /** in order; an authenticate action is not listed here but in `authenticate` */
  readonly actions: readonly ActionView[];
  /** the rule authenticates first (authenticate-oidc / authenticate-cognito) */
  readonly authenticate?: string | undefined;
  /** the Ingress (and path) the rule comes from, when known */
  readonly ingress: { readonly namespace: string; readonly name: string } | undefined;
  /** "priority 1: host growbin.app, path /argocd, /argocd/*" */
  readonly description: string;
  readonly source: SourceRef;
}

export interface ListenerView {
  readonly id: string;
  readonly port: number;
  readonly protocol: string;
  /** priority order, the default rule last */
  readonly rules: readonly RuleView[];
  readonly certificateArns?: readonly string[] | undefined;
  readonly source: SourceRef;
}

export interface TargetView {
  readonly kind: "instance" | "ip";
  /** instance id or ip */
  readonly id: string;
  /** the address packets go to: the instance's private IP, or the pod IP */
  readonly ip: string;
  readonly port: number;
  /** the Kubernetes node: the instance's node, or the node the pod runs on */
  readonly node: string | undefined;
  /** TargetHealth State (healthy, unhealthy, initial, draining, unused, unavailable); undefined when derived */
  readonly health: string | undefined;
  readonly reason?: string | undefined;
  /** the pod of an ip target, when known */
  readonly pod?: { readonly namespace: string; readonly name: string } | undefined;
  readonly source: SourceRef | undefined;
}

export interface TargetGroupView {
  /** the target group ARN; for a derived one the controller's resource id `NS/INGRESS-SERVICE:PORT` */
  readonly id: string;
  readonly name: string;
  readonly targetType: "instance" | "ip" | string;
  readonly protocol: string | undefined;
  readonly port: number | undefined;
  /** the Service behind it (the Ingress backend's port: number or name) */
  readonly service: { readonly namespace: string; readonly name: string; readonly port: number | string } | undefined;
  readonly targets: readonly TargetView[];
  /** where the targets come from: describe-target-health, or derived as the controller registers them */
  readonly targetsFrom: "target-health" | "derived" | "none";
  readonly healthCheck?:
    | { readonly protocol: string | undefined; readonly port: string | undefined; readonly path: string | undefined }
    | undefined;
  /**
   * Whether a Network Load Balancer keeps the client's address toward the targets
   * (`preserve_client_ip.enabled`), and why; undefined for an ALB (a proxy).
   */
  readonly preserveClientIp?: { readonly enabled: boolean; readonly why: string } | undefined;
  readonly notes: readonly LbSource[];
  readonly source: SourceRef;
}

/** The security-group rules the controller manages for a derived load balancer (informative). */
export interface ManagedSecurityGroupRules {
  /** the frontend (load balancer) security group's inbound rules, or why there are none */
  readonly frontend: readonly string[];
  /** the backend rules: the load balancer to the targets' ENIs */
  readonly backend: readonly string[];
}

export interface LoadBalancerView {
  /**
   * observed from `aws elbv2 describe-*` JSON, or derived as the AWS Load Balancer Controller would
   * build it from the Ingresses, or (a Service of type LoadBalancer) as the AWS Load Balancer
   * Controller or the in-tree cloud provider would build it from the Service
   */
  readonly origin: "elbv2" | "ingress" | "service";
  readonly id: string;
  readonly name: string;
  /** `classic`: the in-tree cloud provider's Classic ELB for a Service without an NLB annotation */
  readonly type: "application" | "network" | "gateway" | "classic";
  /** the Service of type LoadBalancer it serves (an NLB or Classic ELB), when known */
  readonly service?: { readonly namespace: string; readonly name: string; readonly source: SourceRef } | undefined;
  readonly scheme: "internet-facing" | "internal";
  readonly dnsName: string | undefined;
  readonly vpcId: string | undefined;
  readonly subnetIds: readonly string[];
  /** the ALB's ENI addresses per subnet; a derived load balancer's private IPs are unknown */
  readonly addresses: readonly {
    readonly subnetId: string;
    readonly privateIp: string | undefined;
    readonly publicIp: string | undefined;
  }[];
  readonly securityGroupIds: readonly string[];
  /** the Ingresses served by this load balancer */
  readonly ingresses: readonly IngressRef[];
  readonly listeners: readonly ListenerView[];
  /** the IngressGroup (explicit name, or `namespace/name` for an implicit group), when known */
  readonly group: string | undefined;
  readonly state?: string | undefined;
  readonly managedSecurityGroupRules?: ManagedSecurityGroupRules | undefined;
  /** for an observed load balancer: what the controller would build from the Ingresses now */
  readonly derived?: LoadBalancerView | undefined;
  /** differences between the observed rules and the derived ones */
  readonly drift?: readonly string[] | undefined;
  readonly notes: readonly LbSource[];
  readonly source: SourceRef;
}

/** An IngressGroup the controller refuses to build: every Ingress of it is left as it was. */
export interface UnreconciledGroup {
  readonly group: string;
  readonly ingresses: readonly IngressRef[];
  /** what kind of refusal (build-result.ts) */
  readonly code: BuildErrorCode;
  /** the controller's own wording (its FailedBuildModel event, or the error it logs) */
  readonly message: string;
  readonly source: SourceRef;
}

/** An Ingress the controller manages, and its group. */
export interface IngressGroupView {
  readonly group: string;
  readonly explicit: boolean;
  /** sorted by group.order, then namespace/name */
  readonly ingresses: readonly IngressRef[];
  /** the load balancer serving it (observed, else derived); undefined when unreconciled and unobserved */
  readonly loadBalancerId: string | undefined;
  readonly unreconciled: UnreconciledGroup | undefined;
}

/**
 * One Ingress path as the rule the controller would make of it (host-header and path-pattern
 * values), computed even when the group cannot be built: used to find the load balancer for a
 * host, to tie observed rules to their Ingress, and to see which requests an unreconciled group
 * would have served.
 */
export interface IngressRouteSketch {
  readonly namespace: string;
  readonly name: string;
  readonly group: string | undefined;
  /** false: not the AWS Load Balancer Controller's Ingress (another class) */
  readonly managed: boolean;
  readonly host: string | undefined;
  readonly paths: readonly string[];
  readonly source: SourceRef;
}

export interface LoadBalancerModel {
  readonly loadBalancers: readonly LoadBalancerView[];
  readonly targetGroups: Map<string, TargetGroupView>;
  readonly unreconciled: readonly UnreconciledGroup[];
  readonly groups: readonly IngressGroupView[];
  readonly routes: readonly IngressRouteSketch[];
  /** Ingresses the controller ignores, and why (another class, an unknown IngressClass, …) */
  readonly ignored: readonly IgnoredIngress[];
  readonly notes: readonly LbSource[];
}

export interface HttpRequest {
  readonly scheme: "http" | "https";
  readonly host: string;
  readonly port: number;
  /** the path without the query string */
  readonly path: string;
  /** default GET */
  readonly method?: string | undefined;
  /** header name → value (names case-insensitive); the Host header is `host` */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** the query string, without "?" */
  readonly query?: string | undefined;
  /** the client address the load balancer sees (for source-ip conditions) */
  readonly sourceIp?: string | undefined;
}

/** A rule tried before the one that matched, and the condition it failed on. */
export interface RuleMiss {
  readonly rule: RuleView;
  readonly failed: string;
}

interface MatchCommon {
  readonly loadBalancer: LoadBalancerView;
  readonly listener: ListenerView;
  readonly rule: RuleView;
  /** the rules tried first, each with the condition that did not match */
  readonly skipped: readonly RuleMiss[];
  readonly notes: readonly string[];
}

export type LbMatch =
  | (MatchCommon & {
      readonly kind: "forward";
      /** highest weight, first on ties */
      readonly targetGroup: TargetGroupView;
    })
  | (MatchCommon & { readonly kind: "redirect"; readonly location: string; readonly statusCode: string })
  | (MatchCommon & { readonly kind: "fixed-response"; readonly statusCode: string })
  | {
      readonly kind: "drop";
      readonly code: "NO_LISTENER" | "NO_MATCHING_RULE" | "INGRESS_NOT_RECONCILED" | "UNKNOWN_ENDPOINT";
      readonly message: string;
      readonly source: SourceRef | undefined;
      readonly loadBalancer: LoadBalancerView | undefined;
      readonly notes?: readonly string[] | undefined;
    };
