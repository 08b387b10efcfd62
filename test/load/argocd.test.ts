import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import yaml from "js-yaml";
import { loadSnapshot } from "../../src/load/load-snapshot.js";
import { corpusPath, corpusTest } from "../support/corpus.js";
import { cli, convertYaml, tempDir } from "../support/helpers.js";

const GUESTBOOK = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://github.com/argoproj/argocd-example-apps.git
    targetRevision: HEAD
    path: guestbook
  destination:
    server: https://kubernetes.default.svc
    namespace: guestbook
`;

const application = (spec: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: app\n  namespace: argocd\nspec:\n${spec}`;

function warnings(text: string) {
  return convertYaml(text).diagnostics.filter((d) => d.code === "unrendered-application");
}

describe("Argo CD Application (argo-cd pkg/apis/application/v1alpha1 types.go ApplicationSpec, ApplicationSource): listed, not rendered", () => {
  test("one warning per Application, at the Application, naming its repo, path, revision and destination, with the ways to render it", () => {
    const found = warnings(GUESTBOOK);
    assert.equal(found.length, 1);
    assert.deepEqual({ line: found[0]!.source?.line, col: found[0]!.source?.col }, { line: 1, col: 1 });
    assert.equal(
      found[0]!.message,
      "Argo CD Application argocd/guestbook: not rendered, its objects are not in the snapshot — repo https://github.com/argoproj/argocd-example-apps.git path guestbook revision HEAD → destination namespace guestbook on https://kubernetes.default.svc; render it (argocd app manifests guestbook, or kustomize build guestbook (a kustomization.yaml there) or helm template guestbook guestbook --namespace guestbook (a Chart.yaml) in a checkout of https://github.com/argoproj/argocd-example-apps.git at HEAD) and pass the output with -s with --manifest-namespace guestbook",
    );
  });

  const cases: [string, string, RegExp][] = [
    [
      "a chart from a Helm repository (ApplicationSource.IsHelm: chart set)",
      "  source:\n    repoURL: https://charts.bitnami.com/bitnami\n    chart: redis\n    targetRevision: 19.0.1\n  destination:\n    name: in-cluster\n    namespace: cache\n",
      /repo https:\/\/charts\.bitnami\.com\/bitnami chart redis revision 19\.0\.1 \(helm\) → destination namespace cache on in-cluster; render it \(argocd app manifests app, or helm template app redis --repo https:\/\/charts\.bitnami\.com\/bitnami --version 19\.0\.1 --namespace cache\)/,
    ],
    [
      "kustomize set (ExplicitType: Kustomize)",
      "  source:\n    repoURL: https://git.example.com/apps.git\n    path: overlays/prod\n    kustomize:\n      namePrefix: prod-\n  destination:\n    server: https://kubernetes.default.svc\n",
      /path overlays\/prod \(kustomize\) → destination no namespace on https:\/\/kubernetes\.default\.svc; render it \(argocd app manifests app, or kustomize build overlays\/prod in a checkout of https:\/\/git\.example\.com\/apps\.git\) and pass the output with -s$/,
    ],
    [
      "helm set on a path (ExplicitType: Helm)",
      "  source:\n    repoURL: https://git.example.com/apps.git\n    path: charts/web\n    helm:\n      valueFiles: [values-prod.yaml]\n  destination:\n    namespace: web\n",
      /helm template app charts\/web --namespace web in a checkout of https:\/\/git\.example\.com\/apps\.git/,
    ],
    [
      "multi-source, with a ref source that only lends its values (ApplicationSpec.Sources, ApplicationSource.Ref)",
      "  sources:\n  - repoURL: https://charts.example.com\n    chart: web\n    targetRevision: 1.2.3\n    helm:\n      valueFiles: [$values/web/values.yaml]\n  - repoURL: https://git.example.com/values.git\n    targetRevision: main\n    ref: values\n  destination:\n    namespace: web\n",
      /repo https:\/\/charts\.example\.com chart web revision 1\.2\.3 \(helm\); repo https:\/\/git\.example\.com\/values\.git revision main ref values → destination namespace web; render it \(argocd app manifests app, or helm template app web --repo https:\/\/charts\.example\.com --version 1\.2\.3 --namespace web\)/,
    ],
    [
      "the source hydrator's dry source (ApplicationSpec.SourceHydrator.DrySource)",
      "  sourceHydrator:\n    drySource:\n      repoURL: https://git.example.com/dry.git\n      path: apps/web\n      targetRevision: main\n    syncSource:\n      targetBranch: env/prod\n      path: apps/web\n  destination:\n    namespace: web\n",
      /repo https:\/\/git\.example\.com\/dry\.git path apps\/web revision main → destination namespace web/,
    ],
  ];
  for (const [name, spec, expected] of cases) {
    test(name, () => {
      const found = warnings(application(spec));
      assert.equal(found.length, 1);
      assert.match(found[0]!.message, expected);
    });
  }

  test("the Application stays out of the model and is counted among the unmodelled kinds; other apiVersions are not taken for it", () => {
    const dir = tempDir({
      "apps.yaml": `${GUESTBOOK}---\napiVersion: example.com/v1\nkind: Application\nmetadata:\n  name: other\n`,
    });
    const snapshot = loadSnapshot({ paths: ["apps.yaml"], cwd: dir });
    assert.deepEqual(snapshot.kubernetes.unmodelledKinds, {
      "argoproj.io/v1alpha1 Application": 1,
      "example.com/v1 Application": 1,
    });
    assert.deepEqual(
      snapshot.diagnostics.filter((d) => d.code === "unrendered-application").map((d) => d.source?.line),
      [1],
    );
  });

  test("kubectl get applications -n argocd -o json (a List) — snapshot show lists each Application with its hint", async () => {
    const one = yaml.load(GUESTBOOK) as object;
    const list = {
      apiVersion: "v1",
      items: [one, { ...one, metadata: { name: "b", namespace: "argocd" } }],
      kind: "List",
    };
    const dir = tempDir({ "apps.json": JSON.stringify(list, null, 4) });
    const run = await cli(["snapshot", "show", "-s", "apps.json", "-o", "json"], dir);
    assert.equal(run.code, 0, run.stderr);
    const show = JSON.parse(run.stdout) as { diagnostics: { code: string; source?: string; message: string }[] };
    assert.deepEqual(
      show.diagnostics
        .filter((d) => d.code === "unrendered-application")
        .map((d) => [d.source, d.message.slice(0, d.message.indexOf(":", 20))]),
      [
        ["apps.json:4:9", "Argo CD Application argocd/guestbook"],
        ["apps.json:24:9", "Argo CD Application argocd/b"],
      ],
    );
  });

  corpusTest(
    "the fields podpath reads are those of Argo CD v3.1.9's Application CRD (manifests/install.yaml openAPIV3Schema)",
    () => {
      const documents = yaml.loadAll(readFileSync(corpusPath("argocd-v3.1.9/install.yaml"), "utf8")) as {
        kind?: string;
        metadata?: { name?: string };
        spec?: { versions?: { name: string; schema: { openAPIV3Schema: Schema } }[] };
      }[];
      const crd = documents.find(
        (d) => d.kind === "CustomResourceDefinition" && d.metadata?.name === "applications.argoproj.io",
      );
      const version = crd?.spec?.versions?.find((v) => v.name === "v1alpha1");
      assert.ok(version, "the applications.argoproj.io CRD serves v1alpha1");
      const spec = version.schema.openAPIV3Schema.properties!["spec"]!;
      const source = spec.properties!["source"]!;
      for (const field of [
        "repoURL",
        "path",
        "chart",
        "targetRevision",
        "ref",
        "helm",
        "kustomize",
        "directory",
        "plugin",
      ])
        assert.ok(source.properties![field], `ApplicationSource.${field}`);
      assert.ok(spec.properties!["sources"]!.items!.properties!["chart"], "ApplicationSpec.sources[]");
      assert.ok(spec.properties!["sourceHydrator"]!.properties!["drySource"]!.properties!["repoURL"]);
      for (const field of ["server", "name", "namespace"])
        assert.ok(spec.properties!["destination"]!.properties![field], `ApplicationDestination.${field}`);
      // and the install manifest itself holds no Application (CRDs, not instances): no warning
      const dir = tempDir();
      const snapshot = loadSnapshot({
        paths: [corpusPath("argocd-v3.1.9/install.yaml")],
        cwd: dir,
        namespace: "argocd",
      });
      assert.equal(snapshot.diagnostics.filter((d) => d.code === "unrendered-application").length, 0);
    },
  );
});

interface Schema {
  properties?: Record<string, Schema>;
  items?: Schema;
}
