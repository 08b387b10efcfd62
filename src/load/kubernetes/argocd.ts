import type { ObjectMeta } from "../../model/kubernetes.js";
import type { SourceRef } from "../../model/source.js";
import type { Fields } from "../fields.js";

/**
 * Argo CD `Application` (argoproj.io/v1alpha1), after argo-cd pkg/apis/application/v1alpha1
 * types.go: `ApplicationSpec` (`source`, `sources`, `sourceHydrator.drySource`, `destination`,
 * `project`) and `ApplicationSource` (`repoURL`, `path`, `chart`, `targetRevision`, `ref`, and
 * `helm` / `kustomize` / `directory` / `plugin`, of which `ExplicitType` takes the one that is
 * set). An Application names where its manifests are; the objects themselves are rendered by
 * Argo CD's repo server, so they are not in a snapshot that holds the Application. podpath
 * recognises it and says how to render it instead of counting it as an unknown kind.
 */
interface RawSource {
  repoURL?: string;
  path?: string;
  chart?: string;
  targetRevision?: string;
  ref?: string;
  helm?: object;
  kustomize?: object;
  directory?: object;
  plugin?: object;
}

interface RawApplication {
  spec?: {
    project?: string;
    source?: RawSource;
    sources?: RawSource[];
    sourceHydrator?: { drySource?: RawSource };
    destination?: { server?: string; name?: string; namespace?: string };
  };
}

/** One source of an Application, as podpath lists it. */
interface ArgoSource {
  readonly repoURL: string | undefined;
  readonly path: string | undefined;
  readonly chart: string | undefined;
  readonly targetRevision: string | undefined;
  /** `ref`: a source that only lends its files (Helm values) to the others */
  readonly ref: string | undefined;
  /**
   * how the repo server renders it: `helm` for a chart (ApplicationSource.IsHelm), the explicit
   * type (ExplicitType), else undefined — decided by the files at the path
   * (util/app/discovery AppType: kustomization.yaml → Kustomize, Chart.yaml → Helm, else plain
   * manifests)
   */
  readonly type: "helm" | "kustomize" | "directory" | "plugin" | undefined;
}

export interface ArgoApplication {
  readonly namespace: string;
  readonly name: string;
  readonly project: string | undefined;
  readonly sources: readonly ArgoSource[];
  readonly destination: { readonly server?: string; readonly name?: string; readonly namespace?: string };
  readonly source: SourceRef;
}

export function isArgoApplication(apiVersion: string, kind: string): boolean {
  return apiVersion === "argoproj.io/v1alpha1" && kind === "Application";
}

export function readArgoApplication(f: Fields<object>, meta: ObjectMeta): ArgoApplication {
  const spec = (f as unknown as Fields<RawApplication>).objOrEmpty("spec");
  const source = spec.obj("source");
  const drySource = spec.obj("sourceHydrator")?.obj("drySource");
  const raw = [...(source ? [source] : []), ...spec.objs("sources"), ...(drySource ? [drySource] : [])];
  const sources = raw.map((s): ArgoSource => {
    const chart = s.str("chart") || undefined;
    const explicit = (["helm", "kustomize", "directory", "plugin"] as const).filter((t) => s.obj(t) !== undefined);
    return {
      repoURL: s.str("repoURL") || undefined,
      path: s.str("path") || undefined,
      chart,
      targetRevision: s.str("targetRevision") || undefined,
      ref: s.str("ref") || undefined,
      type: chart ? "helm" : explicit.length === 1 ? explicit[0] : undefined,
    };
  });
  const destination = spec.objOrEmpty("destination");
  const server = destination.str("server") || undefined;
  const cluster = destination.str("name") || undefined;
  const namespace = destination.str("namespace") || undefined;
  return {
    namespace: meta.namespace ?? "default",
    name: meta.name,
    project: spec.str("project") || undefined,
    sources,
    destination: {
      ...(server ? { server } : {}),
      ...(cluster ? { name: cluster } : {}),
      ...(namespace ? { namespace } : {}),
    },
    source: meta.source,
  };
}

/** What `snapshot show` and every answer's warnings say of an Application: where its manifests are, and how to render them. */
export function argoApplicationMessage(app: ArgoApplication): string {
  const ns = app.destination.namespace;
  const cluster = app.destination.server ?? app.destination.name;
  const where = app.sources.length === 0 ? "no source" : app.sources.map(sourceText).join("; ");
  const to = `destination ${ns ? `namespace ${ns}` : "no namespace"}${cluster ? ` on ${cluster}` : ""}`;
  const rendered = app.sources.filter((s) => !(s.ref && !s.path && !s.chart)).map((s) => renderHint(s, app, ns));
  const hints = [`argocd app manifests ${app.name}`, ...rendered];
  const into = ns ? ` with --manifest-namespace ${ns}` : "";
  return `Argo CD Application ${app.namespace}/${app.name}: not rendered, its objects are not in the snapshot — ${where} → ${to}; render it (${hints.join(", or ")}) and pass the output with -s${into}`;
}

function sourceText(s: ArgoSource): string {
  const parts = [`repo ${s.repoURL ?? "(none)"}`];
  if (s.chart) parts.push(`chart ${s.chart}`);
  if (s.path) parts.push(`path ${s.path}`);
  if (s.targetRevision) parts.push(`revision ${s.targetRevision}`);
  if (s.ref) parts.push(`ref ${s.ref}`);
  if (s.type) parts.push(`(${s.type === "directory" ? "plain manifests" : s.type})`);
  return parts.join(" ");
}

function renderHint(s: ArgoSource, app: ArgoApplication, ns: string | undefined): string {
  const namespace = ns ? ` --namespace ${ns}` : "";
  if (s.chart) {
    const version = s.targetRevision ? ` --version ${s.targetRevision}` : "";
    return `helm template ${app.name} ${s.chart} --repo ${s.repoURL ?? "REPO"}${version}${namespace}`;
  }
  const path = s.path ?? ".";
  const at = `in a checkout of ${s.repoURL ?? "the repository"}${s.targetRevision ? ` at ${s.targetRevision}` : ""}`;
  if (s.type === "helm") return `helm template ${app.name} ${path}${namespace} ${at}`;
  if (s.type === "kustomize") return `kustomize build ${path} ${at}`;
  if (s.type === "directory") return `the YAML files under ${path} ${at}`;
  if (s.type === "plugin") return `the plugin's output for ${path} ${at}`;
  return `kustomize build ${path} (a kustomization.yaml there) or helm template ${app.name} ${path}${namespace} (a Chart.yaml) ${at}`;
}
