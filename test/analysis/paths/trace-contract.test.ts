/**
 * PRODUCT.md's `trace -o json` contract on many endpoint pairs (issue 8, "every trace JSON has
 * `verdict` ∈ delivered | dropped | unknown and a complete `assumptions` list"): the embedded
 * example, the kubeadm + Calico public-subnet capture, and the example without its AWS files
 * (every path then crosses a gap and must say so).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { EndpointError, parseEndpoint } from "../../../src/analysis/paths/endpoints.js";
import { PathContext } from "../../../src/analysis/paths/path-context.js";
import { tracePath } from "../../../src/analysis/paths/trace.js";
import { traceJson } from "../../../src/questions/trace.js";
import { loadSnapshot } from "../../../src/load/load-snapshot.js";
import { isPrivateOrShared } from "../../../src/model/net.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { EXAMPLE, REPO } from "../../support/helpers.js";

const example = loadSnapshot({ paths: [join(EXAMPLE, "podpath.yaml")], cwd: REPO });
const capture = loadSnapshot({ paths: [join(REPO, "test/fixtures/captures/kubeadm-calico-public")], cwd: REPO });
const noAws: Snapshot = {
  ...example,
  aws: {
    ...example.aws,
    vpcs: [],
    subnets: [],
    routeTables: [],
    internetGateways: [],
    natGateways: [],
    networkAcls: [],
    securityGroups: [],
    instances: [],
    networkInterfaces: [],
  },
};

const ACTIONS = new Set([
  "forward",
  "dnat",
  "snat",
  "encapsulate",
  "decapsulate",
  "allow",
  "drop",
  "deliver",
  "unknown",
]);

interface StepJson {
  component: string;
  action: string;
  note: string;
  packet: { dst: string };
}
interface Json {
  verdict: string;
  drop: { code: string; at: string; message: string; source: string | null } | null;
  unknown: { at: string; message: string; capture: string; source: string | null } | null;
  finalSourceIp: string | null;
  finalPacket: { src: string; dst: string };
  hops: StepJson[];
  return: { verdict: string; drop: unknown; unknown: unknown; hops: StepJson[] };
  assumptions: unknown;
}

/** Sources and destinations: one pod per owner, every node, every service (destination), the internet and a few addresses. */
function endpoints(snapshot: Snapshot): { from: string[]; to: string[] } {
  const k = snapshot.kubernetes;
  const owners = new Set<string>();
  const pods: string[] = [];
  for (const p of k.pods) {
    const key = p.owner ? `${p.owner.kind}/${p.namespace}/${p.owner.name}` : `${p.namespace}/${p.name}`;
    if (owners.has(key) || !p.podIP) continue;
    owners.add(key);
    pods.push(`pod:${p.namespace}/${p.name}`);
  }
  const nodes = k.nodes.map((n) => `node:${n.name}`);
  const publicIps = snapshot.aws.instances.flatMap((i) => (i.publicIp ? [`ip:${i.publicIp}`] : []));
  const addresses = ["ip:10.99.99.99", "ip:172.16.5.5", "ip:100.64.1.1", "ip:8.8.8.8", ...publicIps];
  return {
    from: [...pods, ...nodes, "internet", "ip:198.51.100.77"],
    to: [...pods, ...nodes, ...k.services.map((s) => `service:${s.namespace}/${s.name}`), "internet", ...addresses],
  };
}

