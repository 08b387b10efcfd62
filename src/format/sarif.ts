/**
 * `podpath lint -o sarif`: the findings as a SARIF 2.1.0 log (OASIS Static Analysis Results
 * Interchange Format 2.1.0 Errata 01), the format code-scanning services read:
 *
 * - §3.13 sarifLog: `version` "2.1.0", `$schema`, one `run`.
 * - §3.19 toolComponent (`tool.driver`): name, `rules` — one reportingDescriptor
 *   (§3.49) per rule that ran: `id`, `shortDescription`, `fullDescription` (the upstream source),
 *   `helpUri`, `defaultConfiguration.level` (§3.50.3).
 * - §3.27 result: `ruleId`, `ruleIndex`, `level` (§3.27.10: error, warning, note — the contract's
 *   severities), `message.text` (the message and the fix), `locations` (§3.28: the first object,
 *   `physicalLocation.artifactLocation.uri` relative to the snapshot as podpath shows paths, with
 *   `region.startLine`/`startColumn`, 1-based), `relatedLocations` (§3.27.22: the other objects,
 *   each with an `id` and a message naming it). An object read from a Terraform state also has
 *   `logicalLocations` (§3.28.4, §3.33: `fullyQualifiedName` its resource address, `kind` "resource").
 *
 * The order is the answer's (deterministic): rules as they ran, results as the findings are sorted.
 */
import type { FindingObjectJson } from "../questions/contract.js";
import type { LintJson } from "../questions/lint.js";

const SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

interface SarifLocation {
  readonly id?: number;
  readonly physicalLocation: {
    readonly artifactLocation: { readonly uri: string };
    readonly region: { readonly startLine: number; readonly startColumn: number };
  };
  readonly logicalLocations?: readonly { readonly fullyQualifiedName: string; readonly kind: "resource" }[];
  readonly message?: { readonly text: string };
}

/** A path as a URI reference: forward slashes, each segment percent-encoded; absolute paths as file: URIs. */
export function artifactUri(file: string): string {
  const path = file.replace(/\\/g, "/");
  const encoded = path
    .split("/")
    .map((segment) => encodeURIComponent(segment))
    .join("/");
  if (/^[A-Za-z]:\//.test(path)) return `file:///${encoded.replace(/^([A-Za-z])%3A/, "$1:")}`;
  return path.startsWith("/") ? `file://${encoded}` : encoded;
}

function objectName(o: FindingObjectJson): string {
  return `${o.kind} ${o.namespace !== undefined ? `${o.namespace}/` : ""}${o.name}`;
}

function location(o: FindingObjectJson, id?: number): SarifLocation | undefined {
  if (!o.source) return undefined;
  return {
    ...(id !== undefined ? { id } : {}),
    physicalLocation: {
      artifactLocation: { uri: artifactUri(o.source.file) },
      region: { startLine: o.source.line, startColumn: Math.max(1, o.source.column) },
    },
    ...(o.source.address !== undefined
      ? { logicalLocations: [{ fullyQualifiedName: o.source.address, kind: "resource" as const }] }
      : {}),
    message: { text: objectName(o) },
  };
}

/** The SARIF log object of a lint answer. */
function lintSarif(result: LintJson): object {
  const ruleIndex = new Map(result.rules.map((r, i) => [r.id, i]));
  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "podpath",
            rules: result.rules.map((r) => ({
              id: r.id,
              shortDescription: { text: r.title },
              fullDescription: { text: `${r.title}. Follows ${r.upstream}.` },
              ...(r.helpUri ? { helpUri: r.helpUri } : {}),
              defaultConfiguration: { level: r.severity },
            })),
          },
        },
        results: result.findings.map((f) => {
          const [first, ...others] = f.objects;
          const primary = first ? location(first) : undefined;
          const related = others.map((o, i) => location(o, i + 1)).filter((l): l is SarifLocation => l !== undefined);
          const index = ruleIndex.get(f.ruleId);
          return {
            ruleId: f.ruleId,
            ...(index !== undefined ? { ruleIndex: index } : {}),
            level: f.severity,
            message: { text: f.fix ? `${f.message}. Fix: ${f.fix}.` : f.message },
            ...(primary ? { locations: [primary] } : {}),
            ...(related.length > 0 ? { relatedLocations: related } : {}),
          };
        }),
        columnKind: "utf16CodeUnits",
      },
    ],
  };
}

export function formatLintSarif(result: LintJson): string {
  return JSON.stringify(lintSarif(result), null, 2) + "\n";
}
