/**
 * The AWS half of `podpath snapshot capture`: the network around the cluster through the AWS SDK
 * v3 (EC2 and ELBv2 clients: the default credential chain, --region, --profile, the SDK's
 * paginators and its standard retry strategy for throttling, @smithy/util-retry), written as the
 * AWS CLI prints it (`aws ec2 describe-vpcs` → `{"Vpcs": […]}`, PascalCase keys as the SDK
 * returns them, pages merged as the CLI's auto-pagination does) so src/load/aws reads it
 * unchanged. Scope: the VPCs the cluster's nodes live in (node providerIDs, else InternalIPs →
 * DescribeInstances) unless --all-vpcs; the load balancers tagged for the cluster
 * (aws-load-balancer-controller pkg/deploy/tracking/provider.go: `elbv2.k8s.aws/cluster`
 * clusterNameTagKey, `ingress.k8s.aws/cluster` clusterNameTagKeyLegacy, `kubernetes.io/cluster/NAME`
 * among LegacyTagKeys) or named by an Ingress's or Service's status; managed prefix
 * lists that security groups or routes reference. Read-only: Describe* and Get* only
 * (IAM_ACTIONS; examples/capture/iam-policy.json grants exactly these, a test checks both).
 */
import {
  EC2Client,
  paginateDescribeInstances,
  paginateDescribeInternetGateways,
  paginateDescribeManagedPrefixLists,
  paginateDescribeNatGateways,
  paginateDescribeNetworkAcls,
  paginateDescribeNetworkInterfaces,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVpcs,
  paginateGetManagedPrefixListEntries,
  type Filter,
} from "@aws-sdk/client-ec2";
import {
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  paginateDescribeListeners,
  paginateDescribeLoadBalancers,
  paginateDescribeRules,
  paginateDescribeTargetGroups,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { UserError } from "../model/errors.js";
import type { CaptureLog } from "./log.js";

/** Every AWS API action a capture calls: read-only. */
export const IAM_ACTIONS = [
  "ec2:DescribeInstances",
  "ec2:DescribeVpcs",
  "ec2:DescribeSubnets",
  "ec2:DescribeRouteTables",
  "ec2:DescribeInternetGateways",
  "ec2:DescribeNatGateways",
  "ec2:DescribeNetworkAcls",
  "ec2:DescribeSecurityGroups",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribeManagedPrefixLists",
  "ec2:GetManagedPrefixListEntries",
  "elasticloadbalancing:DescribeLoadBalancers",
  "elasticloadbalancing:DescribeTags",
  "elasticloadbalancing:DescribeListeners",
  "elasticloadbalancing:DescribeRules",
  "elasticloadbalancing:DescribeTargetGroups",
  "elasticloadbalancing:DescribeTargetHealth",
  "elasticloadbalancing:DescribeTargetGroupAttributes",
] as const;

type IamAction = (typeof IAM_ACTIONS)[number];

export interface AwsCaptureOptions {
  readonly region?: string | undefined;
  readonly profile?: string | undefined;
  readonly allVpcs?: boolean | undefined;
  readonly vpcIds?: readonly string[] | undefined;
  /** an endpoint for both clients (tests; the SDK reads AWS_ENDPOINT_URL_* as well) */
  readonly endpoint?: string | undefined;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
}

export interface ClusterHints {
  readonly nodes: readonly { providerID: string | undefined; internalIPs: readonly string[] }[];
  readonly loadBalancerHosts: readonly string[];
}

export interface AwsFile {
  /** relative to the capture directory: aws/… */
  readonly path: string;
  readonly json: Record<string, unknown>;
  readonly targetGroupArn?: string;
  readonly prefixListId?: string;
}

type Page = object;

/** AWS errors that mean "not allowed": recorded as warnings, the rest is captured */
const DENIED = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess"]);

/**
 * The CLI's timestamps: botocore parses them to a datetime in UTC and awscli's JSON formatter prints
 * its isoformat(): `2024-01-15T08:30:00+00:00`, microseconds only when there are some.
 */
function cliTimestamp(date: Date): string {
  const iso = date.toISOString(); // 2024-01-15T08:30:00.123Z
  const ms = iso.slice(20, 23);
  return `${iso.slice(0, 19)}${ms === "000" ? "" : `.${ms}000`}+00:00`;
}

/** SDK output → the JSON the CLI prints: no $metadata, no pagination tokens, timestamps as strings */
function cliJson(value: unknown): unknown {
  if (value instanceof Date) return cliTimestamp(value);
  if (Array.isArray(value)) return value.map(cliJson);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined || key === "$metadata") continue;
    out[key] = cliJson(v);
  }
  return out;
}

