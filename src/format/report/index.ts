/**
 * `podpath report -o md`: the report as GitHub-flavoured Markdown (tables, fenced Mermaid
 * sequence diagrams), worded from a message catalog (messages/en.ts, messages/ko.ts). Pure: the
 * answer in, the Markdown out, the same bytes for the same snapshot.
 */
import type { TraceResult } from "../../analysis/paths/trace.js";
import type { Packet, Step } from "../../analysis/paths/trace-model.js";
import { formatSource } from "../../model/source.js";
import type { FindingJson } from "../../questions/contract.js";
import type {
  EgressPolicyRecommendation,
  ExposedPath,
  PlacementRecommendation,
  ReportAnalysis,
  ReportLanguage,
} from "../../questions/report.js";
import type { ReasonJson } from "../../questions/place.js";
import { markdownTable } from "../table.js";
import { natText, traceMermaid } from "../trace.js";
import type { Catalog } from "./messages/catalog.js";
import { EN } from "./messages/en.js";
import { KO } from "./messages/ko.js";

export const CATALOGS: { readonly [L in ReportLanguage]: Catalog } = { en: EN, ko: KO };

/** Inline code; backticks inside are kept out of the span. */
const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;

/** Text for a Markdown table cell or list item: no line breaks. */
const flat = (s: string): string => s.replace(/[\r\n]+/g, " ");

/** At most `max` names, then how many more: a 1,000-node group stays one readable cell. */
function names(list: readonly string[], max = 6): string {
  return list.length <= max ? list.join(", ") : `${list.slice(0, max).join(", ")}, … (+${list.length - max})`;
}

function reasonText(r: ReasonJson): string {
  return `${r.plugin}: ${r.message}${r.detail ? ` — ${r.detail}` : ""}${r.source ? ` (${r.source})` : ""}`;
}

function placementSection(a: ReportAnalysis, m: Catalog): string[] {
  const out: string[] = [`## ${m.secPlacement}`, "", m.placementLead, "", `### ${m.nodeGroupsHeading}`, ""];
  out.push(
    markdownTable(
      [m.colGroup, m.colNodes, m.colDefinedBy],
      a.groups.map((g) => [
        g.name,
        names(g.nodes),
        [...g.taints.map((t) => m.taintAt({ taint: t.text, source: t.source })), ...g.labels.map((l) => code(l))].join(
          "; ",
        ) || m.noTaints,
      ]),
    ),
  );
  // the reasons, numbered in order of first use
  const refs = new Map<string, { n: number; reason: ReasonJson; nodes: number }>();
  const ref = (r: ReasonJson, nodes: number): string => {
    const key = reasonText(r);
    let e = refs.get(key);
    if (!e) {
      e = { n: refs.size + 1, reason: r, nodes };
      refs.set(key, e);
    }
    return `R${e.n}`;
  };
  out.push("", `### ${m.placementHeading}`, "");
  out.push(
    markdownTable(
      [m.colWorkload, ...a.groups.map((g) => g.name)],
      a.rows.map((r) => [
        `${r.kind} ${r.namespace}/${r.name} (${r.source})`,
        ...r.cells.map((c) => {
          const refsOf = () => c.reasons.map((x) => ref(x.reason, x.nodes)).join(", ");
          switch (c.state) {
            case "runs":
              return c.predicted === c.pods
                ? m.cellPredicted({ pods: c.pods, nodes: names(c.nodes, 3) })
                : m.cellRuns({ pods: c.pods, nodes: names(c.nodes, 3) });
            case "can-run":
              return m.cellCanRun({ nodes: names(c.nodes, 3) });
            case "cannot":
              return m.cellCannot({ refs: refsOf() });
            case "not-targeted":
              return m.cellNotTargeted({ refs: refsOf() });
          }
        }),
      ]),
    ),
  );
  if (refs.size > 0) {
    out.push("", `${m.reasonsHeading}:`, "");
    for (const e of refs.values())
      out.push(`- **R${e.n}** ${flat(reasonText(e.reason))} — ${m.reasonOnNodes({ nodes: e.nodes })}`);
  }
  const unschedulable = a.rows.filter((r) => r.unschedulable !== null);
  if (unschedulable.length > 0) {
    out.push("");
    for (const r of unschedulable)
      out.push(
        `- ${m.unschedulable({ workload: `${r.kind} ${r.namespace}/${r.name}`, source: r.source, message: flat(r.unschedulable!) })}`,
      );
  }
  if (a.placement.staticPods.length > 0)
    out.push(
      "",
      m.staticPods({
        pods: a.placement.staticPods
          .map((p) => m.staticPod({ pod: `${p.namespace}/${p.name}`, node: p.node, source: p.source }))
          .join(", "),
      }),
    );
  return out;
}

