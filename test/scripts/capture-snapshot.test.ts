/**
 * scripts/capture-snapshot.sh, run hermetically: fake `kubectl` and `aws` executables, written here
 * into a temporary directory put first on PATH, answer exactly the commands the script issues by
 * printing the files of the embedded example (examples/ecoeco). What the script writes must then be
 * the example again (minus its Secret), load with no warning, and count what the example counts.
 *
 * The fakes are strict: a command they were not told about fails (exit 98) and is recorded, and any
 * request for Secrets or ConfigMaps fails loudly (exit 97) and is recorded too.
 */
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { chmodSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { test, type TestContext } from "node:test";
import yaml from "js-yaml";
import { EXAMPLE, REPO, cli, tempDir } from "../support/helpers.js";

const SCRIPT = join(REPO, "scripts/capture-snapshot.sh");
/** the managed prefix lists the fake aws prints (test/fixtures/captures/prefix-lists) */
const PREFIX_LISTS = join(REPO, "test/fixtures/captures/prefix-lists");
const PREFIX_LISTS_FILE = "aws/ec2-describe-managed-prefix-lists.json";
const REGION = "ap-northeast-2";
const VPC = "vpc-0ecoeco0000000001";
/** How the fake joins its arguments into a lookup key: exact, whatever the arguments hold. */
const SEP = "\x1f";

const bashMissing = (() => {
  const r = spawnSync("bash", ["-c", "exit 0"], { encoding: "utf8" });
  return r.error !== undefined || r.status !== 0 ? "bash is not available on this machine" : false;
})();

// ------------------------------------------------------------------------------------------------
// The example, as the fakes serve it

interface IndexEntry {
  readonly path: string;
  readonly targetGroupArn?: string;
  readonly prefixListId?: string;
  readonly namespace?: string;
}
interface SnapshotIndex {
  readonly kubernetes?: readonly IndexEntry[];
  readonly aws?: readonly IndexEntry[];
}

const readIndex = (file: string): SnapshotIndex => yaml.load(readFileSync(file, "utf8")) as SnapshotIndex;
const exampleJson = (rel: string): any => JSON.parse(readFileSync(join(EXAMPLE, rel), "utf8"));

/** The files the script writes (k8s/…, aws/…), with the resources it asks kubectl for in each. */
const K8S: readonly (readonly [file: string, scope: "cluster" | "namespaced", resources: string])[] = [
  ["namespaces.yaml", "cluster", "namespaces"],
  ["nodes.yaml", "cluster", "nodes"],
  ["priorityclasses.yaml", "cluster", "priorityclasses.scheduling.k8s.io"],
  ["deployments.yaml", "namespaced", "deployments.apps"],
  ["replicasets.yaml", "namespaced", "replicasets.apps"],
  ["statefulsets.yaml", "namespaced", "statefulsets.apps"],
  ["daemonsets.yaml", "namespaced", "daemonsets.apps"],
  ["jobs.yaml", "namespaced", "jobs.batch"],
  ["cronjobs.yaml", "namespaced", "cronjobs.batch"],
  ["pods.yaml", "namespaced", "pods"],
  ["services.yaml", "namespaced", "services"],
  ["endpointslices.yaml", "namespaced", "endpointslices.discovery.k8s.io"],
  ["ingressclasses.yaml", "cluster", "ingressclasses.networking.k8s.io"],
  ["ingresses.yaml", "namespaced", "ingresses.networking.k8s.io"],
  ["networkpolicies.yaml", "namespaced", "networkpolicies.networking.k8s.io"],
  [
    "calico.yaml",
    "cluster",
    "ippools.crd.projectcalico.org,felixconfigurations.crd.projectcalico.org,blockaffinities.crd.projectcalico.org",
  ],
  ["prometheus-operator.yaml", "namespaced", "prometheuses.monitoring.coreos.com,alertmanagers.monitoring.coreos.com"],
];

/**
 * `kubectl api-resources --verbs=list -o name` of a cluster like the example's: Secrets and
 * ConfigMaps are served (the script must still never ask for them), the Calico API server is not
 * (projectcalico.org/v3 is skipped with a note).
 */
const API_RESOURCES =
  [
    "bindings",
    "componentstatuses",
    "configmaps",
    "endpoints",
    "events",
    "limitranges",
    "namespaces",
    "nodes",
    "persistentvolumeclaims",
    "persistentvolumes",
    "pods",
    "podtemplates",
    "replicationcontrollers",
    "resourcequotas",
    "secrets",
    "serviceaccounts",
    "services",
    "mutatingwebhookconfigurations.admissionregistration.k8s.io",
    "customresourcedefinitions.apiextensions.k8s.io",
    "applications.argoproj.io",
    "appprojects.argoproj.io",
    "controllerrevisions.apps",
    "daemonsets.apps",
    "deployments.apps",
    "replicasets.apps",
    "statefulsets.apps",
    "horizontalpodautoscalers.autoscaling",
    "cronjobs.batch",
    "jobs.batch",
    "bgpconfigurations.crd.projectcalico.org",
    "blockaffinities.crd.projectcalico.org",
    "felixconfigurations.crd.projectcalico.org",
    "ipamblocks.crd.projectcalico.org",
    "ippools.crd.projectcalico.org",
    "leases.coordination.k8s.io",
    "endpointslices.discovery.k8s.io",
    "events.events.k8s.io",
    "alertmanagers.monitoring.coreos.com",
    "podmonitors.monitoring.coreos.com",
    "prometheuses.monitoring.coreos.com",
    "prometheusrules.monitoring.coreos.com",
    "servicemonitors.monitoring.coreos.com",
    "ingressclasses.networking.k8s.io",
    "ingresses.networking.k8s.io",
    "networkpolicies.networking.k8s.io",
    "poddisruptionbudgets.policy",
    "clusterrolebindings.rbac.authorization.k8s.io",
    "clusterroles.rbac.authorization.k8s.io",
    "rolebindings.rbac.authorization.k8s.io",
    "roles.rbac.authorization.k8s.io",
    "priorityclasses.scheduling.k8s.io",
    "storageclasses.storage.k8s.io",
  ].join("\n") + "\n";

/** a file or a text printed on stdout (exit 0), or `fail`: printed on stderr, exit 1 (kubectl's RBAC denial) */
type Response = { readonly file: string } | { readonly text: string } | { readonly fail: string };
type Table = Map<string, Response>; // key: arguments joined by SEP

/** `kubectl get KIND -o yaml` of a kind with no object: an empty List, as kubectl prints it */
const EMPTY_LIST = 'apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n';
/** kubectl's error when RBAC denies the list (exit 1) */
const forbidden = (resource: string) =>
  `Error from server (Forbidden): ${resource} is forbidden: User "podpath-reader" cannot list resource "${resource}" in API group "" at the cluster scope\n`;

/**
 * The admission kinds (LimitRanger, RuntimeClass) and the eviction API's budgets: the example's
 * cluster denies LimitRanges to the reader (RBAC), has no PodDisruptionBudget, and does not serve
 * RuntimeClasses (not in API_RESOURCES: skipped with a note).
 */
const ADMISSION_KINDS: readonly (readonly [args: readonly string[], response: Response])[] = [
  [["get", "limitranges", "--all-namespaces", "-o", "yaml"], { fail: forbidden("limitranges") }],
  [["get", "poddisruptionbudgets.policy", "--all-namespaces", "-o", "yaml"], { text: EMPTY_LIST }],
];

function kubectlTable(): Table {
  const t: Table = new Map();
  const k = (...args: readonly string[]) => args.join(SEP);
  t.set(k("version"), { text: "Client Version: v1.31.1\nServer Version: v1.31.1\n" });
  t.set(k("api-resources", "--verbs=list", "-o", "name"), { text: API_RESOURCES });
  for (const [file, scope, resources] of K8S) {
    const args =
      scope === "cluster" ? ["get", resources, "-o", "yaml"] : ["get", resources, "--all-namespaces", "-o", "yaml"];
    t.set(k(...args), { file: join(EXAMPLE, "k8s", file) });
  }
  for (const [args, response] of ADMISSION_KINDS) t.set(k(...args), response);
  return t;
}

function awsTable(): Table {
  const t: Table = new Map();
  const k = (...args: string[]) => ["--region", REGION, ...args].join(SEP);
  const inVpc = `[?VpcId=='${VPC}']`;
  const vpcFilter = ["--filters", `Name=vpc-id,Values=${VPC}`];
  const file = (rel: string) => ({ file: join(EXAMPLE, rel) });
  const text = (rows: readonly (readonly unknown[])[]) => ({ text: rows.map((r) => r.join("\t") + "\n").join("") });

  t.set(k("sts", "get-caller-identity", "--output", "json"), {
    text:
      JSON.stringify({
        UserId: "AIDAEXAMPLE",
        Account: "123456789012",
        Arn: "arn:aws:iam::123456789012:user/podpath-test",
      }) + "\n",
  });
  t.set(k("ec2", "describe-vpcs", "--vpc-ids", VPC, "--output", "json"), file("aws/ec2-describe-vpcs.json"));
  for (const what of [
    "subnets",
    "route-tables",
    "network-acls",
    "security-groups",
    "instances",
    "network-interfaces",
  ]) {
    t.set(k("ec2", `describe-${what}`, ...vpcFilter, "--output", "json"), file(`aws/ec2-describe-${what}.json`));
  }
  t.set(
    k("ec2", "describe-internet-gateways", "--filters", `Name=attachment.vpc-id,Values=${VPC}`, "--output", "json"),
    file("aws/ec2-describe-internet-gateways.json"),
  );
  t.set(
    k("ec2", "describe-nat-gateways", "--filter", `Name=vpc-id,Values=${VPC}`, "--output", "json"),
    file("aws/ec2-describe-nat-gateways.json"),
  );
  // prefix lists are not VPC-scoped; the example's rules name none, so no entries are asked for
  t.set(k("ec2", "describe-managed-prefix-lists", "--output", "json"), {
    file: join(PREFIX_LISTS, "aws/ec2-describe-managed-prefix-lists.json"),
  });

  // load balancers → listeners → rules (a rule's ARN names its listener)
  const lbs: any[] = exampleJson("aws/elbv2-describe-load-balancers.json").LoadBalancers;
  assert.equal(lbs.length, 1, "the example has one load balancer: its files are not prefixed");
  t.set(
    k("elbv2", "describe-load-balancers", "--query", `{LoadBalancers: LoadBalancers${inVpc}}`, "--output", "json"),
    file("aws/elbv2-describe-load-balancers.json"),
  );
  t.set(
    k(
      "elbv2",
      "describe-load-balancers",
      "--query",
      `LoadBalancers${inVpc}.[LoadBalancerArn,LoadBalancerName]`,
      "--output",
      "text",
    ),
    text(lbs.map((lb) => [lb.LoadBalancerArn, lb.LoadBalancerName])),
  );
  const listeners: any[] = exampleJson("aws/elbv2-describe-listeners.json").Listeners;
  const lbArn: string = lbs[0].LoadBalancerArn;
  t.set(
    k("elbv2", "describe-listeners", "--load-balancer-arn", lbArn, "--output", "json"),
    file("aws/elbv2-describe-listeners.json"),
  );
  t.set(
    k(
      "elbv2",
      "describe-listeners",
      "--load-balancer-arn",
      lbArn,
      "--query",
      "Listeners[].[ListenerArn,Protocol,Port]",
      "--output",
      "text",
    ),
    text(listeners.map((l) => [l.ListenerArn, l.Protocol, l.Port])),
  );
  const rulesFiles = readdirSync(join(EXAMPLE, "aws")).filter((f) => f.startsWith("elbv2-describe-rules"));
  for (const rf of rulesFiles) {
    const rules: any[] = exampleJson(`aws/${rf}`).Rules;
    const listenerArns = new Set(
      rules.map((r) =>
        String(r.RuleArn)
          .replace(":listener-rule/", ":listener/")
          .replace(/\/[^/]+$/, ""),
      ),
    );
    assert.equal(listenerArns.size, 1, `${rf}: the rules of one listener`);
    t.set(k("elbv2", "describe-rules", "--listener-arn", [...listenerArns][0]!, "--output", "json"), file(`aws/${rf}`));
  }

  // target groups → target health (the example's index names each file's target group); its target
  // groups are an ALB's (HTTP), so no describe-target-group-attributes is asked for
  const tgs: any[] = exampleJson("aws/elbv2-describe-target-groups.json").TargetGroups;
  t.set(
    k("elbv2", "describe-target-groups", "--query", `{TargetGroups: TargetGroups${inVpc}}`, "--output", "json"),
    file("aws/elbv2-describe-target-groups.json"),
  );
  t.set(
    k(
      "elbv2",
      "describe-target-groups",
      "--query",
      `TargetGroups${inVpc}.[TargetGroupArn,TargetGroupName,Protocol]`,
      "--output",
      "text",
    ),
    text(tgs.map((tg) => [tg.TargetGroupArn, tg.TargetGroupName, tg.Protocol])),
  );
  for (const entry of readIndex(join(EXAMPLE, "podpath.yaml")).aws ?? []) {
    if (entry.targetGroupArn === undefined) continue;
    t.set(
      k("elbv2", "describe-target-health", "--target-group-arn", entry.targetGroupArn, "--output", "json"),
      file(entry.path),
    );
  }
  return t;
}

// ------------------------------------------------------------------------------------------------
// The fakes

const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Writes DIR/bin/kubectl and DIR/bin/aws; returns the bin directory. */
function writeFakes(dir: string, tables: Readonly<Record<"kubectl" | "aws", Table>>): string {
  const bin = join(dir, "bin");
  let n = 0;
  const files: Record<string, string> = {};
  for (const [name, table] of Object.entries(tables)) {
    const lines: string[] = [];
    for (const [key, response] of table) {
      assert.ok(!/[\t\n]/.test(key), key);
      let path: string;
      if ("file" in response) path = response.file;
      else if ("text" in response) files[(path = join(dir, "responses", `${name}-${n++}.out`))] = response.text;
      else files[(path = join(dir, "responses", `!${name}-${n++}.err`))] = response.fail;
      lines.push(`${key}\t${path}\n`);
    }
    files[join(dir, `${name}.table`)] = lines.join("");
    files[join(bin, name)] = `#!/usr/bin/env bash
# fake ${name}, written by test/scripts/capture-snapshot.test.ts: answers from ${name}.table only
log=${sq(dir)}
line="${name} $*"
printf '%s\\n' "$line" >>"$log/calls.log"
shopt -s nocasematch
for a in "$@"; do
  if [[ $a =~ (^|,)(secret|secrets|configmap|configmaps|cm)(\\.|,|$) ]]; then
    printf '%s\\n' "$line" >>"$log/forbidden.log"
    echo "FAKE ${name}: FORBIDDEN, Secrets and ConfigMaps must never be read: $line" >&2
    exit 97
  fi
done
shopt -u nocasematch
IFS=$'\\x1f'
key="$*"
while IFS=$'\\t' read -r k file; do
  if [[ $k == "$key" ]]; then
    printf '%s\\n' "${name}${SEP}$key" >>"$log/used.log"
    if [[ \${file##*/} == !* ]]; then cat "$file" >&2; exit 1; fi
    cat "$file"
    exit 0
  fi
done <"$log/${name}.table"
printf '%s\\n' "$line" >>"$log/unexpected.log"
echo "FAKE ${name}: unexpected command: $line" >&2
exit 98
`;
  }
  for (const [path, content] of Object.entries(files)) {
    writeFileSync(path, content, { flag: "w" });
  }
  chmodSync(join(bin, "kubectl"), 0o755);
  chmodSync(join(bin, "aws"), 0o755);
  return bin;
}

function setup(
  t: TestContext,
  aws: Table = awsTable(),
): { dir: string; bin: string; tables: Record<"kubectl" | "aws", Table> } {
  const dir = tempDir({ "bin/.keep": "", "responses/.keep": "" });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tables = { kubectl: kubectlTable(), aws };
  return { dir, bin: writeFakes(dir, tables), tables };
}

const readLog = (dir: string, name: string): string[] =>
  existsSync(join(dir, name))
    ? readFileSync(join(dir, name), "utf8")
        .split("\n")
        .filter((l) => l !== "")
    : [];

function capture(bin: string, args: readonly string[]): SpawnSyncReturns<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env["PATH"] ?? "/usr/bin:/bin"}` };
  // nothing real must be reachable even if the fakes were bypassed
  env["KUBECONFIG"] = "/nonexistent/podpath-test-kubeconfig";
  env["AWS_CONFIG_FILE"] = "/nonexistent/podpath-test-aws-config";
  env["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/podpath-test-aws-credentials";
  for (const v of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"]) delete env[v];
  const r = spawnSync("bash", [SCRIPT, ...args], { cwd: REPO, env, encoding: "utf8", timeout: 20_000 });
  if (r.error) throw r.error;
  return r;
}

function walk(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full, base));
    else out.push(relative(base, full));
  }
  return out;
}

// ------------------------------------------------------------------------------------------------

test(
  "the fakes refuse Secrets and ConfigMaps loudly, and unknown commands, recording them",
  { skip: bashMissing },
  (t) => {
    const { dir, bin } = setup(t);
    const run = (cmd: string, args: string[]) => spawnSync(join(bin, cmd), args, { encoding: "utf8" });
    const secrets = run("kubectl", ["get", "secrets", "--all-namespaces", "-o", "yaml"]);
    assert.equal(secrets.status, 97);
    assert.match(secrets.stderr, /FORBIDDEN/);
    assert.equal(run("kubectl", ["get", "deployments.apps,ConfigMaps", "-o", "yaml"]).status, 97);
    assert.deepEqual(readLog(dir, "forbidden.log"), [
      "kubectl get secrets --all-namespaces -o yaml",
      "kubectl get deployments.apps,ConfigMaps -o yaml",
    ]);
    // a known command is answered with the example's file, byte for byte
    const nodes = run("kubectl", ["get", "nodes", "-o", "yaml"]);
    assert.equal(nodes.status, 0);
    assert.equal(nodes.stdout, readFileSync(join(EXAMPLE, "k8s/nodes.yaml"), "utf8"));
    // …but not without the VPC filter
    assert.equal(run("aws", ["--region", REGION, "ec2", "describe-subnets", "--output", "json"]).status, 98);
    assert.deepEqual(readLog(dir, "unexpected.log"), [`aws --region ${REGION} ec2 describe-subnets --output json`]);
  },
);

test(
  "capture-snapshot.sh with fake kubectl and aws writes the example again, without its Secret",
  { skip: bashMissing },
  async (t) => {
    const { dir, bin, tables } = setup(t);
    const out = join(dir, "out");
    const r = capture(bin, [out, "--region", REGION, "--vpc-id", VPC]);
    assert.equal(r.status, 0, `exit ${r.status}\n${r.stderr}`);

    // every command it issued was one the fakes knew; each of those was issued; no Secret was asked for
    assert.deepEqual(readLog(dir, "forbidden.log"), [], "Secrets or ConfigMaps were requested");
    assert.deepEqual(readLog(dir, "unexpected.log"), [], "commands the fakes do not know");
    const used = new Set(readLog(dir, "used.log"));
    const known = [...tables.kubectl.keys()]
      .map((k) => `kubectl${SEP}${k}`)
      .concat([...tables.aws.keys()].map((k) => `aws${SEP}${k}`));
    assert.deepEqual(
      known.filter((k) => !used.has(k)).map((k) => k.split(SEP).join(" ")),
      [],
      "commands never issued",
    );
    assert.match(r.stderr, /skipping ippools\.projectcalico\.org: not served by this cluster/);
    // the admission kinds: RuntimeClasses not served, LimitRanges denied by RBAC (left out, the rest captured)
    assert.match(r.stderr, /skipping runtimeclasses\.node\.k8s\.io: not served by this cluster/);
    assert.match(r.stderr, /kubectl get limitranges failed; limitranges\.yaml not written/);
    assert.match(r.stderr, /Forbidden\): limitranges is forbidden/);
    assert.match(r.stderr, /wrote 18 Kubernetes and 18 AWS files/);

    // the files: the example's, minus its Secret, each byte for byte as the fake printed it
    const example = readIndex(join(EXAMPLE, "podpath.yaml"));
    const exampleK8s = (example.kubernetes ?? []).map((e) => e.path);
    assert.ok(exampleK8s.includes("k8s/secrets.yaml"), "the example lists a Secret, so the next check can fail");
    // the example's files, in the script's order, with the (empty) PodDisruptionBudget list after the PriorityClasses
    const capturedK8s = exampleK8s.flatMap((p) =>
      p === "k8s/secrets.yaml" ? [] : p === "k8s/priorityclasses.yaml" ? [p, "k8s/poddisruptionbudgets.yaml"] : [p],
    );
    const exampleTh = (example.aws ?? []).filter((e) => e.targetGroupArn !== undefined);
    assert.ok(exampleTh.length >= 1);
    const expectedFiles = [...capturedK8s, ...(example.aws ?? []).map((e) => e.path)].sort();
    const written = walk(out);
    assert.deepEqual(written, [...expectedFiles, PREFIX_LISTS_FILE, "podpath.yaml"].sort());
    assert.ok(readFileSync(join(out, PREFIX_LISTS_FILE)).equals(readFileSync(join(PREFIX_LISTS, PREFIX_LISTS_FILE))));
    for (const rel of expectedFiles) {
      if (rel === "k8s/poddisruptionbudgets.yaml") assert.equal(readFileSync(join(out, rel), "utf8"), EMPTY_LIST);
      else
        assert.ok(
          readFileSync(join(out, rel)).equals(readFileSync(join(EXAMPLE, rel))),
          `${rel} differs from the example's`,
        );
    }
    assert.ok(!written.some((f) => /secret|configmap/i.test(f)), "a Secret or ConfigMap file was written");

    // the index: the example's, targetGroupArn entries included
    const index = readIndex(join(out, "podpath.yaml"));
    assert.deepEqual(
      (index.kubernetes ?? []).map((e) => e.path),
      capturedK8s,
    );
    const byPath = (a: IndexEntry, b: IndexEntry) => a.path.localeCompare(b.path);
    assert.deepEqual(
      [...(index.aws ?? [])].sort(byPath),
      [...(example.aws ?? []), { path: PREFIX_LISTS_FILE }].sort(byPath),
    );
    const th = (index.aws ?? []).filter((e) => e.targetGroupArn !== undefined);
    assert.equal(th.length, exampleTh.length);
    assert.ok(th.every((e) => /^arn:aws:elasticloadbalancing:[^:]+:\d+:targetgroup\//.test(e.targetGroupArn!)));

    // no secret value: the Secret's data nowhere; the env values workloads hold literally only in workload files
    const grafana = "EXAMPLE-NOT-A-REAL-GRAFANA-PASSWORD-0003";
    const secretValues = [grafana, Buffer.from(grafana).toString("base64")];
    const exampleSecret = readFileSync(join(EXAMPLE, "k8s/secrets.yaml"), "utf8");
    assert.ok(exampleSecret.includes(secretValues[1]!), "the example's Secret holds the value, so the check can fail");
    const workloadFiles = new Set([
      "k8s/deployments.yaml",
      "k8s/replicasets.yaml",
      "k8s/statefulsets.yaml",
      "k8s/pods.yaml",
    ]);
    let literalEnv = 0;
    for (const rel of written) {
      const text = readFileSync(join(out, rel), "utf8");
      for (const s of secretValues) assert.ok(!text.includes(s), `${rel} holds ${s}`);
      assert.doesNotMatch(text, /^\s*-?\s*kind:\s*(Secret|ConfigMap)\s*$/m, `${rel} holds a Secret or ConfigMap`);
      if (text.includes("EXAMPLE-NOT-A-REAL")) {
        assert.ok(workloadFiles.has(rel), `${rel} holds an EXAMPLE-NOT-A-REAL value`);
        literalEnv++;
      }
    }
    assert.equal(
      literalEnv,
      workloadFiles.size,
      "the workloads' literal env values are captured as the cluster stores them",
    );

    // podpath reads it as it reads the example: no warning, the same counts, the same files
    const mine = await cli(["snapshot", "show", "-s", out, "-o", "json"]);
    assert.equal(mine.code, 0, mine.stderr);
    const theirs = await cli(["snapshot", "show", "-o", "json"]);
    assert.equal(theirs.code, 0, theirs.stderr);
    const a = JSON.parse(mine.stdout);
    const b = JSON.parse(theirs.stdout);
    assert.deepEqual(
      a.diagnostics.filter((d: any) => d.severity === "warning"),
      [],
    );
    const counted = {
      kubernetes: ["nodes", "workloads", "pods", "services", "ingresses"],
      aws: [
        "vpcs",
        "subnets",
        "securityGroups",
        "instances",
        "loadBalancers",
        "listeners",
        "listenerRules",
        "targetGroups",
        "targetHealth",
      ],
    } as const;
    for (const [part, keys] of Object.entries(counted)) {
      for (const key of keys) {
        assert.equal(typeof b[part][key], "number", `${part}.${key}`);
        assert.ok(b[part][key] > 0, `the example has ${part}.${key}`);
        assert.equal(a[part][key], b[part][key], `${part}.${key}`);
      }
    }
    assert.deepEqual(a.kubernetes, b.kubernetes);
    assert.deepEqual({ ...a.aws, prefixLists: 0 }, b.aws, "the same AWS objects, plus the managed prefix lists");
    assert.equal(a.aws.prefixLists, 2);
    assert.ok("v1 Secret" in b.unmodelledKinds, "the example's Secret is counted, so the next check can fail");
    assert.deepEqual(
      Object.keys(a.unmodelledKinds).filter((k) => /Secret|ConfigMap/.test(k)),
      [],
    );
    const files = (s: any) =>
      s.files
        .map((f: any) => ({ ...f, path: relative(resolve(REPO, s.roots[0]), resolve(REPO, f.path)) }))
        .sort((x: any, y: any) => x.path.localeCompare(y.path));
    assert.deepEqual(
      files(a).filter((f: any) => f.path !== PREFIX_LISTS_FILE && f.path !== "k8s/poddisruptionbudgets.yaml"),
      files(b).filter((f: any) => f.path !== "k8s/secrets.yaml"),
    );
    assert.ok(files(a).some((f: any) => f.path === "k8s/poddisruptionbudgets.yaml"));
  },
);

