import type { SnapshotDraft } from "../draft.js";
import { describeType, isRaw } from "../fields.js";
import type { DocumentContext } from "../fields.js";
import type { Conversion } from "./common.js";
import {
  convertListeners,
  convertLoadBalancers,
  convertRules,
  convertTargetGroupAttributes,
  convertTargetGroups,
  convertTargetHealth,
} from "./elbv2.js";
import { convertNetworkInterfaces, convertReservations } from "./instances.js";
import { convertPrefixListEntries, convertPrefixLists, looksLikePrefixListEntries } from "./prefix-lists.js";
import { convertNetworkAcls, convertSecurityGroups } from "./security.js";
import { convertInternetGateways, convertNatGateways, convertRouteTables, convertSubnets, convertVpcs } from "./vpc.js";

/**
 * The AWS input adapter: the JSON that `aws ec2 describe-*` and `aws elbv2 describe-*` print,
 * recognised by its top-level keys and converted into the model (src/model/aws.ts). A document
 * may hold several of the keys; `NextToken`, `NextMarker` and other unknown keys are ignored.
 */

export interface AwsHints {
  /** the target group of a describe-target-health output (the CLI does not print it) */
  readonly targetGroupArn?: string | undefined;
  /** the managed prefix list of a get-managed-prefix-list-entries output (the CLI does not print it) */
  readonly prefixListId?: string | undefined;
}

type ListConverter = (
  conv: Conversion,
  items: readonly unknown[],
  document: Record<string, unknown>,
  hints: AwsHints,
) => void;

const CONVERTERS: Readonly<Record<string, ListConverter>> = {
  Vpcs: (conv, items) => convertVpcs(conv, items),
  Subnets: (conv, items) => convertSubnets(conv, items),
  RouteTables: (conv, items) => convertRouteTables(conv, items),
  InternetGateways: (conv, items) => convertInternetGateways(conv, items),
  NatGateways: (conv, items) => convertNatGateways(conv, items),
  NetworkAcls: (conv, items) => convertNetworkAcls(conv, items),
  SecurityGroups: (conv, items) => convertSecurityGroups(conv, items),
  PrefixLists: (conv, items) => convertPrefixLists(conv, items),
  Entries: (conv, items, document, hints) => convertPrefixListEntries(conv, document, items, hints.prefixListId),
  Reservations: (conv, items) => convertReservations(conv, items),
  NetworkInterfaces: (conv, items) => convertNetworkInterfaces(conv, items),
  LoadBalancers: (conv, items) => convertLoadBalancers(conv, items),
  Listeners: (conv, items) => convertListeners(conv, items),
  Rules: (conv, items) => convertRules(conv, items),
  TargetGroups: (conv, items) => convertTargetGroups(conv, items),
  TargetHealthDescriptions: (conv, items, document, hints) =>
    convertTargetHealth(conv, document, items, hints.targetGroupArn),
  Attributes: (conv, items, document, hints) =>
    convertTargetGroupAttributes(conv, document, items, hints.targetGroupArn),
};

export const AWS_TOP_LEVEL_KEYS: readonly string[] = Object.freeze(Object.keys(CONVERTERS));

/** true when a parsed document is AWS CLI output (has at least one of the keys above as a list;
 *  the generic `Entries` only when its items look like prefix list entries) */
export function isAwsDocument(value: unknown): boolean {
  return isRaw(value) && AWS_TOP_LEVEL_KEYS.some((key) => isAwsList(key, value[key]));
}

function isAwsList(key: string, items: unknown): items is readonly unknown[] {
  return Array.isArray(items) && (key !== "Entries" || looksLikePrefixListEntries(items));
}

/** Converts one AWS CLI JSON document. `hints.targetGroupArn` names the target group of a
 *  describe-target-health output (the CLI does not print it); a top-level "TargetGroupArn" string
 *  key in the document is accepted too. `hints.prefixListId` does the same for
 *  get-managed-prefix-list-entries. */
export function convertAwsDocument(
  value: Record<string, unknown>,
  ctx: DocumentContext,
  draft: SnapshotDraft,
  hints: AwsHints,
): void {
  const conv: Conversion = { ctx, draft };
  for (const key of AWS_TOP_LEVEL_KEYS) {
    const items = value[key];
    if (items === undefined) continue;
    // a stray `Entries` in an otherwise recognised document is not prefix list output
    if (key === "Entries" && !isAwsList(key, items)) continue;
    if (!Array.isArray(items)) {
      draft.warn(
        "invalid-object",
        `${key} must be a list, not ${describeType(items)}; nothing was read from it`,
        ctx.source(items, ctx.source(value)),
      );
      continue;
    }
    CONVERTERS[key]?.(conv, items, value, hints);
  }
}
