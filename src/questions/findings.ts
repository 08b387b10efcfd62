/**
 * The findings of `place` and `trace`, on `lint`'s severity scale, so `--fail-on` means the same in
 * every command:
 *
 * - place: a workload with pods no node can run is an `error` (`no-feasible-node`, the same
 *   derivation as the lint rule, src/analysis/lint/rules/placement.ts); a pod running on a node the
 *   model rejects is a `warning` (`runs-on-rejected-node`: the snapshot and the model disagree).
 * - trace: a packet or reply dropped is an `error` (`trace-dropped`); a verdict the snapshot cannot
 *   decide is a `warning` (`trace-unknown`). `--fail-on-drop` is `--fail-on warning`.
 */
import { unschedulableFindings } from "../analysis/lint/index.js";
import type { Drop, Unknown } from "../analysis/paths/trace-model.js";
import type { Snapshot } from "../model/snapshot.js";
import type { FindingJson } from "./contract.js";
import { findingJson, findingObjectJson } from "./lint.js";
import type { PlaceAnswer } from "./place.js";
import type { TraceAnswer } from "./trace.js";

/**
 * `place`'s findings: what `place --fail-on` judges and what its JSON carries as `findings`
 * (answerPlace computes them once; the CLI reads them from the answer).
 */
export function placeFindings(snapshot: Snapshot, answer: Pick<PlaceAnswer, "analysis">): FindingJson[] {
  const out = unschedulableFindings(snapshot, answer.analysis).map(findingJson);
  // the pod's own SourceRef (the pod list it came from), so the object is located as lint's are
  const pods = new Map(snapshot.kubernetes.pods.map((p) => [`${p.namespace}/${p.name}`, p.meta.source]));
  for (const w of answer.analysis.workloads)
    for (const f of w.findings)
      out.push({
        ruleId: "runs-on-rejected-node",
        severity: "warning",
        message: `${w.kind} ${w.namespace}/${w.name}: ${f.message}`,
        objects: [
          findingObjectJson({
            kind: "Pod",
            namespace: w.namespace,
            name: f.pod,
            source: pods.get(`${w.namespace}/${f.pod}`),
          }),
        ],
      });
  return out;
}

function located(d: Drop | Unknown): FindingJson["objects"] {
  const colon = d.at.indexOf(":");
  const component = colon < 0 ? d.at : d.at.slice(0, colon);
  const id = colon < 0 ? "" : d.at.slice(colon + 1);
  return [findingObjectJson({ kind: component, name: id, source: d.source })];
}

/** `trace`'s findings: what `trace --fail-on` judges and what its JSON carries as `findings`. */
export function traceFindings(answer: Pick<TraceAnswer, "analysis">): FindingJson[] {
  const t = answer.analysis;
  const what = `${t.from.endpoint} → ${t.to.endpoint} ${t.protocol}/${t.port}`;
  const out: FindingJson[] = [];
  const add = (leg: string, drop: Drop | null, unknown: Unknown | null): void => {
    if (drop)
      out.push({
        ruleId: "trace-dropped",
        severity: "error",
        message: `${what}: the ${leg} is dropped at ${drop.at} (${drop.code}): ${drop.message}`,
        objects: located(drop),
      });
    else if (unknown)
      out.push({
        ruleId: "trace-unknown",
        severity: "warning",
        message: `${what}: the snapshot cannot decide the ${leg} at ${unknown.at}: ${unknown.message}`,
        objects: located(unknown),
        fix: `capture ${unknown.capture}`,
      });
  };
  add("packet", t.drop, t.unknown);
  add("reply", t.return.drop, t.return.unknown);
  return out;
}
