import { isRaw } from "../../fields.js";
import type { Raw } from "../../fields.js";
import { terraformStateFormat } from "./detect.js";

/**
 * One resource instance of a Terraform state, whichever format it was read from: its address as
 * Terraform prints it (`module.vpc.aws_subnet.public[0]`), mode, type, attribute values, and the
 * raw object whose position in the file is its source.
 */
export interface TfResource {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly values: Raw;
  /** the object of the state file that holds this instance (its line is the source) */
  readonly at: object;
  /**
   * the container two levels below the document that holds it (`values.root_module`, a v4
   * `resources[]` entry): where a large file's lazy positions are found (parse-json.ts `resolve`)
   */
  readonly anchor: object;
}

/** An instance of the state that could not be read, and where. */
export interface TfProblem {
  readonly message: string;
  readonly at: object;
}

/** Every resource instance of a state, in file order, and the entries that could not be read. */
export function stateResources(value: Raw): { resources: TfResource[]; problems: TfProblem[] } {
  const resources: TfResource[] = [];
  const problems: TfProblem[] = [];
  if (terraformStateFormat(value) === "show-json") {
    const root = (value["values"] as Raw)["root_module"];
    if (isRaw(root)) showJsonModule(value["values"] as Raw, "root_module", resources, problems, root);
  } else tfstateV4(value, resources, problems);
  return { resources, problems };
}

/**
 * `terraform show -json`: `values.root_module.resources[]` ({address, mode, type, name, index,
 * values}) and `child_modules[]` ({address, resources, child_modules}) recursively (Terraform docs,
 * "JSON Output Format", "State Representation"). `address` is printed complete, module path and
 * index included.
 */
function showJsonModule(
  parent: Raw,
  key: string,
  out: TfResource[],
  problems: TfProblem[],
  anchor: object,
  depth = 0,
): void {
  const module = parent[key];
  if (module === undefined || module === null) return;
  if (!isRaw(module)) {
    problems.push({ message: `${key} must be a mapping`, at: parent });
    return;
  }
  const list = module["resources"];
  if (Array.isArray(list)) {
    for (const item of list as unknown[]) {
      if (!isRaw(item)) {
        problems.push({ message: "a resource must be a mapping", at: list });
        continue;
      }
      const { address, mode, type, values } = item;
      if (typeof address !== "string" || typeof type !== "string" || !isRaw(values)) {
        problems.push({ message: "a resource needs address, type and values", at: item });
        continue;
      }
      out.push({ address, mode: mode === "data" ? "data" : "managed", type, values, at: item, anchor });
    }
  }
  const children = module["child_modules"];
  if (Array.isArray(children) && depth < 64) {
    (children as unknown[]).forEach((_, index) =>
      showJsonModule(children as unknown as Raw, String(index), out, problems, anchor, depth + 1),
    );
  }
}

/** `[0]` or `["key"]`: how Terraform prints an instance key in an address (addrs.InstanceKey). */
function instanceKey(key: unknown): string {
  if (typeof key === "number") return `[${key}]`;
  if (typeof key === "string") return `[${JSON.stringify(key)}]`;
  return "";
}

/**
 * A raw state file, format version 4 (terraform internal/states/statefile/version4.go:
 * `resources[]` {module, mode, type, name, instances[] {index_key, deposed, attributes}}). The
 * address is built as Terraform prints it: `module.a.module.b.` + `data.` for data sources +
 * `type.name` + `[index_key]`. A deposed object (create_before_destroy left it to be destroyed)
 * is not the resource's current object and is not read.
 */
function tfstateV4(value: Raw, out: TfResource[], problems: TfProblem[]): void {
  const list = value["resources"] as unknown[];
  for (const item of list) {
    if (!isRaw(item)) {
      problems.push({ message: "a resource must be a mapping", at: list });
      continue;
    }
    const { module, mode, type, name, instances } = item;
    if (typeof type !== "string" || typeof name !== "string" || !Array.isArray(instances)) {
      problems.push({ message: "a resource needs type, name and instances", at: item });
      continue;
    }
    const prefix = `${typeof module === "string" && module !== "" ? `${module}.` : ""}${mode === "data" ? "data." : ""}${type}.${name}`;
    for (const instance of instances as unknown[]) {
      if (!isRaw(instance)) {
        problems.push({ message: `${prefix}: an instance must be a mapping`, at: instances });
        continue;
      }
      if (typeof instance["deposed"] === "string") continue;
      const attributes = instance["attributes"];
      const address = prefix + instanceKey(instance["index_key"]);
      if (!isRaw(attributes)) {
        problems.push({ message: `${address}: attributes must be a mapping`, at: instance });
        continue;
      }
      out.push({
        address,
        mode: mode === "data" ? "data" : "managed",
        type,
        values: attributes,
        at: instance,
        anchor: item,
      });
    }
  }
}
