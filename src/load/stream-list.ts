import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { extname } from "node:path";
import type { SourceRef } from "../model/source.js";
import { SnapshotDraft } from "./draft.js";
import { DocumentContext, isRaw, type Raw } from "./fields.js";
import { POD_STATUS_LISTS, readRange, scanFile, type ScannedItem } from "./json-stream.js";
import { convertKubernetesDocument, convertListItem, isKubernetesDocument } from "./kubernetes/index.js";
import { MANIFEST_COPY_ANNOTATIONS } from "./kubernetes/meta.js";
import type { LoadLimits } from "./limits.js";
import { jsonItemText, type Offset } from "./parse-json.js";
import type { ParsedFile, Position } from "./parsed.js";

/**
 * Loads a large JSON `kind: List` / `…List` (`kubectl get -o json`) item by item through the
 * byte scanner (json-stream.ts): each item is parsed alone, converted, then stripped of the bulk
 * the loader never reads, so memory follows the model rather than the file. Positions: each
 * item's while scanning; anything deeper on demand, by reading the item's bytes again
 * (`resolve`, as parse-json.ts does for its large files).
 *
 * Items are converted as they come when they carry their own apiVersion and kind (kubectl's
 * output: its `kind: List` comes after the items). Items without (a typed list from the API,
 * `PodList`) wait for the list's kind when it comes after them. The objects go to a draft of
 * their own, kept only when the top-level object turns out to be a Kubernetes list; otherwise
 * (`undefined`) the caller reads the file as a whole, as for any other JSON.
 */
function loadJsonList(
  fd: number,
  absolute: string,
  shown: string,
  limits: LoadLimits,
  draft: SnapshotDraft,
  defaultNamespace: string,
  chunkBytes?: number,
): { readonly documents: number } | undefined {
  const positions = new WeakMap<object, Position>();
  const ranges = new WeakMap<object, { readonly start: number; readonly end: number }>();
  const offsets = new ItemOffsets();
  const scanned = new WeakSet<object>();
  let cached: { anchor: object; text: string } | undefined;
  const itemText = (anchor: object): string | undefined => {
    if (cached?.anchor === anchor) return cached.text;
    const range = ranges.get(anchor);
    if (!range) return undefined;
    cached = { anchor, text: readRange(absolute, range.start, range.end) };
    return cached.text;
  };
  const record = (anchor: object): void => {
    if (scanned.has(anchor)) return;
    scanned.add(anchor);
    const text = itemText(anchor);
    const at = positions.get(anchor);
    if (text === undefined || !at) return;
    offsets.item = anchor;
    jsonItemText.record(text, anchor, at, positions, offsets, shown, limits.maxDepth);
  };
  const parsed: Pick<ParsedFile, "positionOf" | "resolve" | "fieldPosition"> = {
    positionOf: (value) => positions.get(value),
    resolve: (anchor, value) => {
      const known = positions.get(value);
      if (known) return known;
      record(anchor);
      return positions.get(value);
    },
    fieldPosition: (container, key) => {
      // an item itself, or a container inside one that `resolve` has located
      const anchor = ranges.has(container) ? container : offsets.anchors.get(container);
      if (!anchor) return undefined;
      record(anchor);
      const at = offsets.get(container);
      const text = itemText(anchor);
      if (!at || text === undefined) return undefined;
      return jsonItemText.locate(text, at, key, shown, limits.maxDepth);
    },
  };

  const local = new SnapshotDraft();
  let ctx: DocumentContext | undefined;
  let header: Raw | undefined;
  let headerMembers = 0;
  const held: { item: unknown; index: number }[] = [];
  let itemsAt: Position = { line: 1, col: 1 };
  const itemsSource = (): SourceRef => ({ file: shown, line: itemsAt.line, col: itemsAt.col, doc: 0 });
  const list = (): Raw | undefined =>
    header &&
    typeof header["apiVersion"] === "string" &&
    typeof header["kind"] === "string" &&
    header["kind"].endsWith("List")
      ? header
      : undefined;

  const result = scanFile(
    fd,
    {
      file: shown,
      maxDepth: limits.maxDepth,
      maxItemBytes: limits.maxFileBytes,
      ...(chunkBytes ? { chunkBytes } : {}),
    },
    (item, scan) => {
      ctx ??= new DocumentContext(shown, 0, parsed, scan.position);
      itemsAt = scan.itemsPosition;
      if (scan.members.length !== headerMembers) {
        header = membersOf(scan.members, shown, limits);
        headerMembers = scan.members.length;
      }
      const value = parseItem(item, absolute, shown, limits);
      if (value !== null && typeof value === "object") {
        positions.set(value, item.position);
        ranges.set(value, { start: item.start, end: item.end });
      }
      const known = list();
      if (known) convertListItem(known, value, item.index, ctx, local, defaultNamespace, itemsSource);
      else if (isKubernetesDocument(value))
        convertKubernetesDocument(value, ctx.within(value), local, defaultNamespace);
      else held.push({ item: value, index: item.index });
      if (isRaw(value)) trim(value);
    },
  );
  if (result.kind === "not-a-list") return undefined;
  header = membersOf(result.members, shown, limits);
  const known = list();
  if (!known) return undefined;
  ctx ??= new DocumentContext(shown, 0, parsed, result.position);
  for (const { item, index } of held) {
    convertListItem(known, item, index, ctx, local, defaultNamespace, itemsSource);
    if (isRaw(item)) trim(item);
  }
  merge(local, draft);
  return { documents: 1 };
}

