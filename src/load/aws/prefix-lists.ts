import { basename } from "node:path";
import type {
  ManagedPrefixList as SdkManagedPrefixList,
  PrefixList as SdkPrefixList,
  PrefixListEntry as SdkPrefixListEntry,
} from "@aws-sdk/client-ec2";
import type { ManagedPrefixList } from "../../model/aws.js";
import { isCidr } from "../../model/net.js";
import type { SourceRef } from "../../model/source.js";
import { describeType, FieldAt, Malformed } from "../fields.js";
import type { Raw } from "../fields.js";
import { convertElements, reqCidr, readableId } from "./common.js";
import type { Conversion } from "./common.js";

/**
 * Managed prefix lists: `aws ec2 describe-managed-prefix-lists` (top-level `PrefixLists`: id, name,
 * address family, no entries) and `aws ec2 get-managed-prefix-list-entries --prefix-list-id pl-…`
 * (top-level `Entries: [{Cidr, Description}]`, without the list's id: the index file's
 * `prefixListId:`, a `pl-…` in the file name or a top-level "PrefixListId" key gives it).
 * `aws ec2 describe-prefix-lists` (the AWS service lists of gateway endpoints) prints the same
 * top-level key with the CIDRs inline (`Cidrs`): those lists come with their entries.
 * finish.ts attaches the entries to their list, or creates the list when only its entries exist.
 */

/** the entries of one list, as one get-managed-prefix-list-entries output gives them */
export interface PrefixListEntries {
  readonly prefixListId: string;
  readonly entries: NonNullable<ManagedPrefixList["entries"]>;
  readonly source: SourceRef;
}

const PREFIX_LIST_ID = /^pl-[0-9a-f]+$/;
/** a prefix list id standing alone in a file name: `pl-0a1b2c3d.json`, `entries-pl-0a1b2c3d.json`, not `pl-cloudfront.json` */
const IN_FILE_NAME = /(?<![0-9A-Za-z])pl-[0-9a-f]+(?![0-9A-Za-z])/g;

export function convertPrefixLists(conv: Conversion, items: readonly unknown[]): void {
  convertElements<SdkManagedPrefixList & SdkPrefixList, ManagedPrefixList>(
    conv,
    items,
    "PrefixLists",
    {
      what: "managed prefix list",
      kind: "ec2:ManagedPrefixList",
      id: (raw) => readableId(raw, "PrefixListId"),
      convert: (f, raw) => {
        // describe-prefix-lists prints the CIDRs inline; describe-managed-prefix-lists never does
        const cidrs = f.has("Cidrs") ? f.strings("Cidrs") : undefined;
        cidrs?.forEach((cidr, i) => {
          if (!isCidr(cidr))
            throw new Malformed(
              `${f.at("Cidrs")}[${i}] ${JSON.stringify(cidr)} is not a valid CIDR block`,
              new FieldAt(raw["Cidrs"] as object, i),
            );
        });
        return {
          id: f.reqStr("PrefixListId"),
          name: f.str("PrefixListName") || undefined,
          addressFamily: f.str("AddressFamily") || undefined,
          entries: cidrs?.map((cidr) => ({ cidr, description: undefined })),
          source: conv.ctx.source(raw),
        };
      },
    },
    conv.draft.aws.prefixLists,
  );
}

/** The list id of a get-managed-prefix-list-entries file: index entry, else a top-level key, else the file name. */
function entriesListId(conv: Conversion, document: Raw, hinted: string | undefined): string | undefined {
  const { ctx, draft } = conv;
  const at = ctx.source(document);
  const inDocument = document["PrefixListId"];
  let named: string | undefined;
  if (typeof inDocument === "string" && PREFIX_LIST_ID.test(inDocument)) named = inDocument;
  else if (inDocument !== undefined && inDocument !== null) {
    draft.warn(
      "invalid-field",
      `${ctx.file}: PrefixListId must be a prefix list id (pl-…), not ${typeof inDocument === "string" ? JSON.stringify(inDocument) : describeType(inDocument)}`,
      at,
    );
  }
  const fromName = [...basename(ctx.file).matchAll(IN_FILE_NAME)].map((m) => m[0]);
  const byName = fromName.length === 1 ? fromName[0] : undefined;
  if (hinted !== undefined && !PREFIX_LIST_ID.test(hinted)) {
    draft.warn(
      "invalid-field",
      `${ctx.file}: prefixListId ${JSON.stringify(hinted)} in podpath.yaml is not a prefix list id (pl-…)`,
      at,
    );
    hinted = undefined;
  }
  const chosen = hinted ?? named ?? byName;
  for (const [other, where] of [
    [named, "the document"],
    [byName, "the file name"],
  ] as const) {
    if (chosen && other && other !== chosen)
      draft.warn(
        "invalid-field",
        `${ctx.file}: ${where} names prefix list ${other} but ${hinted ? "podpath.yaml" : "the document"} names ${chosen}; ${chosen} is used`,
        at,
      );
  }
  return chosen;
}

/**
 * get-managed-prefix-list-entries: the entries of one list, whose id the output does not print.
 * Without an id (index `prefixListId:`, a top-level "PrefixListId", or one `pl-…` in the file
 * name) the entries cannot be attached: a located warning, nothing read.
 */
export function convertPrefixListEntries(
  conv: Conversion,
  document: Raw,
  items: readonly unknown[],
  hinted: string | undefined,
): void {
  const { ctx, draft } = conv;
  const prefixListId = entriesListId(conv, document, hinted);
  if (!prefixListId) {
    draft.warn(
      "missing-prefix-list",
      `${ctx.file}: prefix list entries without their list: name it with prefixListId in podpath.yaml, or put its id (pl-…) in the file name`,
      ctx.source(document),
    );
    return;
  }
  const entries: { cidr: string; description: string | undefined }[] = [];
  convertElements<SdkPrefixListEntry, { cidr: string; description: string | undefined }>(
    conv,
    items,
    "Entries",
    {
      what: `prefix list ${prefixListId} entry`,
      kind: "ec2:PrefixListEntry",
      id: (raw) => readableId(raw, "Cidr"),
      convert: (f) => ({ cidr: reqCidr(f, "Cidr"), description: f.str("Description") || undefined }),
    },
    entries,
  );
  draft.prefixListEntries.push({ prefixListId, entries, source: ctx.source(document) });
}

/** `Entries` is a generic key: it is get-managed-prefix-list-entries output only when every entry has a Cidr. */
export function looksLikePrefixListEntries(items: readonly unknown[]): boolean {
  return items.every(
    (e) => e !== null && typeof e === "object" && !Array.isArray(e) && typeof (e as Raw)["Cidr"] === "string",
  );
}