function questionsSection(a: ReportAnalysis, m: Catalog): string[] {
  const out: string[] = [`## ${m.secQuestions}`, "", m.questionsLead];
  if (a.questions.length === 0) return [...out, "", m.noTaintedGroups];
  for (const q of a.questions) {
    out.push("", `### ${m.question({ namespace: q.namespace, group: q.group, nodes: names(q.groupNodes, 3) })}`, "");
    const answer = q.answer === "yes" ? m.answerYes : q.answer === "no" ? m.answerNo : m.answerPartly;
    const parts: string[] = [];
    if (q.runs.length === 0) parts.push(m.noneRunThere({ count: q.cannot.length + q.canRun.length }));
    else
      parts.push(
        m.runThere({ workloads: q.runs.map((r) => `${r.name} (${r.source}; ${names(r.nodes, 3)})`).join(", ") }),
      );
    // the kept-off workloads, grouped by the reason that keeps them off
    const byReason = new Map<string, { reason: ReasonJson; names: string[] }>();
    for (const c of q.cannot) {
      const key = reasonText(c.reason);
      const e = byReason.get(key) ?? { reason: c.reason, names: [] };
      e.names.push(c.name);
      byReason.set(key, e);
    }
    for (const e of byReason.values())
      parts.push(m.cannotThere({ workloads: names(e.names, 12), reason: flat(reasonText(e.reason)) }));
    if (q.canRun.length > 0) parts.push(m.canRunThere({ workloads: names(q.canRun, 12) }));
    if (q.elsewhere.length > 0 && q.answer !== "yes") parts.push(m.runElsewhere({ groups: q.elsewhere.join(", ") }));
    if (q.staticPods.length > 0)
      parts.push(m.staticThere({ pods: q.staticPods.map((p) => `${p.name} (${p.source})`).join(", ") }));
    out.push(`**${answer}** — ${parts[0]}.`);
    for (const p of parts.slice(1)) out.push(`- ${p}`);
  }
  return [...out, ...egressQuestions(a, m)];
}

/** The source IP a VPC address and the internet see, per node group, from the egress rows. */
function egressQuestions(a: ReportAnalysis, m: Catalog): string[] {
  const rows = a.egress.rows.filter(
    (r) => (r.destinationClass === "vpc" || r.destinationClass === "internet") && r.verdict !== "skipped",
  );
  if (rows.length === 0) return [];
  const out: string[] = ["", `### ${m.egressQuestionsHeading}`];
  for (const r of rows) {
    out.push(
      "",
      `**${m.egressQuestion({ destination: m.destination({ cls: r.destinationClass }), group: r.group })}**`,
      "",
    );
    if (r.verdict === "dropped" && r.drop) out.push(m.verdictDropped({ code: r.drop.code, at: r.drop.at }));
    else if (r.verdict === "unknown") out.push(m.verdictUnknown({ at: r.unknown?.at ?? "?" }));
    else if (r.snat.length === 0) out.push(m.egressAnswerKept({ ip: r.finalSourceIp ?? "-" }));
    else
      out.push(
        m.egressAnswerSnat({
          ip: r.finalSourceIp ?? "-",
          steps: r.snat
            .map((s) => {
              const at = formatSource(s.source);
              return `${s.component} ${s.from} → ${s.to}${at ? ` (${at})` : ""}`;
            })
            .join(m.snatThen),
        }),
      );
  }
  return out;
}