test(
  "capture-snapshot.sh captures the entries of each prefix list a rule names, with prefixListId in the index, and podpath attaches them",
  { skip: bashMissing },
  async (t) => {
    // the same example, but its security groups answered by a capture whose SSH rule names a prefix list
    const aws = awsTable();
    const k = (...args: string[]) => ["--region", REGION, ...args].join(SEP);
    const sgKey = k("ec2", "describe-security-groups", "--filters", `Name=vpc-id,Values=${VPC}`, "--output", "json");
    assert.ok(aws.has(sgKey));
    aws.set(sgKey, {
      file: join(REPO, "test/fixtures/captures/kubeadm-public-instances-only/aws/ec2-describe-security-groups.json"),
    });
    const entries = "aws/prefix-list-entries/pl-0f3e1c2d4b5a69788.json";
    aws.set(
      k("ec2", "get-managed-prefix-list-entries", "--prefix-list-id", "pl-0f3e1c2d4b5a69788", "--output", "json"),
      { file: join(PREFIX_LISTS, entries) },
    );
    const { dir, bin } = setup(t, aws);
    const out = join(dir, "out");
    const r = capture(bin, [out, "--region", REGION, "--vpc-id", VPC, "--no-kubernetes"]);
    assert.equal(r.status, 0, `exit ${r.status}\n${r.stderr}`);
    assert.deepEqual(readLog(dir, "unexpected.log"), []);
    assert.ok(
      readLog(dir, "used.log").includes(
        `aws${SEP}${k("ec2", "get-managed-prefix-list-entries", "--prefix-list-id", "pl-0f3e1c2d4b5a69788", "--output", "json")}`,
      ),
    );
    assert.ok(readFileSync(join(out, entries)).equals(readFileSync(join(PREFIX_LISTS, entries))));
    const index = readIndex(join(out, "podpath.yaml"));
    assert.deepEqual(
      (index.aws ?? []).filter((e) => e.path.startsWith("aws/prefix-list")),
      [{ path: entries, prefixListId: "pl-0f3e1c2d4b5a69788" }],
    );
    const shown = await cli(["snapshot", "show", "-s", out, "-o", "json"]);
    assert.equal(shown.code, 0, shown.stderr);
    const layer = JSON.parse(shown.stdout).layers.find((l: any) => l.key === "prefixLists");
    assert.deepEqual(
      layer.files.map((f: string) => relative(out, resolve(REPO, f))),
      [PREFIX_LISTS_FILE, entries],
    );
    assert.equal(layer.note, null, "every list a rule names has its entries");
  },
);

