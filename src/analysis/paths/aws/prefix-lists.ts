import type { ManagedPrefixList } from "../../../model/aws.js";
import { cidrContains, parseCidr4 } from "../../../model/net.js";
import type { AwsModel } from "../../../model/snapshot.js";
import { awsIndex } from "./aws-index.js";

/**
 * Managed prefix lists (pl-…), as security-group rules and route tables reference them.
 *
 * AWS: "Managed prefix lists" (https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html):
 * a set of CIDR blocks; "a security group rule that references a prefix list" matches the
 * addresses of its entries, and so does a route whose destination is a prefix list. The entries
 * are printed by `aws ec2 get-managed-prefix-list-entries --prefix-list-id pl-…`, not by
 * `describe-managed-prefix-lists` (which prints the list's name and family only). Without the
 * entries, what a reference matches is unknown to the snapshot.
 */

export type PrefixListMatch =
  | {
      readonly kind: "match";
      readonly list: ManagedPrefixList;
      readonly cidr: string;
      readonly description: string | undefined;
    }
  | { readonly kind: "no-match"; readonly list: ManagedPrefixList }
  /** the list, or its entries, are not in the snapshot */
  | { readonly kind: "unknown"; readonly why: string; readonly capture: string };

/** "pl-0abc (com.amazonaws.global.cloudfront.origin-facing)" */
export function describePrefixList(id: string, aws: AwsModel): string {
  const name = awsIndex(aws).prefixListsById.get(id)?.name;
  return name ? `${id} (${name})` : id;
}

/** The AWS CLI commands that capture a prefix list and its entries. */
export function prefixListCapture(id: string, aws: AwsModel): string {
  const entries = `aws ec2 get-managed-prefix-list-entries --prefix-list-id ${id}`;
  return awsIndex(aws).prefixListsById.has(id)
    ? entries
    : `aws ec2 describe-managed-prefix-lists --prefix-list-ids ${id} and ${entries}`;
}

/** The IPv4 entries of a prefix list (undefined: the list or its entries are not in the snapshot). */
export function prefixListCidrs(
  id: string,
  aws: AwsModel,
): readonly { readonly cidr: string; readonly description: string | undefined }[] | undefined {
  return awsIndex(aws).prefixListsById.get(id)?.entries;
}

/** Whether prefix list `id` holds the IPv4 address `remote` (a number from parseIPv4). */
export function prefixListMatch(id: string, remote: number, aws: AwsModel): PrefixListMatch {
  const list = awsIndex(aws).prefixListsById.get(id);
  if (!list || !list.entries) {
    const why = list
      ? `the entries of prefix list ${describePrefixList(id, aws)} are not in the snapshot`
      : `prefix list ${id} is not in the snapshot`;
    return { kind: "unknown", why, capture: prefixListCapture(id, aws) };
  }
  for (const entry of list.entries) {
    const cidr = parseCidr4(entry.cidr);
    if (cidr !== undefined && cidrContains(cidr, remote))
      return { kind: "match", list, cidr: entry.cidr, description: entry.description };
  }
  return { kind: "no-match", list };
}
