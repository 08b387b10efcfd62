/**
 * CNI detection and the AWS VPC CNI's outgoing SNAT (amazon-vpc-cni-k8s
 * pkg/networkutils/network.go: AWS-SNAT-CHAIN-0; docs for AWS_VPC_K8S_CNI_EXTERNALSNAT,
 * AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS, AWS_VPC_K8S_CNI_RANDOMIZESNAT).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { detectCni, vpcCniSettings, vpcCniSnat } from "../../../src/analysis/paths/vpc-cni.js";
import { loadSnapshot } from "../../../src/load/load-snapshot.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { formatSource } from "../../../src/model/source.js";
import { EXAMPLE, REPO, tempDir } from "../../support/helpers.js";

const example = loadSnapshot({ paths: ["examples/ecoeco"], cwd: REPO });

const AWS_FILES = [
  "ec2-describe-vpcs.json",
  "ec2-describe-subnets.json",
  "ec2-describe-instances.json",
  "ec2-describe-network-interfaces.json",
];
const awsFiles = (): Record<string, string> =>
  Object.fromEntries(AWS_FILES.map((f) => [`aws/${f}`, readFileSync(join(EXAMPLE, "aws", f), "utf8")]));
const NODES = readFileSync(join(EXAMPLE, "k8s", "nodes.yaml"), "utf8");

function awsNode(env: Readonly<Record<string, string>> = {}): string {
  const vars = Object.entries({ AWS_VPC_K8S_CNI_LOGLEVEL: "DEBUG", ...env })
    .map(([name, value]) => `        - {name: ${name}, value: "${value}"}`)
    .join("\n");
  return `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: aws-node, namespace: kube-system}
spec:
  selector: {matchLabels: {k8s-app: aws-node}}
  template:
    metadata: {labels: {k8s-app: aws-node}}
    spec:
      hostNetwork: true
      containers:
      - name: aws-node
        image: amazon-k8s-cni
        env:
${vars}
`;
}

const CALICO_POOL = `
apiVersion: crd.projectcalico.org/v1
kind: IPPool
metadata: {name: default-ipv4-ippool}
spec: {cidr: 192.168.0.0/16, vxlanMode: Always, natOutgoing: true}
`;

function pod(name: string, ip: string): string {
  return `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: default}
spec:
  nodeName: k8s-worker-1
  containers: [{name: c, image: app}]
status: {phase: Running, podIP: ${ip}}
`;
}

function snapshot(files: Readonly<Record<string, string>>): Snapshot {
  const dir = tempDir(files);
  return loadSnapshot({ paths: [dir], cwd: dir });
}

function vpcCniCluster(env: Readonly<Record<string, string>> = {}): Snapshot {
  return snapshot({ "k8s/nodes.yaml": NODES, "k8s/aws-node.yaml": awsNode(env), ...awsFiles() });
}

describe("detectCni", () => {
  test("Calico IP pools and no aws-node DaemonSet: Calico networks the pods (the example)", () => {
    const d = detectCni(example);
    assert.equal(d.networking, "calico");
    assert.equal(d.calicoPolicy, true);
    assert.match(formatSource(d.source), /calico\.yaml:\d+$/);
  });

  test("amazon-vpc-cni-k8s: an aws-node DaemonSet in kube-system and no Calico: the VPC CNI", () => {
    const d = detectCni(vpcCniCluster());
    assert.equal(d.networking, "aws-vpc-cni");
    assert.equal(d.calicoPolicy, false);
    assert.match(formatSource(d.source), /aws-node\.yaml:\d+$/);
  });

  test("Calico for policy on the VPC CNI: both present and pod IPs in the VPC → VPC CNI networking, Calico policy", () => {
    const d = detectCni(
      snapshot({
        "k8s/aws-node.yaml": awsNode(),
        "k8s/pool.yaml": CALICO_POOL,
        "k8s/pods.yaml": pod("a", "10.0.1.50") + "---" + pod("b", "10.0.1.51"),
        ...awsFiles(),
      }),
    );
    assert.equal(d.networking, "aws-vpc-cni");
    assert.equal(d.calicoPolicy, true);
    assert.match(d.note, /2 pod IPs lie in the VPC/);
  });

  test("both present and pod IPs in the Calico pools → Calico networking", () => {
    const d = detectCni(
      snapshot({
        "k8s/aws-node.yaml": awsNode(),
        "k8s/pool.yaml": CALICO_POOL,
        "k8s/pods.yaml": pod("a", "192.168.1.5") + "---" + pod("b", "10.0.1.51") + "---" + pod("c", "192.168.1.6"),
        ...awsFiles(),
      }),
    );
    assert.equal(d.networking, "calico");
  });

  test("both present and no pod evidence: the VPC CNI is assumed, and the note says so", () => {
    const d = detectCni(snapshot({ "k8s/aws-node.yaml": awsNode(), "k8s/pool.yaml": CALICO_POOL }));
    assert.equal(d.networking, "aws-vpc-cni");
    assert.match(d.note, /--cni/);
  });

  test("--cni overrides the detection", () => {
    assert.equal(detectCni(example, "aws-vpc-cni").networking, "aws-vpc-cni");
    assert.equal(detectCni(example, "aws-vpc-cni").calicoPolicy, true);
    assert.equal(detectCni(vpcCniCluster(), "calico").networking, "calico");
  });

  test("neither Calico nor aws-node: unknown", () => {
    assert.equal(detectCni(snapshot({ "k8s/nodes.yaml": NODES })).networking, "unknown");
  });
});

describe("vpcCniSnat", () => {
  const worker1 = (s: Snapshot) => s.kubernetes.nodes.find((n) => n.name === "k8s-worker-1")!;

  test("amazon-vpc-cni-k8s AWS-SNAT-CHAIN-0: a pod → outside the VPC is SNATed to the primary ENI's primary IP (--random-fully by default)", () => {
    const s = vpcCniCluster();
    const d = vpcCniSnat("10.0.1.50", "8.8.8.8", s, worker1(s));
    assert.equal(d.snat, true);
    assert.equal(d.snatTo, "10.0.1.11");
    assert.match(d.rule, /-j SNAT --to-source 10\.0\.1\.11 --random-fully$/);
    assert.equal(d.id, "kube-system/aws-node");
    assert.match(formatSource(d.source), /aws-node\.yaml:\d+$/);
  });

  test("amazon-vpc-cni-k8s AWS-SNAT-CHAIN-0: destinations inside the VPC CIDR RETURN (the ALB sees the pod IP)", () => {
    const s = vpcCniCluster();
    const d = vpcCniSnat("10.0.1.50", "10.0.2.57", s, worker1(s));
    assert.equal(d.snat, false);
    assert.equal(d.snatTo, undefined);
    assert.match(d.rule, /-d 10\.0\.0\.0\/16 -j RETURN/);
    assert.match(formatSource(d.source), /ec2-describe-vpcs\.json:\d+$/);
  });

  test("AWS_VPC_K8S_CNI_EXTERNALSNAT=true: no SNAT rule on the node", () => {
    const s = vpcCniCluster({ AWS_VPC_K8S_CNI_EXTERNALSNAT: "true" });
    const d = vpcCniSnat("10.0.1.50", "8.8.8.8", s, worker1(s));
    assert.equal(d.snat, false);
    assert.match(d.note, /NAT gateway/);
  });

  test("AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: listed destinations are not SNATed; others still are; invalid entries are skipped", () => {
    const s = vpcCniCluster({ AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: "172.16.0.0/12, bogus" });
    assert.deepEqual(vpcCniSettings(s).excludeSnatCidrs, ["172.16.0.0/12"]);
    assert.deepEqual(vpcCniSettings(s).invalidExcludes, ["bogus"]);
    const excluded = vpcCniSnat("10.0.1.50", "172.16.5.5", s, worker1(s));
    assert.equal(excluded.snat, false);
    assert.match(excluded.rule, /EXCLUDE_SNAT_CIDRS/);
    assert.equal(vpcCniSnat("10.0.1.50", "8.8.8.8", s, worker1(s)).snat, true);
  });

  test("AWS_VPC_K8S_CNI_RANDOMIZESNAT=none: plain SNAT, no port randomisation", () => {
    const s = vpcCniCluster({ AWS_VPC_K8S_CNI_RANDOMIZESNAT: "none" });
    const d = vpcCniSnat("10.0.1.50", "8.8.8.8", s, worker1(s));
    assert.match(d.rule, /--to-source 10\.0\.1\.11$/);
  });

  test("without a VPC in the snapshot the VPC CIDRs are unknown and no SNAT is assumed (said in the note)", () => {
    const s = snapshot({ "k8s/nodes.yaml": NODES, "k8s/aws-node.yaml": awsNode() });
    const d = vpcCniSnat("10.0.1.50", "8.8.8.8", s, worker1(s));
    assert.equal(d.snat, false);
    assert.match(d.note, /no VPC/);
  });
});

describe("detectCni from the node agents' pods (a kubectl get pods dump, no DaemonSet)", () => {
  const agentPod = (name: string, app: string, owner: boolean, env = "") =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: kube-system\n  labels: {k8s-app: ${app}}\n${owner ? `  ownerReferences: [{apiVersion: apps/v1, kind: DaemonSet, name: ${app}, uid: u-${app}, controller: true}]\n` : ""}spec:\n  hostNetwork: true\n  nodeName: n1\n  containers:\n  - name: ${app}\n    image: x\n    env: [{name: DATASTORE_TYPE, value: kubernetes}${env}]\nstatus: {phase: Running, podIP: 10.0.1.5, hostIP: 10.0.1.5}\n`;

  test("aws-node pods owned by DaemonSet aws-node: the AWS VPC CNI, its settings read from the pod", () => {
    const s = loadSnapshot({
      paths: ["."],
      cwd: tempDir({
        "pods.yaml": agentPod(
          "aws-node-x7k2p",
          "aws-node",
          true,
          ', {name: AWS_VPC_K8S_CNI_EXTERNALSNAT, value: "true"}',
        ),
      }),
    });
    const cni = detectCni(s);
    assert.deepEqual([cni.networking, cni.calicoPolicy], ["aws-vpc-cni", false]);
    assert.match(cni.note, /^aws-node pods \(no DaemonSet in the snapshot\) in kube-system/);
    assert.equal(vpcCniSettings(s).externalSnat, true);
  });

  test("a calico-node pod without owner reference (label k8s-app: calico-node): Calico", () => {
    const s = loadSnapshot({
      paths: ["."],
      cwd: tempDir({
        "pods.yaml": agentPod(
          "calico-node-abcde",
          "calico-node",
          false,
          ", {name: CALICO_IPV4POOL_CIDR, value: 10.244.0.0/16}",
        ),
      }),
    });
    const cni = detectCni(s);
    assert.equal(cni.networking, "calico");
    assert.match(
      cni.note,
      /default-ipv4-ippool \(10\.244\.0\.0\/16, derived from calico-node pod kube-system\/calico-node-abcde's environment/,
    );
  });
});

describe("vpcCniSnat decides its outcome first (amazon-vpc-cni-k8s AWS-SNAT-CHAIN-0), then words it", () => {
  test("outside the VPC: snat; inside: inside-vpc; the node's own address: local-destination", () => {
    const s = vpcCniCluster();
    const worker1 = s.kubernetes.nodes.find((n) => n.name === "k8s-worker-1")!;
    assert.equal(vpcCniSnat("10.0.1.50", "8.8.8.8", s, worker1).outcome, "snat");
    assert.equal(vpcCniSnat("10.0.1.50", "10.0.2.57", s, worker1).outcome, "inside-vpc");
    assert.equal(
      vpcCniSnat("10.0.1.50", "8.8.8.8", { ...s, aws: { ...s.aws, vpcs: [] } }, undefined).outcome,
      "vpc-unknown",
    );
  });
});
