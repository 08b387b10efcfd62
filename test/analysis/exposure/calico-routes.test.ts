/**
 * A Calico pool address from the VPC (Calico docs, "Determine best networking option": overlay
 * pod addresses are not routable outside the cluster unless the network routes them), on the
 * embedded example with its route tables edited: the host's subnet route table decides first (AWS
 * VPC User Guide, "Route tables": longest prefix); a route to a node's instance brings the packet to
 * that node, where its security group and then the interface's source/destination check decide
 * (EC2: an instance receiving traffic for an address it does not own drops it unless the check is
 * off); with both open, NetworkPolicy and the pod.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { analyseExposure } from "../../../src/analysis/exposure/exposure.js";
import { editedCapture } from "./edited-capture.js";

type Json = Record<string, unknown>;
const ROUTE = {
  DestinationCidrBlock: "192.168.230.0/24",
  InstanceId: "i-0ecoeco0000000011",
  Origin: "CreateRoute",
  State: "active",
};

function routed(options: { sgOpen: boolean; checkOff: boolean }) {
  const edits: Record<string, (json: any) => void> = {
    "aws/ec2-describe-route-tables.json": (json: { RouteTables: { Routes: Json[] }[] }) => {
      for (const t of json.RouteTables) t.Routes.push({ ...ROUTE });
    },
  };
  if (options.sgOpen)
    edits["aws/ec2-describe-security-groups.json"] = (json: {
      SecurityGroups: { GroupId: string; IpPermissions: Json[] }[];
    }) => {
      json.SecurityGroups.find((g) => g.GroupId === "sg-0ecoeco0000000002")!.IpPermissions.push({
        IpProtocol: "tcp",
        FromPort: 8080,
        ToPort: 8080,
        UserIdGroupPairs: [],
        IpRanges: [{ CidrIp: "10.0.0.0/16" }],
        Ipv6Ranges: [],
        PrefixListIds: [],
      });
    };
  if (options.checkOff) {
    const off = (json: unknown): void => {
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === "object") {
          const o = v as Json;
          if ("SourceDestCheck" in o) o["SourceDestCheck"] = false;
          Object.values(o).forEach(walk);
        }
      };
      walk(json);
    };
    edits["aws/ec2-describe-instances.json"] = off;
    edits["aws/ec2-describe-network-interfaces.json"] = off;
  }
  const report = analyseExposure(editedCapture("examples/ecoeco", edits));
  const vpc = (id: string) => report.workloads.find((w) => w.workload.id === id)!.vpc;
  return {
    server: vpc("argocd/argocd-server[Deployment]").find((e) =>
      e.frontend.startsWith("pod address 192.168.230.3:8080"),
    )!,
    // a pod of the other node's block: the route does not cover it
    api: vpc("ecoeco/ecoeco-api[Deployment]").find((e) => e.kind === "pod-ip")!,
  };
}

const CASES: readonly (readonly [string, { sgOpen: boolean; checkOff: boolean }, string, string | null])[] = [
  [
    "a route to the node's instance: the node security group refuses the VPC host",
    { sgOpen: false, checkOff: false },
    "blocked",
    "SECURITY_GROUP_INGRESS",
  ],
  [
    "the group admits the VPC CIDR: the node's source/destination check drops an address it does not own",
    { sgOpen: true, checkOff: false },
    "blocked",
    "SOURCE_DEST_CHECK",
  ],
  [
    "the check off too: NetworkPolicy admits it and the pod receives it",
    { sgOpen: true, checkOff: true },
    "open",
    null,
  ],
];

for (const [why, options, verdict, code] of CASES)
  test(`Calico pool address from the VPC, ${why}`, () => {
    const { server, api } = routed(options);
    assert.equal(server.verdict, verdict, server.path);
    assert.equal(server.blockedBy?.code ?? null, code);
    // 192.168.140.0/24 (the other node's block) still follows 0.0.0.0/0 to the internet gateway
    assert.equal(api.verdict, "blocked");
    assert.equal(api.blockedBy?.code, "TARGET_NOT_ROUTABLE");
  });
