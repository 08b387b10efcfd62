/**
 * The bad-input suite: every way a snapshot can be broken gets a clear, located message and the
 * documented exit code (2 stops the run; a malformed object is skipped with a warning and the
 * run goes on), never a stack trace, and never slowly.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { closeSync, openSync, writeSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { cli, tempDir } from "../support/helpers.js";

const NODE = (extra: string) => `apiVersion: v1
kind: Node
metadata:
  name: n1
spec:
${extra}
status:
  allocatable: {cpu: "2", memory: 4Gi, pods: "110"}
`;

interface Case {
  readonly name: string;
  readonly files: Readonly<Record<string, string | Buffer>>;
  readonly args: readonly string[];
  readonly code: number;
  /** exact stderr for failures */
  readonly stderr?: string;
  /** for runs that go on: the warnings `snapshot show -o json` reports, as "source: message [code]" */
  readonly warnings?: readonly string[];
  /** files made on disk by the case itself (large ones) */
  readonly setup?: (dir: string) => void;
}

function bigFile(path: string, bytes: number, fill: string): void {
  const fd = openSync(path, "w");
  const chunk = Buffer.alloc(8 * 1024 * 1024, fill);
  for (let written = 0; written < bytes; written += chunk.length)
    writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - written));
  closeSync(fd);
}

const HUNDRED_MB = 100 * 1024 * 1024;

