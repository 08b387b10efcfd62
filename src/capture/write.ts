/**
 * Writes a capture in the layout of scripts/capture-snapshot.sh and examples/ecoeco: k8s/*.yaml
 * as `kubectl get KIND -A -o yaml` prints them (a `kind: List`, each item with apiVersion and
 * kind, keys sorted as sigs.k8s.io/yaml prints a map), aws/*.json as the AWS CLI prints them
 * (4-space indentation), and the podpath.yaml index (src/load/index-file.ts) with `warnings:`.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import yaml from "js-yaml";
import type { AwsFile } from "./aws.js";
import type { KubernetesFile } from "./kubernetes.js";

/** writes through a temporary file, so an interrupted capture leaves no half-written file */
function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.partial`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

function kubectlListYaml(items: readonly Record<string, unknown>[]): string {
  return yaml.dump(
    { apiVersion: "v1", items, kind: "List", metadata: { resourceVersion: "" } },
    { sortKeys: true, lineWidth: -1, noRefs: true },
  );
}

export interface IndexHeader {
  readonly context?: string | undefined;
  readonly region?: string | undefined;
  readonly capturedAt: Date;
}

/** podpath.yaml: the files, the hints the AWS CLI's output lacks, and what could not be read */
function indexYaml(
  kubernetes: readonly string[],
  aws: readonly AwsFile[],
  warnings: readonly string[],
  notes: readonly string[],
  header: IndexHeader,
): string {
  const lines = [
    "# podpath snapshot index, written by podpath snapshot capture",
    `# captured: ${header.capturedAt.toISOString().replace(/\.\d{3}Z$/, "Z")}${header.context ? `, kubernetes context: ${header.context}` : ""}${header.region ? `, region: ${header.region}` : ""}`,
    "# Paths are relative to this file. Secrets are never captured; env and ConfigMap values are kept",
    "# only as the Service hosts they name (what podpath reads of them).",
  ];
  for (const note of notes) lines.push(`# note: ${note}`);
  const index: Record<string, unknown> = {};
  if (kubernetes.length) index["kubernetes"] = kubernetes.map((path) => ({ path }));
  if (aws.length)
    index["aws"] = aws.map((f) => ({
      path: f.path,
      ...(f.targetGroupArn ? { targetGroupArn: f.targetGroupArn } : {}),
      ...(f.prefixListId ? { prefixListId: f.prefixListId } : {}),
    }));
  if (warnings.length) index["warnings"] = [...warnings];
  return `${lines.join("\n")}\n${yaml.dump(index, { lineWidth: -1, noRefs: true })}`;
}

/** Writes the files and the index under `out`; returns the index's path. */
export function writeCapture(
  out: string,
  kubernetes: readonly KubernetesFile[],
  aws: readonly AwsFile[],
  warnings: readonly string[],
  notes: readonly string[],
  header: IndexHeader,
): string {
  const k8sPaths: string[] = [];
  for (const f of kubernetes) {
    const path = `k8s/${f.file}`;
    writeFile(join(out, path), kubectlListYaml(f.items));
    k8sPaths.push(path);
  }
  for (const f of aws) writeFile(join(out, f.path), JSON.stringify(f.json, null, 4) + "\n");
  const index = join(out, "podpath.yaml");
  writeFile(index, indexYaml(k8sPaths, aws, warnings, notes, header));
  return index;
}
