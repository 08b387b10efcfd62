/**
 * `podpath exposure` as text and Markdown: per workload, the internet paths (each with its verdict
 * and the chain of objects that opens it, or the object that blocks it, or what to capture), then
 * what NetworkPolicy lets in from other workloads and addresses. Workloads reachable from the
 * internet come first; the order is otherwise the snapshot's (deterministic).
 */
import type { ExposureReport, InternetExposure, WorkloadExposure } from "../analysis/exposure/exposure.js";
import { formatSource, type SourceRef } from "../model/source.js";
import type { ExposureJson } from "../questions/exposure.js";
import { paint, PLAIN_TEXT, wrapLong, type TextStyle } from "./terminal.js";

const at = (s: SourceRef | undefined): string => (s ? ` [${formatSource(s)}]` : "");

const VERDICT_TONE = { open: "delivered", blocked: "dropped", unknown: "unknown" } as const;

function headline(e: InternetExposure): string {
  const nodes =
    e.kind === "nodeport"
      ? e.openNodes.length > 0
        ? ` on ${e.openNodes.join(", ")}`
        : ` (${e.nodes.length === 1 ? "node" : "nodes"} ${e.nodes.join(", ")})`
      : "";
  const to = e.verdict === "open" ? ` → ${e.pod ?? "a pod"} ${e.protocol} ${e.podPort ?? e.port}` : "";
  return `${e.frontend}${nodes}${to}`;
}

function exposureLines(e: InternetExposure, style: TextStyle, indent: string): string[] {
  const out = [
    `${indent}${paint(e.verdict.toUpperCase(), VERDICT_TONE[e.verdict], style)} ${headline(e)}${at(e.frontendSource)}`,
  ];
  out.push(`${indent}    ${e.path}`);
  if (e.verdict === "open") {
    e.chain.forEach((l, i) => out.push(`${indent}    ${i + 1}. ${l.component}: ${l.note}${at(l.source)}`));
  } else if (e.blockedBy) {
    out.push(
      `${indent}    blocked by ${e.blockedBy.at} (${e.blockedBy.code}): ${e.blockedBy.message}${at(e.blockedBy.source)}`,
    );
  } else if (e.unknown) {
    out.push(`${indent}    undecided at ${e.unknown.at}: ${e.unknown.message}${at(e.unknown.source)}`);
    out.push(`${indent}    capture: ${e.unknown.capture}`);
  }
  for (const m of e.memberRules) out.push(`${indent}    admits a security group's members: ${m.rule}${at(m.source)}`);
  // NodePort: the nodes whose outcome differs from the one shown (a node's security group, no local endpoint)
  if (new Set(e.byNode.map((g) => `${g.verdict} ${g.code ?? ""}`)).size > 1)
    for (const g of e.byNode)
      out.push(
        `${indent}    ${g.verdict} on ${g.nodes.join(", ")}${g.at ? `: ${g.code ? `${g.code} at ` : "undecided at "}${g.at}${g.message ? ` — ${g.message}` : ""}` : ""}${at(g.source)}`,
      );
  // the VPC host's own assumption is said once, at the top
  for (const a of e.assumptions)
    if (!(e.origin === "vpc" && a.startsWith("the VPC host "))) out.push(`${indent}    assumed: ${a}`);
  return out;
}

function incomingText(w: WorkloadExposure): string {
  if (w.openToAll) return "every workload and address, on every port";
  if (w.incoming.length === 0) return "nothing (NetworkPolicy isolates it and allows no peer)";
  return w.incoming.map((c) => `${c.from} ${c.conn}`).join("; ");
}

function ordered(report: ExposureReport): WorkloadExposure[] {
  const facing = (w: WorkloadExposure): number => (w.internet.some((e) => e.verdict === "open") ? 0 : 1);
  return report.workloads
    .map((w, i) => [w, i] as const)
    .sort((a, b) => facing(a[0]) - facing(b[0]) || a[1] - b[1])
    .map(([w]) => w);
}

