import type { SourceRef } from "../../../model/source.js";
import { formatSource } from "../../../model/source.js";
import type { SnapshotDraft } from "../../draft.js";
import { orphanRules } from "./security-groups.js";

/**
 * Where the Terraform state and AWS CLI output both describe an object (the same id or ARN), the
 * CLI output wins whichever file was read first: it is what AWS answered when the snapshot was
 * taken, while the state is what Terraform last wrote (it drifts when anything changes outside
 * Terraform). Each replaced object is an info diagnostic naming both sources, which
 * `snapshot show` lists. Runs once every file is read, before `finishSnapshot` de-duplicates. A
 * state given with --with (`whatIfFiles`) is a what-if: its objects replace their namesakes there.
 */
export function preferCliOverTerraform(draft: SnapshotDraft, whatIfFiles: ReadonlySet<string> = new Set()): void {
  const a = draft.aws;
  const id = (x: { id: string }) => x.id;
  const arn = (x: { arn: string }) => x.arn;
  const prefer = <T extends { readonly source: SourceRef }>(
    items: T[],
    what: string,
    key: (item: T) => string,
    cli?: Map<string, SourceRef>,
  ): void => preferCli(draft, whatIfFiles, items, what, key, cli);
  prefer(a.vpcs, "VPC", id);
  prefer(a.subnets, "subnet", id);
  prefer(a.routeTables, "route table", id);
  prefer(a.internetGateways, "internet gateway", id);
  prefer(a.natGateways, "NAT gateway", id);
  prefer(a.networkAcls, "network ACL", id);
  prefer(a.securityGroups, "security group", id);
  prefer(a.instances, "instance", id);
  // an interface is one object whichever CLI command listed it
  const cliEnis = new Map<string, SourceRef>();
  for (const e of [...a.networkInterfaces, ...draft.enisFromInstances])
    if (e.source.address === undefined && !cliEnis.has(e.id)) cliEnis.set(e.id, e.source);
  prefer(a.networkInterfaces, "network interface", id, cliEnis);
  prefer(draft.enisFromInstances, "network interface", id, cliEnis);
  prefer(a.loadBalancers, "load balancer", arn);
  prefer(a.listeners, "listener", arn);
  prefer(a.listenerRules, "listener rule", arn);
  prefer(a.targetGroups, "target group", arn);
  prefer(a.targetHealth, "target", targetKey);
  // describe-target-health lists every target of its group: a registration it does not list was
  // deregistered since Terraform wrote the state
  const listedBy = new Map<string, SourceRef>();
  for (const h of a.targetHealth) if (h.source.address === undefined) listedBy.set(h.targetGroupArn, h.source);
  const current = a.targetHealth.filter((h) => {
    const cli = listedBy.get(h.targetGroupArn);
    if (h.source.address === undefined || whatIfFiles.has(h.source.file) || !cli) return true;
    draft.info(
      "terraform-overridden",
      `target ${targetKey(h)} is registered in the Terraform state (${formatSource(h.source)}) but not listed by describe-target-health (${cli.file}): the AWS CLI output is used`,
      h.source,
    );
    return false;
  });
  a.targetHealth.splice(0, a.targetHealth.length, ...current);

  const known = new Set(a.securityGroups.map((g) => g.id));
  for (const orphan of orphanRules.get(draft) ?? []) {
    if (known.has(orphan.groupId)) continue;
    draft.warn(
      "unresolved-reference",
      `${orphan.source.address ?? "a rule resource"}: security group ${orphan.groupId} is in neither the state nor the snapshot; the rule was not read`,
      orphan.source,
    );
  }
  orphanRules.delete(draft);
}

/** A registration: its target, port when given, and group (`i-0abc:8080 of arn:…`). */
function targetKey(t: {
  readonly targetId: string;
  readonly port?: number | undefined;
  readonly targetGroupArn: string;
}): string {
  return `${t.targetId}${t.port === undefined ? "" : `:${t.port}`} of ${t.targetGroupArn}`;
}

function preferCli<T extends { readonly source: SourceRef }>(
  draft: SnapshotDraft,
  whatIfFiles: ReadonlySet<string>,
  items: T[],
  what: string,
  key: (item: T) => string,
  cli: Map<string, SourceRef> = new Map(
    items.filter((i) => i.source.address === undefined).map((i) => [key(i), i.source]),
  ),
): void {
  if (cli.size === 0 || !items.some((i) => i.source.address !== undefined)) return;
  const kept = items.filter((item) => {
    if (item.source.address === undefined || whatIfFiles.has(item.source.file)) return true;
    const other = cli.get(key(item));
    if (!other) return true;
    draft.info(
      "terraform-overridden",
      `${what} ${key(item)} is described by the Terraform state (${formatSource(item.source)}) and by AWS CLI output (${formatSource(other)}): the AWS CLI output is used`,
      item.source,
    );
    return false;
  });
  items.splice(0, items.length, ...kept);
}
