import type { ManagedSecurityGroupRules } from "../types.js";
import type { BuildContext } from "./build-task.js";
import type { ListenPortConfig } from "./model-build-listener.js";

/**
 * The security-group rules the controller manages for the load balancer and its targets
 * (pkg/ingress/model_build_managed_sg.go, pkg/targetgroupbinding).
 */

export function describeManagedRules(
  ctx: BuildContext,
  ports: ReadonlyMap<number, ListenPortConfig>,
  securityGroups: { ids: readonly string[]; manageBackendRules: boolean } | undefined,
): ManagedSecurityGroupRules {
  const targetPorts = [...ctx.backendPorts.entries()].map(([tg, port]) => `tcp ${port} (${tg})`);
  if (securityGroups === undefined) {
    const frontend: string[] = [];
    for (const [port, cfg] of [...ports.entries()].sort((a, b) => a[0] - b[0])) {
      for (const cidr of cfg.cidrs4) frontend.push(`managed security group: inbound tcp ${port} from ${cidr}`);
    }
    const enableBackend = ctx.options.enableBackendSecurityGroup ?? true;
    const backendSg = enableBackend
      ? "the shared backend security group (k8s-traffic-CLUSTER-…), attached to the load balancer"
      : "the managed frontend security group";
    return {
      frontend,
      backend: targetPorts.map((p) => `targets' ENI security groups: inbound ${p} from ${backendSg}`),
    };
  }
  return {
    frontend: [
      `security groups ${securityGroups.ids.join(", ")} from the security-groups annotation: the controller adds no inbound rules to them`,
    ],
    backend: securityGroups.manageBackendRules
      ? targetPorts.map(
          (p) =>
            `targets' ENI security groups: inbound ${p} from the shared backend security group (k8s-traffic-CLUSTER-…), attached to the load balancer`,
        )
      : [
          "manage-backend-security-group-rules is off: the controller adds no rules for the targets; their security groups must admit the load balancer's",
        ],
  };
}
