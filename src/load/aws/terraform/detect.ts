import { isRaw } from "../../fields.js";

/**
 * Recognises a Terraform state by its content, whatever the file is called:
 *
 * - `terraform show -json` output: `format_version` and `values` (the state's JSON output format,
 *   Terraform docs "JSON Output Format", "State Representation": `values.root_module` with
 *   `resources` and `child_modules`);
 * - a raw `terraform.tfstate` (state format version 4, Terraform since 0.12): `version: 4`,
 *   `terraform_version` and `resources` (internal/states/statefile/version4.go `stateV4`).
 */
export type TerraformStateFormat = "show-json" | "tfstate-v4";

export function terraformStateFormat(value: unknown): TerraformStateFormat | undefined {
  if (!isRaw(value)) return undefined;
  if (typeof value["format_version"] === "string" && isRaw(value["values"])) return "show-json";
  if (value["version"] === 4 && typeof value["terraform_version"] === "string" && Array.isArray(value["resources"]))
    return "tfstate-v4";
  return undefined;
}

export function isTerraformState(value: unknown): boolean {
  return terraformStateFormat(value) !== undefined;
}

/** Keys that tell a large file's first bytes hold a Terraform state (the loader's sniff). */
export const TERRAFORM_STATE_KEYS: readonly string[] = ['"format_version"', '"terraform_version"'];
