/**
 * The controller's flags (pkg/config: controller_config.go, ingress_config.go), at their defaults
 * unless set.
 */

export interface ControllerOptions {
  /** --ingress-class (default "alb") */
  readonly ingressClass?: string;
  /** --tolerate-non-existent-backend-service (default true): a missing Service becomes a 503 */
  readonly tolerateNonExistentBackendService?: boolean;
  /** --tolerate-non-existent-backend-action (default true) */
  readonly tolerateNonExistentBackendAction?: boolean;
  /** --default-target-type (default instance) */
  readonly defaultTargetType?: string;
  /** --default-load-balancer-scheme (default internal) */
  readonly defaultScheme?: string;
  /** --enable-backend-security-group (default true) */
  readonly enableBackendSecurityGroup?: boolean;
  /** --enable-manage-backend-security-group-rules (default false) */
  readonly enableManageBackendSecurityGroupRules?: boolean;
  /** --cluster-name; default: from the `kubernetes.io/cluster/NAME` tag of the nodes' instances or subnets */
  readonly clusterName?: string;
  /** --aws-vpc-id; default: the VPC of the nodes' instances */
  readonly vpcId?: string;
}
