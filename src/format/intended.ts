import type { IntendedDependency, IntendedReport } from "../analysis/intended/intended.js";
import { formatSource } from "../model/source.js";
import type { IntendedJson } from "../questions/intended.js";

/**
 * `podpath intended` output: per workload, each Service its configuration names (the matched
 * `host[:port]` and where: container, env name or args index, file:line) and the verdict —
 * allowed, blocked (which side isolates, the policy and its file:line), or a Service or port that
 * does not exist. Never the rest of a value.
 */

const MARK: Readonly<Record<IntendedDependency["verdict"], string>> = {
  allowed: "allowed",
  blocked: "BLOCKED",
  "no-service": "NO SERVICE",
  "no-port": "NO PORT",
  "no-backend": "no backend",
};

function portText(d: IntendedDependency): string {
  return d.servicePort === undefined
    ? ""
    : `:${d.servicePort}${d.protocol && d.protocol !== "TCP" ? `/${d.protocol}` : ""}`;
}

function byWorkload(report: IntendedReport): Map<string, IntendedDependency[]> {
  const groups = new Map<string, IntendedDependency[]>();
  for (const d of report.dependencies) {
    const g = groups.get(d.workload);
    if (g) g.push(d);
    else groups.set(d.workload, [d]);
  }
  return groups;
}

function why(d: IntendedDependency): string[] {
  if (d.verdict === "blocked")
    return [
      `${d.side === "both" ? "egress and ingress isolate" : `${d.side ?? ""} isolates`}: ${d.policies.map((p) => `${p.policy} (${formatSource(p.source)})`).join(", ")}`,
      ...d.rules.map((r) => r.text),
    ];
  return [d.reason];
}

function counts(report: IntendedReport): string {
  const n = (v: IntendedDependency["verdict"]) => report.dependencies.filter((d) => d.verdict === v).length;
  return `${report.dependencies.length} configured dependencies: ${n("allowed")} allowed, ${n("blocked")} blocked, ${n("no-service")} naming no Service, ${n("no-port")} naming no port, ${n("no-backend")} without a backend to check`;
}

export function formatIntendedText(report: IntendedReport): string {
  const out: string[] = [];
  if (report.dependencies.length === 0) out.push("(no configured dependency names a Service of the snapshot)");
  for (const [workload, deps] of byWorkload(report)) {
    out.push(workload);
    for (const d of deps) {
      out.push(
        `  ${MARK[d.verdict]}  ${d.reference} -> ${d.service}${portText(d)}  (${d.container} ${d.where}, ${formatSource(d.source)})`,
      );
      for (const line of why(d)) out.push(`      ${line}`);
      if (d.portSource) out.push(`      port: ${d.portSource}`);
    }
  }
  out.push("", counts(report));
  return `${out.join("\n")}\n`;
}

export function formatIntendedJson(result: IntendedJson): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function formatIntendedMarkdown(report: IntendedReport): string {
  const out = [
    "| workload | reference | service | verdict | where | why |",
    "|----------|-----------|---------|---------|-------|-----|",
  ];
  for (const d of report.dependencies)
    out.push(
      `| ${cell(d.workload)} | \`${cell(d.reference)}\` | ${cell(d.service + portText(d))} | ${MARK[d.verdict]} | ${cell(`${d.container} ${d.where}, ${formatSource(d.source)}`)} | ${cell(why(d).join("; "))} |`,
    );
  out.push("", counts(report));
  return `${out.join("\n")}\n`;
}