/** The NAT steps of a walk, `component: SNAT a → b (file:line)`, the packet before each taken from the step before. */
function natLines(steps: readonly Step[], start: Packet | undefined): string[] {
  const lines: string[] = [];
  let before = start;
  for (const s of steps) {
    if (s.action === "snat" || s.action === "dnat") {
      const at = formatSource(s.source);
      lines.push(`${s.component}: ${natText(s, before)}${at ? ` (${at})` : ""}`);
    }
    before = s.packet;
  }
  return lines;
}

function backendOf(t: TraceResult): { hop: string; source: string } | undefined {
  const last = t.hops[t.hops.length - 1];
  return last && last.action === "deliver" ? { hop: last.hop, source: formatSource(last.source) } : undefined;
}

function exposedPath(p: ExposedPath, m: Catalog, calicoNatOutgoing: boolean): string[] {
  const out: string[] = [
    "",
    `### ${m.pathTitle({ lb: p.loadBalancer.name, listener: p.listener, rule: p.rule })}`,
    "",
    `- ${m.ruleLine({ lbType: p.loadBalancer.type, lb: p.loadBalancer.name, source: p.loadBalancer.source, rule: p.rule, ruleSource: p.ruleSource })}`,
  ];
  if (p.notForwarded !== null) return [...out, `- ${m.notForwarded({ action: p.notForwarded })}`];
  out.push(`- ${m.tracedLine({ to: p.tracedTo })}`);
  if (p.error !== null || p.trace === null) return [...out, `- ${m.traceError({ message: flat(p.error ?? "") })}`];
  const t = p.trace;
  const backend = backendOf(t);
  if (backend) out.push(`- ${m.backendLine({ backend: backend.hop, source: backend.source })}`);
  const forwardNat = natLines(t.hops, t.packet);
  const replyNat = natLines(t.return.hops, t.return.hops[0]?.packet);
  out.push(`- ${m.natForward}: ${forwardNat.length > 0 ? forwardNat.join("; ") : m.natNone}`);
  if (t.return.hops.length > 0) out.push(`- ${m.natReply}: ${replyNat.length > 0 ? replyNat.join("; ") : m.natNone}`);
  out.push("", `**${m.questionReply({ backend: backend?.hop ?? p.tracedTo })}**`, "");
  if (t.verdict === "dropped" && t.drop)
    out.push(
      m.replyNoForward({
        at: t.drop.at,
        code: t.drop.code,
        message: flat(t.drop.message),
        source: formatSource(t.drop.source),
      }),
    );
  else if (t.verdict === "unknown" && t.unknown)
    out.push(m.replyUnknownForward({ at: t.unknown.at, capture: t.unknown.capture }));
  else if (t.return.verdict === "dropped" && t.return.drop)
    out.push(
      m.replyDropped({
        at: t.return.drop.at,
        code: t.return.drop.code,
        message: flat(t.return.drop.message),
        source: formatSource(t.return.drop.source),
      }),
    );
  else if (t.return.verdict === "unknown" && t.return.unknown)
    out.push(m.replyUnknown({ at: t.return.unknown.at, capture: t.return.unknown.capture }));
  else {
    const lastReply = t.return.hops[t.return.hops.length - 1];
    out.push(m.replyYes({ sourceSeen: t.finalSourceIp ?? "-", replySource: lastReply ? lastReply.packet.src : "-" }));
    const components = [
      ...new Set(t.return.hops.filter((s) => s.action === "snat" || s.action === "dnat").map((s) => s.component)),
    ];
    if (calicoNatOutgoing && components.length > 0 && !components.includes("calico-natoutgoing"))
      out.push("", m.natReplyCalico({ components: components.join(", ") }));
  }
  out.push("", m.diagramLead, "", traceMermaid(t, m.mermaid).trimEnd());
  return out;
}

