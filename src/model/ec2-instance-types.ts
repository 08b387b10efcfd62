/**
 * A small table of common EC2 instance types: what `aws ec2 describe-instance-types` says of each
 * (VCpuInfo.DefaultVCpus, MemoryInfo.SizeInMiB, NetworkInfo.MaximumNetworkInterfaces and
 * Ipv4AddressesPerInterface, ProcessorInfo.SupportedArchitectures), from the EC2 User Guide's
 * instance-type specifications and "Maximum IP addresses per network interface". The ENI-limited
 * pod count they give (ENIs × (IPv4 per ENI − 1) + 2) is awslabs/amazon-eks-ami's
 * nodeadm/internal/kubelet/eni-max-pods.txt for every type here (test/model/ec2-instance-types.test.ts
 * pins a sample of that file). `place --add-node` with an EKS node group or a Karpenter NodePool
 * computes a node's allocatable from it; a type not listed is refused, naming what to give.
 */

export interface Ec2InstanceType {
  /** e.g. "m5.large" */
  readonly name: string;
  readonly vcpus: number;
  readonly memoryMiB: number;
  /** NetworkInfo.MaximumNetworkInterfaces (of the default network card) */
  readonly enis: number;
  readonly ipv4PerEni: number;
  /** the Kubernetes architecture (kubernetes.io/arch): x86_64 → amd64, arm64 → arm64 */
  readonly arch: "amd64" | "arm64";
}

type Size = readonly [size: string, vcpus: number, memoryMiB: number, enis: number, ipv4PerEni: number];

/** the sizes of the general purpose (m), compute (c) and memory (r) families from large up */
const M: readonly Size[] = [
  ["large", 2, 8192, 3, 10],
  ["xlarge", 4, 16384, 4, 15],
  ["2xlarge", 8, 32768, 4, 15],
  ["4xlarge", 16, 65536, 8, 30],
  ["8xlarge", 32, 131072, 8, 30],
];
const C: readonly Size[] = [
  ["large", 2, 4096, 3, 10],
  ["xlarge", 4, 8192, 4, 15],
  ["2xlarge", 8, 16384, 4, 15],
  ["4xlarge", 16, 32768, 8, 30],
];
const R: readonly Size[] = [
  ["large", 2, 16384, 3, 10],
  ["xlarge", 4, 32768, 4, 15],
  ["2xlarge", 8, 65536, 4, 15],
  ["4xlarge", 16, 131072, 8, 30],
];
/** Graviton's medium size: 1 vCPU, 2 ENIs of 4 addresses */
const medium = (memoryMiB: number): Size => ["medium", 1, memoryMiB, 2, 4];
/** burstable t3 / t4g; t3a.small has 2 ENIs, not 3 */
const T = (smallEnis: number): readonly Size[] => [
  ["nano", 2, 512, 2, 2],
  ["micro", 2, 1024, 2, 2],
  ["small", 2, 2048, smallEnis, 4],
  ["medium", 2, 4096, 3, 6],
  ["large", 2, 8192, 3, 12],
  ["xlarge", 4, 16384, 4, 15],
  ["2xlarge", 8, 32768, 4, 15],
];

const FAMILIES: readonly (readonly [family: string, arch: "amd64" | "arm64", sizes: readonly Size[]])[] = [
  ["t3", "amd64", T(3)],
  ["t3a", "amd64", T(2)],
  ["t4g", "arm64", T(3)],
  ["m5", "amd64", M],
  ["m6a", "amd64", M],
  ["m6i", "amd64", M],
  ["m7i", "amd64", M],
  ["m6g", "arm64", [medium(4096), ...M]],
  ["m7g", "arm64", [medium(4096), ...M]],
  ["c5", "amd64", [...C, ["9xlarge", 36, 73728, 8, 30]]],
  ["c6i", "amd64", C],
  ["c7i", "amd64", C],
  ["c6g", "arm64", [medium(2048), ...C]],
  ["c7g", "arm64", [medium(2048), ...C]],
  ["r5", "amd64", R],
  ["r6i", "amd64", R],
  ["r7i", "amd64", R],
  ["r6g", "arm64", [medium(8192), ...R]],
  ["r7g", "arm64", [medium(8192), ...R]],
];

export const EC2_INSTANCE_TYPES: readonly Ec2InstanceType[] = FAMILIES.flatMap(([family, arch, sizes]) =>
  sizes.map(([size, vcpus, memoryMiB, enis, ipv4PerEni]) => ({
    name: `${family}.${size}`,
    vcpus,
    memoryMiB,
    enis,
    ipv4PerEni,
    arch,
  })),
);

const BY_NAME = new Map(EC2_INSTANCE_TYPES.map((t) => [t.name, t]));

export function ec2InstanceType(name: string): Ec2InstanceType | undefined {
  return BY_NAME.get(name);
}

/** The families of the table, for messages: "t3, t3a, t4g, m5, …". */
export const EC2_FAMILIES: readonly string[] = FAMILIES.map(([family]) => family);

/**
 * The ENI-limited pod count (amazon-eks-ami eni-max-pods.txt, and Karpenter's ENILimitedPods with
 * no reserved ENI): the first address of each ENI is not used for pods, +2 for the host-network
 * pods (aws-node, kube-proxy).
 */
export const eniLimitedPods = (t: Ec2InstanceType): number => t.enis * (t.ipv4PerEni - 1) + 2;

/**
 * The labels Karpenter derives from an instance type's name (karpenter-provider-aws
 * pkg/providers/instancetype/types.go computeRequirements: the `(^[a-z]+)(-[0-9]+tb)?([0-9]+).*\.`
 * scheme gives category and generation; the name split at "." family and size).
 */
export function instanceTypeParts(name: string): {
  category: string | undefined;
  generation: string | undefined;
  family: string;
  size: string;
} {
  const m = /(^[a-z]+)(-[0-9]+tb)?([0-9]+).*\./.exec(name);
  const [family = name, size = ""] = name.split(".");
  return { category: m?.[1], generation: m?.[3], family, size };
}
