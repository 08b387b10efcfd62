import type { Tag } from "@aws-sdk/client-ec2";
import type { Tags } from "../../model/aws.js";
import { isCidr, isIPv4 } from "../../model/net.js";
import type { SnapshotDraft } from "../draft.js";
import { describeType, FieldAt, Fields, isRaw, Malformed } from "../fields.js";
import type { DocumentContext, Raw } from "../fields.js";

/**
 * What every AWS converter shares: the per-element skip-and-warn loop, tags, and the address and
 * CIDR checks. Field paths in messages are relative to the element ("IpPermissions[0].FromPort"):
 * the warning already names the element ("security group sg-1 skipped: …") and its line.
 */

/** The document being converted and where its results go. */
export interface Conversion {
  readonly ctx: DocumentContext;
  readonly draft: SnapshotDraft;
}

export interface ElementSpec<S extends object, M> {
  /** readable name used in warnings: "security group" */
  readonly what: string;
  /** the count kind: "ec2:SecurityGroup" */
  readonly kind: string;
  /** the element's id, ARN or name, when readable */
  id(raw: Raw): string | undefined;
  convert(fields: Fields<S>, raw: Raw): M;
}

/**
 * Converts each element of an AWS list into `into`. A malformed element is skipped with a
 * located `invalid-object` warning; the rest are still converted.
 */
export function convertElements<S extends object, M>(
  conv: Conversion,
  items: readonly unknown[],
  listPath: string,
  spec: ElementSpec<S, M>,
  into: M[],
): void {
  const { ctx, draft } = conv;
  items.forEach((element, index) => {
    try {
      if (!isRaw(element))
        throw new Malformed(
          `${listPath}[${index}] must be a mapping, not ${describeType(element)}`,
          new FieldAt(items, index),
        );
      into.push(spec.convert(new Fields<S>(element, ""), element));
      draft.count(ctx.file, spec.kind);
    } catch (error) {
      if (!(error instanceof Malformed)) throw error;
      const id = (isRaw(element) ? spec.id(element) : undefined) ?? `#${index}`;
      draft.warn(
        "invalid-object",
        `${spec.what} ${id} skipped: ${error.message}`,
        ctx.source(error.at ?? element, ctx.source(items)),
      );
    }
  });
}

/** A string field of a raw element, when it is a non-empty string (for naming it in warnings). */
export function readableId(raw: Raw, key: string): string | undefined {
  const value = raw[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

type Key<T> = keyof T & string;

export function fieldPath(f: { readonly path: string }, key: string): string {
  return f.path ? `${f.path}.${key}` : key;
}

function checked<T extends object>(
  f: Fields<T>,
  key: Key<T>,
  value: string,
  valid: (text: string) => boolean,
  what: string,
): string {
  if (!valid(value))
    throw new Malformed(`${fieldPath(f, key)} ${JSON.stringify(value)} is not ${what}`, new FieldAt(f.raw, key));
  return value;
}

/** An IPv4 or IPv6 CIDR block; syntactically checked (host bits are accepted, as AWS normalises them). */
export function optCidr<T extends object>(f: Fields<T>, key: Key<T>): string | undefined {
  const value = f.str(key);
  return value === undefined ? undefined : checked(f, key, value, isCidr, "a valid CIDR block");
}

export function reqCidr<T extends object>(f: Fields<T>, key: Key<T>): string {
  return checked(f, key, f.reqStr(key), isCidr, "a valid CIDR block");
}

export function optIPv4<T extends object>(f: Fields<T>, key: Key<T>): string | undefined {
  const value = f.str(key);
  return value === undefined ? undefined : checked(f, key, value, isIPv4, "a valid IPv4 address");
}

export function reqIPv4<T extends object>(f: Fields<T>, key: Key<T>): string {
  return checked(f, key, f.reqStr(key), isIPv4, "a valid IPv4 address");
}

/** `Tags` / `TagSet`: a list of {Key, Value}; a later duplicate key wins, a missing Value is "". */
export function readTags(items: readonly Fields<Tag>[]): Tags {
  const entries = new Map<string, string>();
  for (const tag of items) entries.set(tag.reqStr("Key"), tag.str("Value") ?? "");
  return Object.freeze(Object.fromEntries(entries));
}

/** Ids read from a list of mappings, e.g. SecurityGroups[].GroupId; each must be present. */
export function idsOf<T extends object>(items: readonly Fields<T>[], key: Key<T>): string[] {
  return items.map((item) => item.reqStr(key));
}

/** Removes repeated values, keeping the first occurrence's order. */
export function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