test(
  "capture-snapshot.sh captures describe-target-group-attributes of each NLB target group (TCP), with targetGroupArn in the index, and snapshot show lists it under its layer",
  { skip: bashMissing },
  async (t) => {
    // the example's AWS side, but its target groups answered by the EKS capture's NLB target group
    const NLB = join(REPO, "test/fixtures/captures/eks-vpc-cni-nlb");
    const nlbIndex = readIndex(join(NLB, "podpath.yaml")).aws ?? [];
    const aws = awsTable();
    const k = (...args: string[]) => ["--region", REGION, ...args].join(SEP);
    const inVpc = `[?VpcId=='${VPC}']`;
    for (const key of [...aws.keys()]) if (/describe-target-(groups|health)/.test(key)) aws.delete(key);
    const tgs: any[] = JSON.parse(
      readFileSync(join(NLB, "aws/elbv2-describe-target-groups.json"), "utf8"),
    ).TargetGroups;
    assert.deepEqual(
      tgs.map((tg) => tg.Protocol),
      ["TCP"],
    );
    const arn: string = tgs[0].TargetGroupArn;
    aws.set(
      k("elbv2", "describe-target-groups", "--query", `{TargetGroups: TargetGroups${inVpc}}`, "--output", "json"),
      { file: join(NLB, "aws/elbv2-describe-target-groups.json") },
    );
    aws.set(
      k(
        "elbv2",
        "describe-target-groups",
        "--query",
        `TargetGroups${inVpc}.[TargetGroupArn,TargetGroupName,Protocol]`,
        "--output",
        "text",
      ),
      {
        text: tgs.map((tg) => [tg.TargetGroupArn, tg.TargetGroupName, tg.Protocol].join("\t") + "\n").join(""),
      },
    );
    const entries = nlbIndex.filter((e) => e.targetGroupArn === arn);
    const health = entries.find((e) => e.path.includes("target-health"))!.path;
    const attributes = entries.find((e) => e.path.includes("target-group-attributes"))!.path;
    aws.set(k("elbv2", "describe-target-health", "--target-group-arn", arn, "--output", "json"), {
      file: join(NLB, health),
    });
    aws.set(k("elbv2", "describe-target-group-attributes", "--target-group-arn", arn, "--output", "json"), {
      file: join(NLB, attributes),
    });
    const { dir, bin } = setup(t, aws);
    const out = join(dir, "out");
    const r = capture(bin, [out, "--region", REGION, "--vpc-id", VPC, "--no-kubernetes"]);
    assert.equal(r.status, 0, `exit ${r.status}\n${r.stderr}`);
    assert.deepEqual(readLog(dir, "unexpected.log"), []);
    assert.ok(
      readLog(dir, "used.log").includes(
        `aws${SEP}${k("elbv2", "describe-target-group-attributes", "--target-group-arn", arn, "--output", "json")}`,
      ),
    );
    assert.ok(readFileSync(join(out, attributes)).equals(readFileSync(join(NLB, attributes))));
    const index = readIndex(join(out, "podpath.yaml"));
    assert.deepEqual(
      (index.aws ?? []).filter((e) => e.targetGroupArn !== undefined),
      [
        { path: health, targetGroupArn: arn },
        { path: attributes, targetGroupArn: arn },
      ],
    );
    const shown = await cli(["snapshot", "show", "-s", out, "-o", "json"]);
    assert.equal(shown.code, 0, shown.stderr);
    const s = JSON.parse(shown.stdout);
    const layer = s.layers.find((l: any) => /attribute/i.test(l.key));
    assert.ok(layer, JSON.stringify(s.layers.map((l: any) => l.key)));
    assert.deepEqual(
      layer.files.map((f: string) => relative(out, resolve(REPO, f))),
      [attributes],
    );
  },
);

