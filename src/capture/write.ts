/**
 * Writes a capture in the layout of scripts/capture-snapshot.sh and examples/ecoeco: k8s/*.yaml
 * as `kubectl get KIND -A -o yaml` prints them (a `kind: List`, each item with apiVersion and
 * kind, keys sorted as sigs.k8s.io/yaml prints a map), aws/*.json as the AWS CLI prints them
 * (4-space indentation), and the podpath.yaml index (src/load/index-file.ts) with `warnings:`.
 */
import { closeSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import yaml from "js-yaml";
import type { AwsFile } from "./aws.js";
import type { ItemSink, KindWriter } from "./kubernetes.js";

/** writes through a temporary file, so an interrupted capture leaves no half-written file */
function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.partial`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

const DUMP: yaml.DumpOptions = { sortKeys: true, lineWidth: -1, noRefs: true };

/**
 * k8s/*.yaml written as pages arrive: each kind's items go to a part file (`- apiVersion: …`, one
 * YAML sequence entry per object, as kubectl prints a List's items), kept or removed whole;
 * `finish` joins the parts of each file between the List's header and footer. One object is in
 * memory at a time when writing, whatever the cluster's size (a single string of 150,000 pods
 * would exceed V8's string limit).
 */
export class KubernetesFiles implements ItemSink {
  private readonly parts = new Map<string, { path: string; count: number }[]>();
  private next = 0;

  constructor(private readonly out: string) {}

  open(file: string): KindWriter {
    const dir = join(this.out, "k8s");
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `.${file}.${this.next++}.partial`);
    const fd = openSync(path, "w");
    let count = 0;
    let open = true;
    const close = () => {
      if (open) closeSync(fd);
      open = false;
    };
    return {
      write: (items) => {
        for (const item of items) writeSync(fd, yaml.dump([item], DUMP));
        count += items.length;
      },
      commit: () => {
        close();
        this.parts.set(file, [...(this.parts.get(file) ?? []), { path, count }]);
      },
      abort: () => {
        close();
        rmSync(path, { force: true });
      },
    };
  }

  /** joins each file's parts into kubectl's `kind: List`; returns the files' paths (k8s/…) */
  finish(files: readonly string[]): string[] {
    const written: string[] = [];
    const buffer = Buffer.alloc(1 << 20);
    for (const file of files) {
      const parts = this.parts.get(file) ?? [];
      const path = join(this.out, "k8s", file);
      const temporary = `${path}.partial`;
      const fd = openSync(temporary, "w");
      try {
        const empty = parts.every((p) => p.count === 0);
        writeSync(fd, `apiVersion: v1\nitems:${empty ? " []" : ""}\n`);
        for (const part of parts) {
          const input = openSync(part.path, "r");
          try {
            for (let n; (n = readSync(input, buffer, 0, buffer.length, null)) > 0;) writeSync(fd, buffer, 0, n);
          } finally {
            closeSync(input);
          }
          rmSync(part.path, { force: true });
        }
        writeSync(fd, 'kind: List\nmetadata:\n  resourceVersion: ""\n');
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, path);
      written.push(`k8s/${file}`);
    }
    this.discard();
    return written;
  }

  /** removes what was not joined (a capture that stops) */
  discard(): void {
    for (const parts of this.parts.values()) for (const part of parts) rmSync(part.path, { force: true });
    this.parts.clear();
  }
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

/** Writes the AWS files and the index under `out`; returns the index's path. */
export function writeCapture(
  out: string,
  kubernetes: readonly string[],
  aws: readonly AwsFile[],
  warnings: readonly string[],
  notes: readonly string[],
  header: IndexHeader,
): string {
  for (const f of aws) writeFile(join(out, f.path), JSON.stringify(f.json, null, 4) + "\n");
  const index = join(out, "podpath.yaml");
  writeFile(index, indexYaml(kubernetes, aws, warnings, notes, header));
  return index;
}
