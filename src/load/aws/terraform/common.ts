import type { Tags } from "../../../model/aws.js";
import type { SourceRef } from "../../../model/source.js";
import { isCidr, isIPv4 } from "../../../model/net.js";
import type { SnapshotDraft } from "../../draft.js";
import { FieldAt, Fields, Malformed } from "../../fields.js";
import type { DocumentContext, Raw } from "../../fields.js";
import type { TfResource } from "./state.js";

/**
 * What the Terraform converters share: the resources by type, each converted in its own
 * skip-and-warn step (a malformed resource is skipped with a located warning naming its address,
 * as `convertElements` does for AWS CLI lists), and readers for the provider's attribute shapes
 * (strings are "" when unset, nested blocks are lists of objects, tags a map).
 */

export type TfFields = Fields<Raw>;

export class TfConversion {
  private readonly byType = new Map<string, TfResource[]>();

  constructor(
    readonly ctx: DocumentContext,
    readonly draft: SnapshotDraft,
    resources: readonly TfResource[],
  ) {
    for (const r of resources) {
      if (r.mode !== "managed") continue;
      let list = this.byType.get(r.type);
      if (!list) this.byType.set(r.type, (list = []));
      list.push(r);
    }
  }

  private readonly contexts = new Map<object, DocumentContext>();

  /** The context of a resource: anchored where a large file's lazy positions are found. */
  private contextOf(r: TfResource): DocumentContext {
    let ctx = this.contexts.get(r.anchor);
    if (!ctx) this.contexts.set(r.anchor, (ctx = this.ctx.within(r.anchor)));
    return ctx;
  }

  /** The object's source: where the resource is written in the state, and its address. */
  source(r: TfResource): SourceRef {
    return withAddress(this.contextOf(r).source(r.at), r.address);
  }

  /** The source of a part of a resource (a field a warning cites), with the resource's address. */
  sourceWithin(r: TfResource, at: object): SourceRef {
    return withAddress(this.contextOf(r).source(at, this.source(r)), r.address);
  }

  /** The managed resources of these types, in file order. */
  of(...types: readonly string[]): TfResource[] {
    return types.flatMap((t) => this.byType.get(t) ?? []);
  }

  /**
   * Converts each resource of `types` with `convert`; a malformed one is skipped with a located
   * `invalid-object` warning, the rest still converted. A converted resource counts as its type.
   */
  each<M>(types: readonly string[], convert: (f: TfFields, r: TfResource) => M | undefined): M[] {
    const out: M[] = [];
    for (const r of this.of(...types)) {
      try {
        const model = convert(new Fields<Raw>(r.values, ""), r);
        if (model !== undefined) out.push(model);
        this.draft.count(this.ctx.file, r.type);
      } catch (error) {
        if (!(error instanceof Malformed)) throw error;
        this.draft.warn(
          "invalid-object",
          `${r.address} skipped: ${error.message}`,
          error.at ? this.sourceWithin(r, error.at) : this.source(r),
        );
      }
    }
    return out;
  }
}

/**
 * A plain SourceRef with the address: reading `line` and `col` resolves a large file's lazy
 * position now (one rescan of the resource's anchor, shared by every resource below it).
 */
function withAddress(source: SourceRef, address: string): SourceRef {
  return { file: source.file, line: source.line, col: source.col, doc: source.doc, address };
}

/** A string attribute; "" (the provider's unset) reads as undefined. */
export function str(f: TfFields, key: string): string | undefined {
  const value = f.str(key);
  return value === "" ? undefined : value;
}

/** A list of strings (a set or list attribute); empty strings dropped. */
export function strs(f: TfFields, key: string): string[] {
  return f.strings(key).filter((v) => v !== "");
}

/** A nested block (a list of objects in the state), all of its items. */
export function blocks(f: TfFields, key: string): TfFields[] {
  return f.objs(key);
}

/** The first item of a nested block with at most one item (`forward`, `redirect`, `health_check`). */
export function block(f: TfFields, key: string): TfFields | undefined {
  return f.objs(key)[0];
}

/**
 * `tags_all` (the tags the object has: its own and the provider's `default_tags`), else `tags`
 * (provider docs: "tags_all - A map of tags assigned to the resource, including those inherited
 * from the provider default_tags configuration block").
 */
export function tfTags(f: TfFields): Tags {
  const all = f.map("tags_all");
  return Object.freeze({ ...(Object.keys(all).length > 0 ? all : f.map("tags")) });
}

export function optCidr(f: TfFields, key: string): string | undefined {
  const value = str(f, key);
  if (value !== undefined && !isCidr(value))
    throw new Malformed(`${f.at(key)} ${JSON.stringify(value)} is not a valid CIDR block`, new FieldAt(f.raw, key));
  return value;
}

export function optIp(f: TfFields, key: string): string | undefined {
  const value = str(f, key);
  if (value !== undefined && !isIPv4(value))
    throw new Malformed(`${f.at(key)} ${JSON.stringify(value)} is not a valid IPv4 address`, new FieldAt(f.raw, key));
  return value;
}

/** An integer attribute (ports, rule numbers); Terraform writes numbers, some as strings. */
export function num(f: TfFields, key: string, range?: { min?: number; max?: number }): number | undefined {
  const value = f.any(key);
  if (typeof value === "string" && /^-?\d+$/.test(value)) {
    return num(new Fields<Raw>({ [key]: Number(value) }, f.path), key, range);
  }
  return f.int(key, range);
}