function check(name: string, snapshot: Snapshot, minimum: number): void {
  test(`trace JSON contract on ${name}: verdict, drop/unknown objects, assumptions, never a private address delivered on the internet`, () => {
    const ctx = new PathContext(snapshot);
    const { from, to } = endpoints(snapshot);
    const verdicts = new Map<string, number>();
    let traced = 0;
    for (const f of from) {
      for (const t of to) {
        if (f === t) continue;
        const request = { from: parseEndpoint(f), to: parseEndpoint(t) };
        let result;
        try {
          result = tracePath(ctx, request);
        } catch (e) {
          if (!(e instanceof EndpointError)) throw e;
          // no default port (a node, an address): the usual HTTPS port
          try {
            result = tracePath(ctx, { ...request, port: 443 });
          } catch (again) {
            if (!(again instanceof EndpointError)) throw again;
            continue;
          }
        }
        traced++;
        const j = JSON.parse(JSON.stringify(traceJson(result))) as Json;
        const what = `${f} → ${t}`;
        verdicts.set(j.verdict, (verdicts.get(j.verdict) ?? 0) + 1);
        assert.ok(["delivered", "dropped", "unknown"].includes(j.verdict), `${what}: verdict ${j.verdict}`);
        assert.ok(
          Array.isArray(j.assumptions) && j.assumptions.every((a) => typeof a === "string" && a.length > 0),
          `${what}: assumptions`,
        );
        const assumptions = j.assumptions as string[];
        assert.equal(new Set(assumptions).size, assumptions.length, `${what}: an assumption listed twice`);
        for (const h of [...j.hops, ...j.return.hops]) assert.ok(ACTIONS.has(h.action), `${what}: action ${h.action}`);
        if (j.verdict === "dropped") {
          assert.ok(
            j.drop && /^[A-Z_]+$/.test(j.drop.code) && j.drop.at && j.drop.message && "source" in j.drop,
            `${what}: drop object`,
          );
          assert.equal(j.unknown, null, `${what}: unknown with dropped`);
          assert.equal(j.finalSourceIp, null);
          assert.equal(j.return.verdict, "not-sent");
        } else if (j.verdict === "unknown") {
          assert.ok(
            j.unknown && j.unknown.at && j.unknown.message && j.unknown.capture && "source" in j.unknown,
            `${what}: unknown object`,
          );
          assert.equal(j.drop, null, `${what}: drop with unknown`);
          assert.equal(j.hops.at(-1)?.action, "unknown");
          assert.equal(j.return.verdict, "not-sent");
        } else {
          assert.equal(j.drop, null);
          assert.equal(j.unknown, null);
          assert.equal(typeof j.finalSourceIp, "string", `${what}: finalSourceIp`);
          assert.ok(
            ["delivered", "dropped", "unknown"].includes(j.return.verdict),
            `${what}: return verdict ${j.return.verdict}`,
          );
        }
        // the internet is public addresses only
        for (const h of j.hops) {
          if (h.component === "internet" && h.action === "deliver")
            assert.ok(!isPrivateOrShared(h.packet.dst), `${what}: ${h.packet.dst} delivered on the internet`);
        }
        // a hop that assumes something is listed in the assumptions
        if (
          [...j.hops, ...j.return.hops].some((h) =>
            /assumed to (deliver|reach)|is not in the snapshot \(no VPC\)/.test(h.note),
          )
        ) {
          assert.ok(assumptions.length > 0, `${what}: a hop assumes, the assumptions say nothing`);
        }
      }
    }
    assert.ok(traced >= minimum, `only ${traced} traces`);
    // the walk covers more than one outcome
    assert.ok(
      (verdicts.get("delivered") ?? 0) > 0 && (verdicts.get("dropped") ?? 0) > 0,
      JSON.stringify([...verdicts]),
    );
  });
}

check("the embedded example", example, 500);
check("the kubeadm + Calico public-subnet capture", capture, 60);
check("the example without its AWS files", noAws, 500);

test("without AWS files every path that leaves a node lists the missing VPC in its assumptions", () => {
  const t = tracePath(noAws, { from: parseEndpoint("workload:ecoeco/ecoeco-api"), to: parseEndpoint("internet") });
  assert.ok(
    t.assumptions.some((a) => /no VPC/.test(a)),
    t.assumptions.join("\n"),
  );
  const between = tracePath(noAws, {
    from: parseEndpoint("workload:ecoeco/ecoeco-api"),
    to: parseEndpoint("node:k8s-master"),
    port: 10250,
  });
  assert.ok(
    between.assumptions.some((a) => /no VPC/.test(a)),
    between.assumptions.join("\n"),
  );
});
