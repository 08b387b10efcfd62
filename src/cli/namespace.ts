/**
 * kubectl's namespace habits for trace endpoints: `-n NS` is the namespace of a name given
 * without one (`pod:NAME`, `workload:NAME`, `service:NAME`), as `kubectl get pod NAME -n NS`;
 * without -n (every namespace, -A) a name alone is refused, as kubectl refuses to get a named
 * object across all namespaces ("a resource cannot be retrieved by name across all namespaces",
 * staging/src/k8s.io/cli-runtime/pkg/resource/builder.go `visitByName`; `AllNamespaces` there
 * "overrides the namespace set by NamespaceParam()": -A wins over -n).
 */
import { EndpointError, parseEndpoint, type EndpointSpec } from "../analysis/paths/endpoints.js";

type NamedKind = "pod" | "workload" | "service";

/** An endpoint as the command line gives it: complete, or a name still waiting for -n's namespace. */
export type CliEndpoint =
  EndpointSpec | { readonly kind: NamedKind; readonly namespace: undefined; readonly name: string };

const NAME_ONLY = /^(pod|workload|service):([a-z0-9][-a-z0-9.]*)$/;

/** `--from`/`--to`: the endpoint forms of `parseEndpoint`, plus `pod:NAME`, `workload:NAME`, `service:NAME`. */
export function parseCliEndpoint(text: string): CliEndpoint {
  const m = NAME_ONLY.exec(text);
  if (!m) return parseEndpoint(text);
  const kind = m[1] as NamedKind;
  // the name is checked as parseEndpoint checks it, in a placeholder namespace
  const parsed = parseEndpoint(`${kind}:default/${m[2]!}`) as { readonly name: string };
  return { kind, namespace: undefined, name: parsed.name };
}

/** The endpoint with -n's namespace given to a name without one; a name alone without -n is an EndpointError. */
export function withNamespace(endpoint: CliEndpoint, option: string, namespace: string | undefined): EndpointSpec {
  if (!("namespace" in endpoint) || endpoint.namespace !== undefined) return endpoint;
  if (namespace === undefined)
    throw new EndpointError(
      `${option} ${endpoint.kind}:${endpoint.name}: a name without NAMESPACE/ needs -n NAMESPACE (without -n every namespace is searched, and a name alone is ambiguous)`,
    );
  return { kind: endpoint.kind, namespace, name: endpoint.name };
}