/** a zone's region: ap-northeast-2a → ap-northeast-2 (local zones: us-east-1-bos-1a → us-east-1) */
function regionOfZone(zone: string): string | undefined {
  return /^([a-z]{2}(?:-gov)?-[a-z]+-\d+)/.exec(zone)?.[1];
}

/** the instance of a node: its providerID `aws:///ZONE/i-…` (cloud-provider-aws instances.go parseInstanceIDFromProviderID) */
const instanceIdOf = (providerID: string | undefined) =>
  /^aws:\/\/\/[^/]*\/(i-[0-9A-Za-z]+)$/.exec(providerID ?? "")?.[1];

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** a filename-safe form of a name, as scripts/capture-snapshot.sh `safe` */
const safe = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, "_");

class Calls {
  readonly made: IamAction[] = [];
  private fatal: Error | undefined;
  constructor(private readonly log: CaptureLog) {}

  /**
   * Runs one API call (all its pages) and returns the merged list under `key`, or undefined when
   * it failed: denied or unreadable is a warning naming the call; missing credentials or region
   * stops the capture.
   */
  async list(
    action: IamAction,
    key: string,
    pages: () => AsyncIterable<Page>,
    what = "",
  ): Promise<unknown[] | undefined> {
    if (this.fatal) throw this.fatal;
    this.made.push(action);
    const items: unknown[] = [];
    let count = 0;
    try {
      for await (const page of pages()) {
        count++;
        const list = (page as Record<string, unknown>)[key];
        if (Array.isArray(list)) items.push(...(list as unknown[]));
      }
    } catch (error) {
      this.failed(action, what, error);
      return undefined;
    }
    this.log.progress(`${action}${what}: ${items.length} (${count} ${count === 1 ? "page" : "pages"})`);
    return items;
  }

  async one(action: IamAction, what: string, call: () => Promise<Page>): Promise<Record<string, unknown> | undefined> {
    if (this.fatal) throw this.fatal;
    this.made.push(action);
    try {
      const page = (await call()) as Record<string, unknown>;
      this.log.progress(`${action}${what}`);
      return page;
    } catch (error) {
      this.failed(action, what, error);
      return undefined;
    }
  }

  private failed(action: IamAction, what: string, error: unknown): void {
    const e = error as { name?: string; message?: string; Code?: string };
    const name = e.Code ?? e.name ?? "Error";
    const message = (e.message ?? String(error)).split("\n")[0];
    if (name === "CredentialsProviderError" || /region is missing/i.test(message ?? "")) {
      this.fatal = new UserError(
        `${action}: ${message} (the AWS SDK's default credential chain: --profile, AWS_PROFILE, AWS_ACCESS_KEY_ID…; --region or AWS_REGION)`,
      );
      throw this.fatal;
    }
    const why = DENIED.has(name) ? "denied" : "could not be read";
    this.log.warn(`${action}${what} ${why}: ${name}: ${message}`);
  }
}

