/**
 * A node's capacity and allocatable from its EC2 instance type, as the node's kubelet would
 * report them, for `place --add-node` with an EKS node group or a Karpenter NodePool.
 *
 * - kube-reserved: awslabs/amazon-eks-ami nodeadm/internal/kubelet/config.go
 *   (withDefaultReservedResources: maxPods from eni-max-pods.txt, GetClassicMaxPods;
 *   getCPUMillicoresToReserve: 6 % of the first core, 1 % of the second, 0.5 % of the next two,
 *   0.25 % above, each range in whole millicores; GetMemoryMebibytesToReserve: 11 · maxPods + 255
 *   MiB; ephemeral-storage 1Gi) — the same figures Karpenter uses
 *   (karpenter-provider-aws pkg/providers/instancetype/types.go kubeReservedResources).
 * - eviction-hard: nodeadm's defaultKubeletSubConfig (memory.available 100Mi, nodefs.available
 *   10 %), Karpenter's evictionThreshold the same.
 * - memory capacity: the kubelet reports the kernel's MemTotal, less than the instance's nominal
 *   memory by what the hypervisor and kernel keep; podpath estimates it as Karpenter does
 *   (types.go memory(): 64 MiB less on Graviton, then its VM_MEMORY_OVERHEAD_PERCENT default of
 *   7.5 %), an assumption each answer states.
 * - allocatable = capacity − kube-reserved − system-reserved − eviction-hard (the kubelet's
 *   pkg/kubelet/cm GetNodeAllocatableReservation).
 */
import type { ResourceList } from "../../../../model/kubernetes.js";
import { eniLimitedPods, type Ec2InstanceType } from "../../../../model/ec2-instance-types.js";

const MI = 1024 * 1024;
const GI = 1024 * MI;

/** Karpenter's default --vm-memory-overhead-percent (VM_MEMORY_OVERHEAD_PERCENT) */
export const VM_MEMORY_OVERHEAD_PERCENT = 0.075;
/** the root volume of the EKS AMIs when nothing else is said (node group diskSize default, Karpenter's DefaultEBS) */
const DEFAULT_DISK_GIB = 20;

/** nodeadm getCPUMillicoresToReserve: per range, (part of the range used) × percentage / 10000, in whole millicores. */
export function cpuMillicoresToReserve(totalMillicores: number): number {
  const ranges = [0, 1000, 2000, 4000, Math.max(totalMillicores, 4000)];
  const basisPoints = [600, 100, 50, 25];
  let reserve = 0;
  basisPoints.forEach((bp, i) => {
    const start = ranges[i]!;
    const end = ranges[i + 1]!;
    if (totalMillicores <= start) return;
    reserve += Math.floor(((Math.min(totalMillicores, end) - start) * bp) / 10000);
  });
  return reserve;
}

/** nodeadm GetMemoryMebibytesToReserve */
export const memoryMebibytesToReserve = (maxPods: number): number => 11 * maxPods + 255;

/** Karpenter's memory(): the nominal memory less 64 MiB on Graviton, less the VM overhead (rounded up to a MiB). */
export function memoryCapacityBytes(t: Ec2InstanceType, overheadPercent = VM_MEMORY_OVERHEAD_PERCENT): number {
  const mib = t.memoryMiB - (t.arch === "arm64" ? 64 : 0);
  return (mib - Math.ceil(mib * overheadPercent)) * MI;
}

export interface NodeResources {
  readonly capacity: ResourceList;
  readonly allocatable: ResourceList;
  readonly maxPods: number;
}

export interface KubeletSettings {
  /** kubelet maxPods (EC2NodeClass spec.kubelet.maxPods); default: the ENI-limited count */
  readonly maxPods?: number | undefined;
  /** the pod count kube-reserved memory is computed from, when not maxPods (Karpenter's UsesENILimitedMemoryOverhead) */
  readonly kubeReservedPods?: number | undefined;
  /** kubeReserved / systemReserved / evictionHard overrides, in model units by resource name */
  readonly kubeReserved?: ResourceList | undefined;
  readonly systemReserved?: ResourceList | undefined;
  readonly evictionHardMemory?: number | undefined;
  /** the root volume, GiB (node group diskSize, the EC2NodeClass's root volume) */
  readonly diskGiB?: number | undefined;
}

/** capacity and allocatable of a node of type `t` under the EKS AMI's defaults (and the overrides given). */
export function nodeResources(t: Ec2InstanceType, kubelet: KubeletSettings = {}): NodeResources {
  const maxPods = kubelet.maxPods ?? eniLimitedPods(t);
  const cpu = t.vcpus * 1000;
  const memory = memoryCapacityBytes(t);
  const storage = (kubelet.diskGiB ?? DEFAULT_DISK_GIB) * GI;
  const kubeReserved: Record<string, number> = {
    cpu: cpuMillicoresToReserve(cpu),
    memory: memoryMebibytesToReserve(kubelet.kubeReservedPods ?? maxPods) * MI,
    "ephemeral-storage": GI,
    ...kubelet.kubeReserved,
  };
  const systemReserved = kubelet.systemReserved ?? {};
  const eviction: Record<string, number> = {
    memory: kubelet.evictionHardMemory ?? 100 * MI,
    "ephemeral-storage": Math.ceil(storage / 10),
  };
  const capacity: Record<string, number> = { cpu, memory, pods: maxPods, "ephemeral-storage": storage };
  const allocatable: Record<string, number> = {};
  for (const [r, v] of Object.entries(capacity)) {
    allocatable[r] = Math.max(0, v - (kubeReserved[r] ?? 0) - (systemReserved[r] ?? 0) - (eviction[r] ?? 0));
  }
  return { capacity, allocatable, maxPods };
}
