/**
 * The Service names a container's configuration may call, extracted at load time so the values
 * themselves never reach the model (pod-spec.ts drops every env value but a few CNI settings).
 * Only the matched `host[:port]` is kept, never the text around it (a URL's user and password, a
 * query string, the rest of a connection string).
 *
 * Forms kept, after the Kubernetes DNS specification for Services
 * (kubernetes/dns docs/specification.md §2.3.1 A/AAAA records `<service>.<ns>.svc.<zone>`, and the
 * search path `<ns>.svc.<zone> svc.<zone> <zone>` kubelet writes into a pod's resolv.conf,
 * pkg/kubelet/network/dns/dns.go `generateSearchesForDNSClusterFirst`, so `NAME`, `NAME.NS` and
 * `NAME.NS.svc` resolve as well): `NAME.NS`, `NAME.NS.svc`, `NAME.NS.svc.cluster.local`, with an
 * optional `:port`; a bare `NAME` only where it stands as a host: a URL's authority
 * (`scheme://[user[:password]@]NAME[:port]`, RFC 3986 §3.2) or `NAME:port`. Whether a name is a
 * Service of the snapshot is decided later (analysis/intended); a name that is part of a longer
 * DNS name (`pod.svc-name.ns.svc.cluster.local`, `$(POD).name.ns…`) is not a Service reference.
 */
export interface HostMatch {
  /** as written: `auth-api.auth:8000` */
  readonly text: string;
  /** lower-cased host */
  readonly host: string;
  readonly port: number | undefined;
  /** the URL scheme when the host is a URL's (`http`, `amqp`) */
  readonly scheme: string | undefined;
}

/** at most this many references per value: configuration is not a list of hosts */
const MAX_PER_VALUE = 16;
const URL = /([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/\s?#"'`,;]*)/g;
const HOST_RUN = /[A-Za-z0-9][A-Za-z0-9.-]*/g;
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const WORD = /[A-Za-z0-9_.-]/;

/** `NAME`, `NAME.NS`, `NAME.NS.svc`, `NAME.NS.svc.cluster.local` (lower-cased), else undefined */
function serviceShape(host: string): string | undefined {
  const h = host.toLowerCase();
  const labels = h.split(".");
  if (!labels.every((l) => LABEL.test(l))) return undefined;
  if (labels.length === 1 || labels.length === 2) return h;
  if (labels.length === 3 && labels[2] === "svc") return h;
  if (labels.length === 5 && labels.slice(2).join(".") === "svc.cluster.local") return h;
  return undefined;
}

function portOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? port : undefined;
}

/**
 * Flags whose value is an identifier, never a connection the process makes (written
 * `--flag=value`, as kubeadm writes a static pod's command):
 * - kube-apiserver `--service-account-issuer`: "Identifier of the service account token issuer",
 *   asserted in the tokens' `iss` claim (kube-apiserver reference; kubeadm's default is
 *   `https://kubernetes.default.svc.cluster.local`);
 * - kube-apiserver `--api-audiences`: "Identifiers of the API" that tokens are checked against;
 * - kube-apiserver `--service-account-jwks-uri`: the URI published in the discovery document
 *   served at /.well-known/openid-configuration, for others to fetch;
 * - kube-apiserver `--external-hostname`: "The hostname to use when generating externalized URLs".
 * (`--oidc-issuer-url` is not here: the API server fetches the issuer's discovery document.)
 */
const IDENTIFIER_FLAGS: ReadonlySet<string> = new Set([
  "service-account-issuer",
  "api-audiences",
  "service-account-jwks-uri",
  "external-hostname",
]);

export function extractHostReferences(value: string): HostMatch[] {
  const flag = /^--?([a-z0-9-]+)=/.exec(value);
  if (flag && IDENTIFIER_FLAGS.has(flag[1]!)) return [];
  if (value.length > 65536) value = value.slice(0, 65536);
  const out: HostMatch[] = [];
  const push = (m: HostMatch) => {
    if (out.length < MAX_PER_VALUE && !out.some((o) => o.host === m.host && o.port === m.port)) out.push(m);
  };
  // URLs first; their authorities are then blanked so a user or password is never read as a host
  let rest = value;
  for (const m of value.matchAll(URL)) {
    const authority = m[2]!;
    const at = authority.lastIndexOf("@");
    const hostPort = authority.slice(at + 1);
    const hp = /^([A-Za-z0-9.-]+?)\.?(?::(\d{1,5}))?$/.exec(hostPort);
    if (hp) {
      const host = serviceShape(hp[1]!);
      const port = portOf(hp[2]);
      if (host && (hp[2] === undefined || port !== undefined))
        push({ text: port === undefined ? hp[1]! : `${hp[1]!}:${port}`, host, port, scheme: m[1]!.toLowerCase() });
    }
    const start = m.index + m[0].length - authority.length;
    rest = rest.slice(0, start) + " ".repeat(authority.length) + rest.slice(start + authority.length);
  }
  for (const m of rest.matchAll(HOST_RUN)) {
    let run = m[0];
    const before = m.index > 0 ? rest[m.index - 1]! : "";
    // part of a longer name or word (`$(POD).svc.ns…`, `MY_NAME`), or a user name (`user@`)
    if (before && WORD.test(before)) continue;
    if (run.endsWith(".")) run = run.slice(0, -1);
    let end = m.index + run.length;
    if (rest[end] === ".") end++;
    const after = rest.slice(end);
    if (after.startsWith("_") || after.startsWith("@")) continue;
    const p = /^:(\d{1,5})(?![A-Za-z0-9_@.])/.exec(after);
    const port = portOf(p?.[1]);
    if (p && port === undefined) continue;
    if (!p && /^:[^\s/]/.test(after)) continue; // `user:password`, `a:b`
    const host = serviceShape(run);
    if (!host) continue;
    // a bare name is a host only with a port (a URL's was read above)
    if (!host.includes(".") && port === undefined) continue;
    push({ text: port === undefined ? run : `${run}:${port}`, host, port, scheme: undefined });
  }
  return out;
}
