/**
 * `podpath egress` says an assumption several rows rest on once, for the whole report (a VPC the
 * snapshot lacks, calico-node's derived pool), instead of repeating it in every row's note; each
 * row's own trace still lists it in full.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { analyseEgress } from "../../../src/analysis/paths/egress.js";
import { loadSnapshot } from "../../../src/load/load-snapshot.js";
import { REPO } from "../../support/helpers.js";

test("egress on a Kubernetes-only dump: 'no VPC' and the derived pool are report-wide assumptions, said once, in no row's note, still in each trace", () => {
  const dir = join(REPO, "test/fixtures/captures/kubeadm-calico-dump");
  const report = analyseEgress(loadSnapshot({ paths: [dir], cwd: REPO }));
  const noVpc = report.assumptions.filter((a) => a.startsWith("the snapshot has no VPC"));
  assert.equal(noVpc.length, 1, report.assumptions.join("\n"));
  assert.match(noVpc[0]!, /packets leaving a node are assumed/);
  assert.ok(
    report.assumptions.some((a) => a.startsWith("IP pool default-ipv4-ippool")),
    report.assumptions.join("\n"),
  );
  for (const row of report.rows) {
    assert.doesNotMatch(row.note, /the snapshot has no VPC/, `${row.group} → ${row.destinationWords}`);
    if (row.trace && (row.destinationClass === "other-node-pod" || row.destinationClass === "internet"))
      assert.ok(row.trace.assumptions.includes(noVpc[0]!), `${row.group} → ${row.destinationWords}`);
  }
});