test(
  "capture-snapshot.sh captures LimitRanges, RuntimeClasses and PodDisruptionBudgets (what LimitRanger, RuntimeClass admission and the eviction API read) where the cluster serves them, and podpath models each",
  { skip: bashMissing },
  async (t) => {
    const k = (...args: readonly string[]) => args.join(SEP);
    const kubectl = kubectlTable();
    kubectl.set(k("api-resources", "--verbs=list", "-o", "name"), {
      text: `${API_RESOURCES}runtimeclasses.node.k8s.io\n`,
    });
    const objects = {
      limitranges: `apiVersion: v1
items:
- apiVersion: v1
  kind: LimitRange
  metadata:
    creationTimestamp: "2026-11-02T08:00:00Z"
    name: defaults
    namespace: default
    resourceVersion: "1000"
    uid: 6b1f6c1e-2a43-4d3c-9f57-0a8f7f1c2e11
  spec:
    limits:
    - default:
        cpu: 500m
        memory: 512Mi
      defaultRequest:
        cpu: 250m
        memory: 256Mi
      type: Container
kind: List
metadata:
  resourceVersion: ""
`,
      runtimeclasses: `apiVersion: v1
items:
- apiVersion: node.k8s.io/v1
  handler: runsc
  kind: RuntimeClass
  metadata:
    creationTimestamp: "2026-11-02T08:00:00Z"
    name: gvisor
    resourceVersion: "1000"
    uid: 0c7d1b7a-5c55-4a8e-8c1e-3d0f9b7a6e22
  overhead:
    podFixed:
      cpu: 250m
      memory: 120Mi
kind: List
metadata:
  resourceVersion: ""
`,
      poddisruptionbudgets: `apiVersion: v1
items:
- apiVersion: policy/v1
  kind: PodDisruptionBudget
  metadata:
    creationTimestamp: "2026-11-02T08:00:00Z"
    generation: 1
    name: coredns
    namespace: kube-system
    resourceVersion: "1000"
    uid: 2f0d7c1a-9b3e-4e5f-8a6d-1c2b3a4d5e33
  spec:
    maxUnavailable: 1
    selector:
      matchLabels:
        k8s-app: kube-dns
kind: List
metadata:
  resourceVersion: ""
`,
    };
    kubectl.set(k("get", "limitranges", "--all-namespaces", "-o", "yaml"), { text: objects.limitranges });
    kubectl.set(k("get", "runtimeclasses.node.k8s.io", "-o", "yaml"), { text: objects.runtimeclasses });
    kubectl.set(k("get", "poddisruptionbudgets.policy", "--all-namespaces", "-o", "yaml"), {
      text: objects.poddisruptionbudgets,
    });
    const dir = tempDir({ "bin/.keep": "", "responses/.keep": "" });
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const bin = writeFakes(dir, { kubectl, aws: new Map() });
    const out = join(dir, "out");
    const r = capture(bin, [out, "--no-aws"]);
    assert.equal(r.status, 0, `exit ${r.status}\n${r.stderr}`);
    assert.deepEqual(readLog(dir, "unexpected.log"), []);
    assert.match(r.stderr, /wrote 20 Kubernetes and 0 AWS files/);
    for (const [kind, text] of Object.entries(objects))
      assert.equal(readFileSync(join(out, "k8s", `${kind}.yaml`), "utf8"), text, kind);
    const index = readIndex(join(out, "podpath.yaml"));
    assert.deepEqual(
      (index.kubernetes ?? []).map((e) => e.path).filter((p) => /limit|runtime|disruption/.test(p)),
      ["k8s/limitranges.yaml", "k8s/runtimeclasses.yaml", "k8s/poddisruptionbudgets.yaml"],
    );
    // podpath reads each kind (none is left unmodelled) without a warning
    const show = await cli(["snapshot", "show", "-s", out, "-o", "json"]);
    assert.equal(show.code, 0, show.stderr);
    const s = JSON.parse(show.stdout);
    assert.deepEqual(
      Object.keys(s.unmodelledKinds).filter((kind) => /LimitRange|RuntimeClass|PodDisruptionBudget/.test(kind)),
      [],
    );
    assert.deepEqual(
      s.diagnostics.filter((d: any) => d.severity === "warning"),
      [],
    );
  },
);

test(
  "capture-snapshot.sh --help exits 0 and says Secrets are never captured, calling nothing",
  { skip: bashMissing },
  (t) => {
    const { dir, bin } = setup(t);
    const r = capture(bin, ["--help"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Usage: capture-snapshot\.sh OUTPUT_DIR/);
    assert.match(r.stdout, /Never captured: Secrets, ConfigMaps/);
    assert.deepEqual(readLog(dir, "calls.log"), []);
  },
);

test(
  "capture-snapshot.sh with an unknown option exits 2 naming it, writing and calling nothing",
  { skip: bashMissing },
  (t) => {
    const { dir, bin } = setup(t);
    const out = join(dir, "out");
    const r = capture(bin, [out, "--region", REGION, "--bogus"]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /unknown option: --bogus/);
    assert.equal(r.stdout, "");
    assert.equal(existsSync(out), false);
    assert.deepEqual(readLog(dir, "calls.log"), []);
  },
);