const ALIAS_BOMB = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
apiVersion: v1
kind: ConfigMap
metadata: {name: lol}
data: {x: *i}
`;

const CASES: readonly Case[] = [
  {
    name: "YAML syntax error: file:line:col and exit 2",
    files: { "bad.yaml": "apiVersion: v1\nkind: Node\nmetadata:\n  name: [n1\n" },
    args: ["snapshot", "show", "-s", "bad.yaml"],
    code: 2,
    stderr: "podpath: bad.yaml:5:1: YAML syntax error: unexpected end of the stream within a flow collection\n",
  },
  {
    name: "YAML alias bomb (billion laughs) is refused, not expanded",
    files: { "bomb.yaml": ALIAS_BOMB },
    args: ["snapshot", "show", "-s", "bomb.yaml"],
    code: 2,
    stderr:
      "podpath: bomb.yaml:7:4: YAML aliases expand to more than 1,000,000 nodes (an alias bomb?); refusing to expand\n",
  },
  {
    name: "YAML nested deeper than the limit",
    files: {
      "deep.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: " + "[".repeat(150) + "]".repeat(150) + "\n",
    },
    args: ["snapshot", "show", "-s", "deep.yaml"],
    code: 2,
    stderr: "podpath: deep.yaml:4:106: YAML nesting deeper than 100 levels\n",
  },
  {
    name: "JSON nested deeper than the limit",
    files: { "deep.json": "[".repeat(5000) + "]".repeat(5000) },
    args: ["snapshot", "show", "-s", "deep.json"],
    code: 2,
    stderr: "podpath: deep.json:1:101: JSON syntax error: nesting deeper than 100 levels\n",
  },
  {
    name: "JSON syntax error is located",
    files: {
      "nodes.json": '{\n  "apiVersion": "v1",\n  "kind": "List",\n  "items": [\n    {"kind": "Node",}\n  ]\n}\n',
    },
    args: ["snapshot", "show", "-s", "nodes.json"],
    code: 2,
    stderr: "podpath: nodes.json:5:21: JSON syntax error: expected a property name in double quotes\n",
  },
  {
    name: "a 100 MB file above --max-file-size is refused before reading",
    files: {},
    setup: (dir) => bigFile(join(dir, "huge.yaml"), HUNDRED_MB, "a"),
    args: ["snapshot", "show", "-s", "huge.yaml", "--max-file-size", "64M"],
    code: 2,
    stderr: "podpath: huge.yaml: file is 100.0 MiB, above the 64.0 MiB limit (raise it with --max-file-size)\n",
  },
  {
    name: "a 100 MB file of no known shape is recognised as such without parsing it",
    files: {},
    setup: (dir) => bigFile(join(dir, "huge.yaml"), HUNDRED_MB, "a"),
    args: ["snapshot", "show", "-s", "huge.yaml"],
    code: 2,
    stderr:
      "podpath: huge.yaml:1:1: not Kubernetes YAML/JSON or AWS CLI JSON: no apiVersion, kind or AWS CLI key in its first 64 KiB\n",
  },
  {
    name: "binary garbage",
    files: { "garbage.yaml": Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]), randomBytes(4096)]) },
    args: ["snapshot", "show", "-s", "garbage.yaml"],
    code: 2,
    stderr: "podpath: garbage.yaml: not a text file (it holds NUL bytes): expected YAML or JSON\n",
  },
  {
    name: "invalid UTF-8 without NUL bytes",
    files: { "latin1.yaml": Buffer.from("apiVersion: v1\nkind: Namespace\nmetadata: {name: caf\xe9}\n", "latin1") },
    args: ["snapshot", "show", "-s", "latin1.yaml"],
    code: 2,
    stderr: "podpath: latin1.yaml: not UTF-8 text: expected YAML or JSON\n",
  },
  {
    name: "an empty directory",
    files: {},
    setup: (dir) => mkdirSync(join(dir, "empty")),
    args: ["snapshot", "show", "-s", "empty"],
    code: 2,
    stderr: "podpath: empty: no snapshot files found (looked for podpath.yaml, *.yaml, *.yml, *.json and *.tfstate)\n",
  },
  {
    name: "a missing path",
    files: {},
    args: ["snapshot", "show", "-s", "does/not/exist"],
    code: 2,
    stderr: "podpath: does/not/exist: no such file or directory\n",
  },
  {
    name: "a JSON file of an unknown shape",
    files: { "unknown.json": '{\n  "foo": 1,\n  "bar": [2]\n}\n' },
    args: ["snapshot", "show", "-s", "unknown.json"],
    code: 2,
    stderr:
      'podpath: unknown.json:1:1: not a Kubernetes object (no apiVersion and kind) nor AWS CLI output (top-level keys "foo", "bar" match no describe-* command podpath reads)\n',
  },
  {
    name: "an index file naming a missing file, and nothing else: the file, then that nothing is left",
    files: { "podpath.yaml": "kubernetes:\n  - path: k8s/nodes.yaml\n" },
    args: ["snapshot", "show", "-s", "."],
    code: 2,
    stderr:
      "podpath: k8s/nodes.yaml: no such file or directory\npodpath: no Kubernetes objects or AWS CLI output found in .: its one file could not be loaded\n",
  },
  {
    name: "an index file entry without a path",
    files: { "podpath.yaml": "kubernetes:\n  - namespace: argocd\n" },
    args: ["snapshot", "show", "-s", "podpath.yaml"],
    code: 2,
    stderr: "podpath: podpath.yaml:2:5: kubernetes[0].path is required\n",
  },
  {
    name: "an index file entry with a path that is not a string: the path field is cited",
    files: { "podpath.yaml": "kubernetes:\n  - namespace: argocd\n    path: [a.yaml]\n" },
    args: ["snapshot", "show", "-s", "podpath.yaml"],
    code: 2,
    stderr: "podpath: podpath.yaml:3:5: kubernetes[0].path must be a string, not a list\n",
  },
  {
    name: "wrong field types: the object is skipped with a located warning, the rest is analysed",
    files: {
      "nodes.yaml": `${NODE("  taints: NoSchedule")}---\n${NODE("  unschedulable: false").replace("name: n1", "name: n2")}`,
    },
    args: ["snapshot", "show", "-s", "nodes.yaml", "-o", "json"],
    code: 0,
    warnings: [
      'nodes.yaml:6:3: Node n1 skipped: spec.taints must be a list, not a string ("NoSchedule") [invalid-object]',
    ],
  },
  {
    name: "a multi-document manifest: each warning cites the offending field, in its own document, not the file's or the document's first line",
    files: {
      "app.yaml": [
        "apiVersion: v1", // 1
        "kind: Namespace", // 2
        "metadata:", // 3
        "  name: shop", // 4
        "---", // 5
        "apiVersion: v1", // 6
        "kind: Service", // 7
        "metadata:", // 8
        "  name: web", // 9
        "  namespace: shop", // 10
        "spec:", // 11
        "  selector:", // 12
        "    app: web", // 13
        "  ports:", // 14
        "  - name: http", // 15
        "    port: 80", // 16
        "    protocol: TCP", // 17
        "    nodePort: 70000", // 18
        "---", // 19
        "just a note someone pasted", // 20
        "---", // 21
        "apiVersion: networking.k8s.io/v1", // 22
        "kind: NetworkPolicy", // 23
        "metadata:", // 24
        "  name: allow-web", // 25
        "  namespace: shop", // 26
        "spec:", // 27
        "  podSelector: {}", // 28
        "  ingress:", // 29
        "  - from:", // 30
        "    - ipBlock:", // 31
        "        except: [10.0.1.0/24]", // 32
        "        cidr: 10.0.0.0/33", // 33
        "",
      ].join("\n"),
    },
    args: ["snapshot", "show", "-s", "app.yaml", "-o", "json"],
    code: 0,
    warnings: [
      "app.yaml:18:5: Service shop/web skipped: spec.ports[0].nodePort must be between 0 and 65535, not 70000 [invalid-object]",
      "app.yaml:20:1: app.yaml: document 3: not a Kubernetes object or AWS CLI output: the document is a string [ignored-document]",
      'app.yaml:33:9: NetworkPolicy shop/allow-web skipped: spec.ingress[0].from[0].ipBlock: cidr "10.0.0.0/33" is not a valid CIDR block [invalid-object]',
    ],
  },
  {
    name: "invalid CIDRs: Calico IPPool and security group rule",
    files: {
      "calico.yaml":
        "apiVersion: crd.projectcalico.org/v1\nkind: IPPool\nmetadata: {name: pool}\nspec:\n  cidr: 192.168.0.0/33\n  natOutgoing: true\n",
      "sg.json": JSON.stringify(
        {
          SecurityGroups: [
            {
              GroupId: "sg-1",
              GroupName: "nodes",
              VpcId: "vpc-1",
              Description: "d",
              IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "10.0.0.300/16" }] }],
              IpPermissionsEgress: [],
            },
          ],
        },
        null,
        2,
      ),
    },
    args: ["snapshot", "show", "-s", ".", "-o", "json"],
    code: 0,
    warnings: [
      'calico.yaml:5:3: IPPool pool skipped: spec: cidr "192.168.0.0/33" is not a valid CIDR block [invalid-object]',
      'sg.json:15:15: security group sg-1 skipped: IpPermissions[0].IpRanges[0].CidrIp "10.0.0.300/16" is not a valid CIDR block [invalid-object]',
    ],
  },
  {
    name: "a bad quantity and a bad node annotation: each warning cites the offending entry, not its mapping's first line",
    files: {
      "pod.yaml":
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: d}\nspec:\n  containers:\n  - name: c\n    resources:\n      requests:\n        cpu: 1\n        memory: lots\n",
      "node.yaml":
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n  annotations:\n    a: b\n    projectcalico.org/IPv4VXLANTunnelAddr: not-an-ip\n",
    },
    args: ["snapshot", "show", "-s", ".", "-o", "json"],
    code: 0,
    warnings: [
      'node.yaml:7:5: Node n1 skipped: annotation projectcalico.org/IPv4VXLANTunnelAddr: "not-an-ip" is not an IPv4 address [invalid-object]',
      'pod.yaml:10:9: Pod d/p skipped: spec.containers[0].resources.requests.memory: "lots" is not a valid quantity [invalid-object]',
    ],
  },
  {
    name: "ports out of range: Service port and security group FromPort > ToPort",
    files: {
      "svc.yaml":
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {app: web}\n  ports:\n    - port: 70000\n",
      "sg.json": JSON.stringify(
        {
          SecurityGroups: [
            {
              GroupId: "sg-2",
              GroupName: "web",
              VpcId: "vpc-1",
              Description: "d",
              IpPermissions: [{ IpProtocol: "tcp", FromPort: 8080, ToPort: 80, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
              IpPermissionsEgress: [],
            },
          ],
        },
        null,
        2,
      ),
    },
    args: ["snapshot", "show", "-s", ".", "-o", "json"],
    code: 0,
    warnings: [
      "svc.yaml:7:7: Service shop/web skipped: spec.ports[0].port must be between 1 and 65535, not 70000 [invalid-object]",
      "sg.json:11:11: security group sg-2 skipped: IpPermissions[0]: FromPort 8080 is greater than ToPort 80 [invalid-object]",
    ],
  },
];

for (const c of CASES) {
  test(`bad input: ${c.name}`, async () => {
    const dir = tempDir(c.files);
    c.setup?.(dir);
    const started = Date.now();
    const result = await cli(c.args, dir);
    const elapsed = Date.now() - started;
    assert.equal(result.code, c.code, `exit code; stderr: ${result.stderr}`);
    if (c.stderr !== undefined) assert.equal(result.stderr, c.stderr);
    assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
    if (c.warnings) {
      const summary = JSON.parse(result.stdout) as {
        diagnostics: { source: string | null; message: string; code: string; severity: string }[];
      };
      const warnings = summary.diagnostics
        .filter((d) => d.severity === "warning")
        .map((d) => `${d.source}: ${d.message} [${d.code}]`);
      for (const expected of c.warnings)
        assert.ok(warnings.includes(expected), `expected warning ${expected}\n got:\n${warnings.join("\n")}`);
    }
    // A guard against hangs and runaway parsing, not a benchmark: every case must end within 2 s.
    assert.ok(elapsed < 2000, `took ${elapsed} ms`);
  });
}