/** The AWS half: the files, and the actions called (a test compares them with IAM_ACTIONS). */
export async function captureAws(
  options: AwsCaptureOptions,
  cluster: ClusterHints,
  log: CaptureLog,
): Promise<{ files: AwsFile[]; calls: IamAction[] }> {
  const zoneRegion = cluster.nodes
    .map((n) => regionOfZone(/^aws:\/\/\/([^/]+)\//.exec(n.providerID ?? "")?.[1] ?? ""))
    .find((r) => r !== undefined);
  const config = {
    // the SDK's standard retry (throttling and transient errors, exponential backoff with jitter), five attempts instead of three
    maxAttempts: 5,
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  };
  // @aws-sdk/core emitWarningIfUnsupportedVersion prints a multi-line notice on Node < 22 at the
  // first client: podpath supports Node 20 with the SDK release its lockfile pins, so the notice
  // is noise on every capture (the user can still ask for it with the variable set to "false")
  process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";
  let ec2 = new EC2Client(config);
  let elb = new ElasticLoadBalancingV2Client(config);
  if (!options.region && zoneRegion) {
    // no --region: the SDK's (AWS_REGION, the profile's), else the nodes' zone's
    const configured = await ec2.config.region().catch(() => undefined);
    if (!configured) {
      // the clients without a region are replaced: destroyed first, as the finally below destroys their successors
      ec2.destroy();
      elb.destroy();
      ec2 = new EC2Client({ ...config, region: zoneRegion });
      elb = new ElasticLoadBalancingV2Client({ ...config, region: zoneRegion });
      log.progress(`aws: region ${zoneRegion}, from the nodes' providerIDs`);
    }
  }
  const calls = new Calls(log);
  const files: AwsFile[] = [];
  const add = (path: string, key: string, items: unknown[] | undefined, extra: Partial<AwsFile> = {}) => {
    if (items !== undefined) files.push({ path, json: { [key]: cliJson(items) }, ...extra });
  };
  try {
    // 1. the VPCs: named, every one, or those of the nodes' instances
    let vpcIds: string[] | undefined = options.vpcIds?.length ? [...options.vpcIds] : undefined;
    const instanceTags: { Key?: string; Value?: string }[] = [];
    if (!vpcIds && !options.allVpcs) {
      const ids = [...new Set(cluster.nodes.map((n) => instanceIdOf(n.providerID)).filter((i) => i !== undefined))];
      const ips = [...new Set(cluster.nodes.flatMap((n) => n.internalIPs))];
      const filters: Filter[][] = ids.length
        ? chunks(ids, 200).map((c) => [{ Name: "instance-id", Values: c }])
        : chunks(ips, 200).map((c) => [{ Name: "private-ip-address", Values: c }]);
      const found = new Set<string>();
      for (const Filters of filters) {
        const reservations = await calls.list(
          "ec2:DescribeInstances",
          "Reservations",
          () => paginateDescribeInstances({ client: ec2 }, { Filters }),
          " (the nodes' instances)",
        );
        for (const r of (reservations ?? []) as { Instances?: { VpcId?: string; Tags?: typeof instanceTags }[] }[])
          for (const i of r.Instances ?? []) {
            if (i.VpcId) found.add(i.VpcId);
            instanceTags.push(...(i.Tags ?? []));
          }
      }
      vpcIds = [...found].sort();
      if (vpcIds.length === 0) {
        log.warn(
          "no EC2 instance matches the cluster's nodes (their providerIDs or InternalIPs): no AWS layer captured; name the VPC with --vpc-id, or take every VPC with --all-vpcs",
        );
        return { files, calls: calls.made };
      }
      log.progress(`aws: the nodes live in ${vpcIds.join(", ")}`);
    }
    const inVpcs = (name: string): Filter[] => (vpcIds ? [{ Name: name, Values: vpcIds }] : []);
    const vpcFilter = inVpcs("vpc-id");
    add(
      "aws/ec2-describe-vpcs.json",
      "Vpcs",
      await calls.list("ec2:DescribeVpcs", "Vpcs", () =>
        paginateDescribeVpcs({ client: ec2 }, vpcIds ? { VpcIds: vpcIds } : {}),
      ),
    );
    add(
      "aws/ec2-describe-subnets.json",
      "Subnets",
      await calls.list("ec2:DescribeSubnets", "Subnets", () =>
        paginateDescribeSubnets({ client: ec2 }, { Filters: vpcFilter }),
      ),
    );
    const routeTables = await calls.list("ec2:DescribeRouteTables", "RouteTables", () =>
      paginateDescribeRouteTables({ client: ec2 }, { Filters: vpcFilter }),
    );
    add("aws/ec2-describe-route-tables.json", "RouteTables", routeTables);
    add(
      "aws/ec2-describe-internet-gateways.json",
      "InternetGateways",
      await calls.list("ec2:DescribeInternetGateways", "InternetGateways", () =>
        paginateDescribeInternetGateways({ client: ec2 }, { Filters: inVpcs("attachment.vpc-id") }),
      ),
    );
    add(
      "aws/ec2-describe-nat-gateways.json",
      "NatGateways",
      await calls.list("ec2:DescribeNatGateways", "NatGateways", () =>
        paginateDescribeNatGateways({ client: ec2 }, { Filter: vpcFilter }),
      ),
    );
    add(
      "aws/ec2-describe-network-acls.json",
      "NetworkAcls",
      await calls.list("ec2:DescribeNetworkAcls", "NetworkAcls", () =>
        paginateDescribeNetworkAcls({ client: ec2 }, { Filters: vpcFilter }),
      ),
    );
    const securityGroups = await calls.list("ec2:DescribeSecurityGroups", "SecurityGroups", () =>
      paginateDescribeSecurityGroups({ client: ec2 }, { Filters: vpcFilter }),
    );
    add("aws/ec2-describe-security-groups.json", "SecurityGroups", securityGroups);
    const reservations = await calls.list("ec2:DescribeInstances", "Reservations", () =>
      paginateDescribeInstances({ client: ec2 }, { Filters: vpcFilter }),
    );
    add("aws/ec2-describe-instances.json", "Reservations", reservations);
    for (const r of (reservations ?? []) as { Instances?: { Tags?: typeof instanceTags }[] }[])
      for (const i of r.Instances ?? []) instanceTags.push(...(i.Tags ?? []));
    add(
      "aws/ec2-describe-network-interfaces.json",
      "NetworkInterfaces",
      await calls.list("ec2:DescribeNetworkInterfaces", "NetworkInterfaces", () =>
        paginateDescribeNetworkInterfaces({ client: ec2 }, { Filters: vpcFilter }),
      ),
    );

    // 2. managed prefix lists that a security group rule or a route names, and their entries
    const referenced = new Set<string>();
    for (const sg of (securityGroups ?? []) as { IpPermissions?: unknown[]; IpPermissionsEgress?: unknown[] }[])
      for (const p of [...(sg.IpPermissions ?? []), ...(sg.IpPermissionsEgress ?? [])] as {
        PrefixListIds?: { PrefixListId?: string }[];
      }[])
        for (const pl of p.PrefixListIds ?? []) if (pl.PrefixListId) referenced.add(pl.PrefixListId);
    for (const rt of (routeTables ?? []) as { Routes?: { DestinationPrefixListId?: string }[] }[])
      for (const route of rt.Routes ?? [])
        if (route.DestinationPrefixListId) referenced.add(route.DestinationPrefixListId);
    const prefixLists = [...referenced].sort();
    if (prefixLists.length > 0) {
      add(
        "aws/ec2-describe-managed-prefix-lists.json",
        "PrefixLists",
        await calls.list("ec2:DescribeManagedPrefixLists", "PrefixLists", () =>
          paginateDescribeManagedPrefixLists({ client: ec2 }, { PrefixListIds: prefixLists }),
        ),
      );
      for (const id of prefixLists)
        add(
          `aws/prefix-list-entries/${id}.json`,
          "Entries",
          await calls.list(
            "ec2:GetManagedPrefixListEntries",
            "Entries",
            () => paginateGetManagedPrefixListEntries({ client: ec2 }, { PrefixListId: id }),
            ` ${id}`,
          ),
          { prefixListId: id },
        );
    }

    // 3. load balancers of the cluster
    const clusterNames = new Set<string>();
    for (const tag of instanceTags) {
      const m = /^kubernetes\.io\/cluster\/(.+)$/.exec(tag.Key ?? "");
      if (m) clusterNames.add(m[1]!);
      if ((tag.Key === "eks:cluster-name" || tag.Key === "aws:eks:cluster-name") && tag.Value)
        clusterNames.add(tag.Value);
    }
    const allLbs = (await calls.list("elasticloadbalancing:DescribeLoadBalancers", "LoadBalancers", () =>
      paginateDescribeLoadBalancers({ client: elb }, {}),
    )) as { LoadBalancerArn?: string; LoadBalancerName?: string; DNSName?: string; VpcId?: string }[] | undefined;
    if (allLbs === undefined) return { files, calls: calls.made };
    const inScope = allLbs.filter((lb) => options.allVpcs || (lb.VpcId !== undefined && vpcIds?.includes(lb.VpcId)));
    const tagged = new Set<string>();
    const arns = inScope.flatMap((lb) => (lb.LoadBalancerArn ? [lb.LoadBalancerArn] : []));
    for (const ResourceArns of chunks(arns, 20)) {
      const page = await calls.one(
        "elasticloadbalancing:DescribeTags",
        ` (${ResourceArns.length} load balancer${ResourceArns.length === 1 ? "" : "s"})`,
        () => elb.send(new DescribeTagsCommand({ ResourceArns })),
      );
      for (const d of (page?.["TagDescriptions"] ?? []) as {
        ResourceArn?: string;
        Tags?: { Key?: string; Value?: string }[];
      }[])
        if (
          (d.Tags ?? []).some((t) => {
            const m = /^kubernetes\.io\/cluster\/(.+)$/.exec(t.Key ?? "");
            if (m) return clusterNames.size === 0 || clusterNames.has(m[1]!);
            return (
              (t.Key === "elbv2.k8s.aws/cluster" || t.Key === "ingress.k8s.aws/cluster") &&
              (clusterNames.size === 0 || clusterNames.has(t.Value ?? ""))
            );
          })
        )
          tagged.add(d.ResourceArn ?? "");
    }
    const hosts = new Set(cluster.loadBalancerHosts);
    const lbs = allLbs
      .filter(
        (lb) =>
          options.allVpcs ||
          tagged.has(lb.LoadBalancerArn ?? "") ||
          (lb.DNSName !== undefined && hosts.has(lb.DNSName.toLowerCase())),
      )
      .sort((a, b) => (a.LoadBalancerName ?? "").localeCompare(b.LoadBalancerName ?? ""));
    add("aws/elbv2-describe-load-balancers.json", "LoadBalancers", lbs);
    for (const lb of lbs) {
      const prefix = lbs.length > 1 ? `-${safe(lb.LoadBalancerName ?? "")}` : "";
      const listeners = (await calls.list(
        "elasticloadbalancing:DescribeListeners",
        "Listeners",
        () => paginateDescribeListeners({ client: elb }, { LoadBalancerArn: lb.LoadBalancerArn }),
        ` ${lb.LoadBalancerName ?? ""}`,
      )) as { ListenerArn?: string; Protocol?: string; Port?: number }[] | undefined;
      add(`aws/elbv2-describe-listeners${prefix}.json`, "Listeners", listeners);
      for (const l of listeners ?? []) {
        // only an ALB's listeners (HTTP, HTTPS) have rules
        if (l.Protocol !== "HTTP" && l.Protocol !== "HTTPS") continue;
        add(
          `aws/elbv2-describe-rules${prefix}-${l.Protocol.toLowerCase()}-${l.Port ?? 0}.json`,
          "Rules",
          await calls.list(
            "elasticloadbalancing:DescribeRules",
            "Rules",
            () => paginateDescribeRules({ client: elb }, { ListenerArn: l.ListenerArn }),
            ` ${lb.LoadBalancerName ?? ""} ${l.Protocol}:${l.Port ?? 0}`,
          ),
        );
      }
    }
    const lbArns = new Set(lbs.map((lb) => lb.LoadBalancerArn));
    const targetGroups = (await calls.list("elasticloadbalancing:DescribeTargetGroups", "TargetGroups", () =>
      paginateDescribeTargetGroups({ client: elb }, {}),
    )) as
      | { TargetGroupArn?: string; TargetGroupName?: string; Protocol?: string; LoadBalancerArns?: string[] }[]
      | undefined;
    const groups = (targetGroups ?? []).filter(
      (tg) => options.allVpcs || (tg.LoadBalancerArns ?? []).some((arn) => lbArns.has(arn)),
    );
    if (targetGroups !== undefined) add("aws/elbv2-describe-target-groups.json", "TargetGroups", groups);
    for (const tg of groups) {
      const arn = tg.TargetGroupArn ?? "";
      const name = safe(tg.TargetGroupName ?? arn);
      const health = await calls.one("elasticloadbalancing:DescribeTargetHealth", ` ${tg.TargetGroupName ?? ""}`, () =>
        elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn })),
      );
      if (health)
        add(
          `aws/elbv2-target-health/${name}.json`,
          "TargetHealthDescriptions",
          health["TargetHealthDescriptions"] as unknown[],
          {
            targetGroupArn: arn,
          },
        );
      // the attributes podpath reads are an NLB target group's (preserve_client_ip.enabled,
      // load_balancing.cross_zone.enabled), as scripts/capture-snapshot.sh
      if (["TCP", "UDP", "TCP_UDP", "TLS"].includes(tg.Protocol ?? "")) {
        const attributes = await calls.one(
          "elasticloadbalancing:DescribeTargetGroupAttributes",
          ` ${tg.TargetGroupName ?? ""}`,
          () => elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn })),
        );
        if (attributes)
          add(`aws/elbv2-target-group-attributes/${name}.json`, "Attributes", attributes["Attributes"] as unknown[], {
            targetGroupArn: arn,
          });
      }
    }
    return { files, calls: calls.made };
  } finally {
    ec2.destroy();
    elb.destroy();
  }
}