function exposedSection(a: ReportAnalysis, m: Catalog): string[] {
  const out: string[] = [`## ${m.secExposed}`, "", m.exposedLead];
  if (a.exposed.length === 0) return [...out, "", m.noExposed];
  for (const p of a.exposed) out.push(...exposedPath(p, m, a.calicoNatOutgoing));
  return out;
}

function egressSection(a: ReportAnalysis, m: Catalog): string[] {
  const e = a.egress;
  const out: string[] = [`## ${m.secEgress}`, "", m.egressLead({ cni: e.cni.replace(/\.$/, "") })];
  if (e.groups.length === 0) return [...out, "", m.noNodes];
  const sender = (group: string): string => e.rows.find((r) => r.group === group)?.from ?? "-";
  out.push(
    "",
    markdownTable(
      [m.colGroup, m.colNodes, m.colTracedFrom],
      e.groups.map((g) => [g.name, names(g.nodes), sender(g.name)]),
    ),
    "",
  );
  out.push(
    markdownTable(
      [m.colGroup, m.colDestination, m.colTracedTo, m.colSnat, m.colSourceSeen, m.colVerdict, m.colReply],
      e.rows.map((r) => [
        r.group,
        m.destination({ cls: r.destinationClass }),
        r.verdict === "skipped" ? "-" : r.hairpin ? `${r.to} — ${m.hairpin}` : r.to,
        r.verdict === "skipped"
          ? "-"
          : r.snat.length === 0
            ? m.snatNone
            : r.snat.map((s) => `${s.component} ${s.from} → ${s.to}`).join(m.snatThen),
        r.finalSourceIp ? code(r.finalSourceIp) : "-",
        r.verdict === "skipped"
          ? m.verdictSkipped({ note: flat(r.note) })
          : r.verdict === "dropped" && r.drop
            ? m.verdictDropped({ code: r.drop.code, at: r.drop.at })
            : r.verdict === "unknown"
              ? m.verdictUnknown({ at: r.unknown?.at ?? "?" })
              : m.verdictDelivered,
        r.replyVerdict === "not-sent"
          ? "-"
          : r.replyVerdict === "dropped" && r.replyDrop
            ? m.verdictDropped({ code: r.replyDrop.code, at: r.replyDrop.at })
            : r.replyVerdict === "unknown"
              ? m.verdictUnknown({ at: r.trace?.return.unknown?.at ?? "?" })
              : m.replyReturns,
      ]),
    ),
  );
  for (const r of e.rows) {
    if (r.destinationClass !== "internet" || !r.trace) continue;
    out.push("", `### ${m.egressDiagram({ group: r.group })}`, "", traceMermaid(r.trace, m.mermaid).trimEnd());
  }
  return out;
}

function lintSection(findings: readonly FindingJson[], m: Catalog): string[] {
  const out: string[] = [`## ${m.secLint}`, ""];
  if (findings.length === 0) return [...out, m.lintNone];
  out.push(
    markdownTable(
      [m.colSeverity, m.colRule, m.colMessage, m.colObjects, m.colFix],
      findings.map((f) => [
        f.severity,
        code(f.ruleId),
        flat(f.message),
        f.objects.map((o) => `${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name} (${o.at})`).join(", "),
        flat(f.fix ?? "-"),
      ]),
    ),
  );
  return out;
}

function placementRecommendation(r: PlacementRecommendation, m: Catalog): string[] {
  const f = r.fix;
  const out: string[] = [
    "",
    `### ${m.recPlacementTitle({ workload: r.workload, group: r.group })}`,
    "",
    m.recPlacementWhy({ workload: r.workload, source: r.source, group: r.group, nodes: names(f.targetNodes) }),
  ];
  const others = r.tolerationOnlyFeasible.filter((n) => !f.targetNodes.includes(n));
  if (others.length > 0)
    out.push("", m.recTolerationOnly({ nodes: names(r.tolerationOnlyFeasible), others: names(others) }));
  if (f.patch) out.push("", m.recChange, "", "```yaml", f.patch.trimEnd(), "```");
  if (f.kubectl) out.push("", m.recPatch({ kind: f.patchTarget.kind, command: f.kubectl }));
  if (f.helm) out.push("", m.recHelm, "", "```sh", f.helm.trimEnd(), "```");
  if (f.otherRejections.length > 0)
    out.push(
      "",
      m.recOtherRejections({
        list: f.otherRejections.map((o) => `${o.node}: ${o.plugin}: ${flat(o.message)}`).join("; "),
      }),
    );
  out.push(
    "",
    f.verified
      ? m.recVerifiedPlacement({ nodes: names(f.after.feasibleNodes) })
      : m.recNotVerified({ why: flat(f.unverifiedBecause.join("; ")) }),
  );
  return out;
}

