/**
 * The shape of `podpath trace -o json` (PRODUCT.md's contract, src/format/trace.ts traceJson), for
 * the CLI tests that read it: one declaration instead of one per test file.
 */
export interface PacketJson {
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  protocol: string;
  outer?: { src: string; dst: string; protocol: string; dstPort: number };
}

export interface StepJson {
  hop: string;
  component: string;
  id: string;
  action: string;
  packet: PacketJson;
  note: string;
  source: string | null;
}

export interface DropJson {
  code: string;
  at: string;
  message: string;
  source: string | null;
}

export interface UnknownJson {
  at: string;
  message: string;
  capture: string;
  source: string | null;
}

export interface EndpointJson {
  endpoint: string;
  label: string;
  ip: string | null;
  how: string;
}

export interface TraceJson {
  from: EndpointJson;
  to: EndpointJson;
  protocol: string;
  port: number;
  verdict: string;
  drop: DropJson | null;
  unknown: UnknownJson | null;
  finalSourceIp: string | null;
  packet: PacketJson;
  finalPacket: PacketJson;
  answeredBy: { component: string; id: string; note: string } | null;
  hops: StepJson[];
  return: { verdict: string; drop: DropJson | null; unknown: UnknownJson | null; hops: StepJson[] };
  assumptions: string[];
}
