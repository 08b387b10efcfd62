import type { Pod } from "./kubernetes.js";

/** The annotation the kubelet puts on the mirror pod of a static pod (pkg/kubelet/types: ConfigMirrorAnnotationKey, IsMirrorPod). */
const MIRROR_ANNOTATION = "kubernetes.io/config.mirror";

/**
 * The node whose kubelet runs `pod` as a static pod, or undefined for any other pod. A static pod
 * shows in the API as its mirror pod: annotated `kubernetes.io/config.mirror`, and (since
 * Kubernetes 1.17, pkg/kubelet/pod/mirror_client.go CreateMirrorPod) owned by its Node as
 * controller. Either one marks it; the scheduler never places it.
 */
export function staticPodNode(pod: Pod): string | undefined {
  const node = pod.meta.ownerReferences.find((o) => o.kind === "Node" && o.controller);
  if (node) return node.name;
  return pod.meta.annotations[MIRROR_ANNOTATION] !== undefined ? pod.nodeName : undefined;
}