function checkResult(t: TraceResult | null, error: string | null, m: Catalog): string {
  if (!t) return m.traceError({ message: flat(error ?? "") });
  if (t.verdict === "dropped" && t.drop) return m.verdictDropped({ code: t.drop.code, at: t.drop.at });
  if (t.verdict === "unknown") return m.verdictUnknown({ at: t.unknown?.at ?? "?" });
  if (t.return.verdict === "dropped" && t.return.drop)
    return `${m.verdictDelivered}; ${m.colReply}: ${m.verdictDropped({ code: t.return.drop.code, at: t.return.drop.at })}`;
  return `${m.verdictDelivered}; ${m.colReply}: ${m.replyReturns}`;
}

function policyRecommendation(r: EgressPolicyRecommendation, m: Catalog): string[] {
  const out: string[] = [
    "",
    `### ${m.recPolicyTitle({ namespace: r.namespace })}`,
    "",
    m.recPolicyWhy({ namespace: r.namespace, cidrs: r.vpcCidrs.join(", ") }),
    "",
    "```yaml",
    r.yaml,
    "```",
    "",
  ];
  out.push(
    markdownTable(
      [m.colCheck, m.colExpected, m.colResult, m.colHolds],
      r.checks.map((c) => [
        code(
          `${c.from} → ${c.to}${c.port !== undefined ? ` ${c.protocol}/${c.port}` : c.protocol === "UDP" ? " UDP" : ""}`,
        ),
        c.expected === "delivered" ? m.expectDelivered : m.expectDropped,
        checkResult(c.trace, c.error, m),
        c.holds ? m.checkHolds : m.checkFails,
      ]),
    ),
  );
  out.push("", r.verified ? m.recVerifiedPolicy : m.recNotVerifiedPolicy);
  out.push("", m.recInternetCaveat({ namespace: r.namespace }));
  const n = r.nameLabelCheck;
  if (n?.holds && n.trace?.drop) out.push("", m.recNameLabel({ code: n.trace.drop.code, at: n.trace.drop.at }));
  return out;
}

function recommendationsSection(a: ReportAnalysis, m: Catalog): string[] {
  const out: string[] = [`## ${m.secRecommendations}`, "", m.recommendationsLead];
  if (a.recommendations.length === 0) return [...out, "", m.noRecommendations];
  for (const r of a.recommendations)
    out.push(...(r.kind === "placement" ? placementRecommendation(r, m) : policyRecommendation(r, m)));
  return out;
}

export function formatReportMarkdown(a: ReportAnalysis): string {
  const m = CATALOGS[a.lang];
  const k = a.placement.kubernetes;
  const out: string[] = [
    `# ${m.title}`,
    "",
    m.intro({ files: a.files, version: k.version, versionFrom: k.read ?? k.from, versionSource: k.source ?? "-" }),
    "",
    ...(a.namespace === undefined ? [] : [m.namespaceOnly(a.namespace), ""]),
    m.howToRead,
    "",
    ...placementSection(a, m),
    "",
    ...questionsSection(a, m),
    "",
    ...exposedSection(a, m),
    "",
    ...egressSection(a, m),
    "",
    ...lintSection(a.findings, m),
    "",
    ...recommendationsSection(a, m),
  ];
  return out.join("\n") + "\n";
}