export function formatExposureText(report: ExposureReport, style: TextStyle = PLAIN_TEXT): string {
  const facing = report.workloads.filter((w) => w.internet.some((e) => e.verdict === "open"));
  const fromVpc = report.workloads.filter((w) => w.vpc.some((e) => e.verdict === "open"));
  const out = [
    `exposure: ${report.workloads.length} workloads, ${facing.length} reachable from the internet` +
      (facing.length > 0 ? ` (${facing.map((w) => w.workload.id).join(", ")})` : "") +
      (report.vpcHost
        ? `, ${fromVpc.length} from the VPC` +
          (fromVpc.length > 0 ? ` (${fromVpc.map((w) => w.workload.id).join(", ")})` : "")
        : ""),
  ];
  if (report.vpcHost)
    out.push(`the VPC is traced from ${report.vpcHost.ip}, ${report.vpcHost.how}${at(report.vpcHost.source)}`);
  for (const w of ordered(report)) {
    out.push("", `${w.workload.id}${at(w.workload.source)}`);
    if (w.internet.length === 0)
      out.push("  internet: no frontend (no Ingress path, LoadBalancer or NodePort Service selects it)");
    else {
      out.push("  internet:");
      for (const e of w.internet) out.push(...exposureLines(e, style, "    "));
    }
    if (report.vpcHost) {
      if (w.vpc.length === 0)
        out.push(
          "  VPC: nothing to trace (no internal load balancer, NodePort, or observed pod with a declared container port)",
        );
      else {
        out.push(`  VPC (from ${report.vpcHost.ip}):`);
        for (const e of w.vpc) out.push(...exposureLines(e, style, "    "));
      }
    }
    out.push(`  workloads and addresses (NetworkPolicy): ${incomingText(w)}`);
  }
  if (report.unattached.length > 0) {
    out.push("", "Frontends whose Service selects no workload of the snapshot:");
    for (const e of report.unattached) out.push(...exposureLines(e, style, "  "));
  }
  if (report.notes.length > 0) {
    out.push("", "Notes:");
    for (const n of report.notes) out.push(`  - ${n.message}${at(n.source)}`);
  }
  return `${wrapLong(out.join("\n"), style.width, "    ")}\n`;
}

export function formatExposureJson(result: ExposureJson): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

const md = (text: string): string => text.replace(/\|/g, "\\|");

/** NodePort: the nodes by outcome, when their outcomes differ. */
function nodeGroupsMarkdown(e: InternetExposure): string[] {
  if (new Set(e.byNode.map((g) => `${g.verdict} ${g.code ?? ""}`)).size <= 1) return [];
  return e.byNode.map(
    (g) => `  - ${g.verdict} on ${g.nodes.join(", ")}${g.at ? `: ${g.code ?? "undecided"} at \`${g.at}\`` : ""}`,
  );
}

export function formatExposureMarkdown(report: ExposureReport): string {
  const out = ["# Exposure", ""];
  const facing = report.workloads.filter((w) => w.internet.length > 0);
  out.push("## From the internet", "");
  if (facing.length === 0)
    out.push("No workload has an internet frontend (Ingress path, LoadBalancer or NodePort Service).", "");
  for (const w of ordered(report).filter((x) => x.internet.length > 0)) {
    out.push(`### ${w.workload.id}`, "");
    for (const e of w.internet) {
      out.push(
        `- **${e.verdict}** ${md(headline(e))}${e.frontendSource ? ` (\`${formatSource(e.frontendSource)}\`)` : ""}`,
      );
      out.push(`  - ${md(e.path)}`);
      if (e.verdict === "open")
        e.chain.forEach((l, i) =>
          out.push(`  ${i + 1}. ${l.component}: ${md(l.note)}${l.source ? ` (\`${formatSource(l.source)}\`)` : ""}`),
        );
      else if (e.blockedBy)
        out.push(`  - blocked by \`${e.blockedBy.at}\` (${e.blockedBy.code}): ${md(e.blockedBy.message)}`);
      else if (e.unknown)
        out.push(`  - undecided at \`${e.unknown.at}\`: ${md(e.unknown.message)}; capture: \`${e.unknown.capture}\``);
      out.push(...nodeGroupsMarkdown(e));
      for (const a of e.assumptions) out.push(`  - assumed: ${md(a)}`);
    }
    out.push("");
  }
  if (report.vpcHost) {
    out.push("## From the VPC", "", `Traced from ${report.vpcHost.ip}: ${md(report.vpcHost.how)}.`, "");
    for (const w of report.workloads.filter((x) => x.vpc.length > 0)) {
      out.push(`### ${w.workload.id}`, "");
      for (const e of w.vpc) {
        out.push(
          `- **${e.verdict}** ${md(headline(e))}${e.frontendSource ? ` (\`${formatSource(e.frontendSource)}\`)` : ""}`,
        );
        out.push(`  - ${md(e.path)}`);
        if (e.blockedBy && e.verdict !== "open")
          out.push(`  - blocked by \`${e.blockedBy.at}\` (${e.blockedBy.code}): ${md(e.blockedBy.message)}`);
        else if (e.unknown && e.verdict !== "open")
          out.push(`  - undecided at \`${e.unknown.at}\`: ${md(e.unknown.message)}; capture: \`${e.unknown.capture}\``);
        for (const m of e.memberRules)
          out.push(
            `  - admits a security group's members: ${md(m.rule)}${m.source ? ` (\`${formatSource(m.source)}\`)` : ""}`,
          );
        out.push(...nodeGroupsMarkdown(e));
      }
      out.push("");
    }
  }
  out.push("## From workloads and addresses (NetworkPolicy)", "", "| workload | allowed in |", "|---|---|");
  for (const w of report.workloads) out.push(`| ${md(w.workload.id)} | ${md(incomingText(w))} |`);
  if (report.notes.length > 0) {
    out.push("", "## Notes", "");
    for (const n of report.notes) out.push(`- ${md(n.message)}${n.source ? ` (\`${formatSource(n.source)}\`)` : ""}`);
  }
  return `${out.join("\n")}\n`;
}