function parseItem(item: ScannedItem, absolute: string, shown: string, limits: LoadLimits): unknown {
  try {
    return JSON.parse(item.text);
  } catch (error) {
    // a cut text: locate the error in the item as written
    const text = item.cut ? readRange(absolute, item.start, item.end) : item.text;
    throw jsonItemText.syntaxError(text, error, shown, limits.maxDepth, item.position, 2);
  }
}

function membersOf(
  members: readonly { key: string; text: string; position: Position }[],
  shown: string,
  limits: LoadLimits,
): Raw {
  const out: Raw = {};
  for (const m of members) {
    try {
      out[m.key] = JSON.parse(m.text);
    } catch (error) {
      throw jsonItemText.syntaxError(m.text, error, shown, limits.maxDepth, m.position, 1);
    }
  }
  return out;
}

/**
 * Drops, once an object is converted, what the loader never reads and a dump holds in bulk: the
 * server-side-apply `managedFields` (when the scanner could not cut it), the manifest copies
 * (meta.ts `MANIFEST_COPY_ANNOTATIONS`, which it drops from the model too), and a Pod's
 * container statuses (json-stream.ts `POD_STATUS_LISTS`, the lists the scanner cuts). The object
 * is kept after conversion only for positions found on demand, which point at what was converted.
 */
function trim(object: Raw): void {
  const metadata = object["metadata"];
  if (isRaw(metadata)) {
    if ("managedFields" in metadata) delete metadata["managedFields"];
    const annotations = metadata["annotations"];
    if (isRaw(annotations)) for (const key of MANIFEST_COPY_ANNOTATIONS) delete annotations[key];
  }
  const status = object["status"];
  if (object["kind"] === "Pod" && isRaw(status)) for (const key of POD_STATUS_LISTS) delete status[key];
}

/** Appends what one file's draft holds to the snapshot's (a Kubernetes list converts into nothing else). */
function merge(from: SnapshotDraft, to: SnapshotDraft): void {
  const source = from.kubernetes as unknown as Record<string, unknown[] | undefined>;
  const target = to.kubernetes as unknown as Record<string, unknown[] | undefined>;
  for (const [key, objects] of Object.entries(source)) {
    if (!objects || objects.length === 0) continue;
    const into = (target[key] ??= []);
    for (const object of objects) into.push(object);
  }
  for (const d of from.diagnostics) to.diagnostics.push(d);
  for (const [kind, count] of Object.entries(from.unmodelledKinds))
    to.unmodelledKinds[kind] = (to.unmodelledKinds[kind] ?? 0) + count;
  for (const [file, perKind] of from.counts) {
    const into = to.counts.get(file) ?? {};
    for (const [kind, count] of Object.entries(perKind)) into[kind] = (into[kind] ?? 0) + count;
    to.counts.set(file, into);
  }
}

/** Where each container of the items scanned so far starts in its item's text, and which item that is. */
class ItemOffsets extends WeakMap<object, Offset> {
  /** the item being scanned */
  item: object | undefined;
  readonly anchors = new WeakMap<object, object>();
  override set(container: object, offset: Offset): this {
    if (this.item) this.anchors.set(container, this.item);
    return super.set(container, offset);
  }
}

/**
 * The streaming path of a file, when it applies: JSON (by its extension, else its first
 * character) of at least `limits.streamJsonFromBytes` that is a Kubernetes list. Undefined
 * otherwise, before anything is converted: the file is then read whole.
 */
export function streamJsonFile(
  absolute: string,
  shown: string,
  limits: LoadLimits,
  draft: SnapshotDraft,
  defaultNamespace: string,
  starting: (bytes: number) => void,
): { readonly documents: number; readonly bytes: number } | undefined {
  const ext = extname(absolute).toLowerCase();
  if (ext === ".yaml" || ext === ".yml") return undefined;
  let fd: number;
  try {
    fd = openSync(absolute, "r");
  } catch {
    return undefined; // readText says why
  }
  try {
    const size = fstatSync(fd).size;
    if (size < (limits.streamJsonFromBytes ?? DEFAULT_STREAM_FROM) || size === 0) return undefined;
    const head = Buffer.alloc(Math.min(8192, size));
    readSync(fd, head, 0, head.length, 0);
    if (head.includes(0)) return undefined; // not text: readText says so
    if (ext !== ".json" && !/^(\uFEFF)?\s*\{/.test(head.toString("utf8"))) return undefined;
    starting(size);
    const loaded = loadJsonList(fd, absolute, shown, limits, draft, defaultNamespace);
    return loaded ? { ...loaded, bytes: size } : undefined;
  } finally {
    closeSync(fd);
  }
}

const DEFAULT_STREAM_FROM = 16 * 1024 * 1024;
