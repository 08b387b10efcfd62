/**
 * Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource/quantity.go):
 * `<number><suffix>` with binary suffixes Ki…Ei, decimal SI suffixes n u m "" k M G T P E, or a
 * decimal exponent (`1e3`). podpath keeps cpu in millicores and everything else in base units,
 * rounded up as the scheduler's MilliValue()/Value() do.
 */
const BINARY: Readonly<Record<string, number>> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$/;

/** The quantity in base units (cores for cpu), or undefined when it is not a quantity. */
export function parseQuantity(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  const m = QUANTITY.exec(value.trim());
  if (!m) return undefined;
  const number = Number(m[1]);
  if (m[3] !== undefined) return number * 10 ** Number(m[3]);
  const suffix = m[2] ?? "";
  return number * (BINARY[suffix] ?? DECIMAL[suffix] ?? 1);
}

/**
 * Converts a parsed quantity to podpath's unit for that resource name: millicores for cpu,
 * base units (bytes, counts) for the rest; rounded up.
 */
export function toModelUnits(resource: string, baseValue: number): number {
  // Guard against float noise: 0.1 * 1000 = 100.00000000000001
  const scaled = resource === "cpu" ? baseValue * 1000 : baseValue;
  const rounded = Math.round(scaled);
  // a relative tolerance: float noise snaps, a genuinely tiny quantity (1n, 1e-12) rounds up
  return Math.abs(scaled - rounded) <= Math.abs(scaled) * 1e-12 ? rounded : Math.ceil(scaled);
}

/**
 * A quantity in podpath's model units as Kubernetes prints it: cpu "500m" or "2", memory and the
 * rest "128Mi", "2Gi", or plain units when no binary suffix divides them.
 */
export function formatQuantity(resource: string, value: number): string {
  if (resource === "cpu") return value % 1000 === 0 ? String(value / 1000) : `${value}m`;
  for (const [suffix, factor] of Object.entries(BINARY).reverse())
    if (value !== 0 && value % factor === 0) return `${value / factor}${suffix}`;
  return String(value);
}

/** A quantity string ("100m", "128Mi") in model units for that resource, or undefined when it is not a valid one. */
export function quantityInModelUnits(resource: string, value: string): number | undefined {
  const parsed = parseQuantity(value);
  return parsed === undefined || parsed < 0 ? undefined : toModelUnits(resource, parsed);
}
