import type { KubernetesVersionJson } from "../questions/kubernetes-version.js";

const FROM: Readonly<Record<KubernetesVersionJson["from"], string>> = {
  flag: "--kubernetes-version",
  "kube-scheduler-image": "the kube-scheduler static pod's image tag",
  "kube-apiserver-image": "the kube-apiserver static pod's image tag",
  "control-plane-kubelet": "the control-plane node's kubeletVersion",
  "newest-kubelet": "the newest kubeletVersion of the nodes",
  default: "podpath's default (the newest version it models)",
};

/** "Kubernetes v1.30.5, from the kube-apiserver static pod's image tag (…)  file:line": the version placement followed. */
export function kubernetesVersionLine(k: KubernetesVersionJson): string {
  const read = k.read !== null && k.read !== k.version ? ` (${k.read})` : "";
  const modelled = k.modelledAs !== k.version ? `; placed as ${k.modelledAs}` : "";
  return `Kubernetes ${k.version}, from ${FROM[k.from]}${read}${modelled}${k.source ? `  ${k.source}` : ""}`;
}

/** What was assumed in choosing the version, and what its API server drops: one line each. */
export function kubernetesVersionNotes(k: KubernetesVersionJson): string[] {
  return [
    ...k.assumptions.map((a) => `assumed: ${a}`),
    ...k.droppedFields.map(
      (d) =>
        `dropped by the ${k.modelledAs} API server (feature gate ${d.gate} off): ${d.workload} ${d.field}${d.source ? ` (${d.source})` : ""}`,
    ),
  ];
}
