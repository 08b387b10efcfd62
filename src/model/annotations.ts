/**
 * Reading the AWS Load Balancer Controller's annotations: one parser, used by the loader (which
 * checks an Ingress's `alb.ingress.kubernetes.io/*` annotations and warns) and by the controller
 * model the path engine derives (which fails a group where and as the controller fails).
 *
 * After kubernetes-sigs/aws-load-balancer-controller v2.9.2 pkg/annotations/parser.go
 * (suffixAnnotationParser: ParseStringAnnotation, ParseStringSliceAnnotation, ParseInt32Annotation,
 * ParseBoolAnnotation, ParseJSONAnnotation, ParseStringMapAnnotation, splitCommaSeparatedString).
 * Upstream returns `(exists bool, err error)` with the value written through a pointer; here each
 * returns the value (undefined: the annotation is absent) or a typed `AnnotationError`, whose
 * `annotationErrorMessage` is the controller's own wording (its errors.Wrapf text). Callers decide
 * on the error's `code` and fields, never on its wording.
 *
 * Differences kept from podpath's earlier parsers (behaviour unchanged): a string map is split on
 * every `=` (upstream: SplitN(…, 2)) and its keys and values are trimmed; JSON is JSON.parse, and
 * the cause is its message (upstream: encoding/json's).
 */

/** pkg/annotations/constants.go AnnotationPrefixIngress */
export const ALB_PREFIX = "alb.ingress.kubernetes.io/";
/** pkg/annotations/constants.go AnnotationPrefixService (the in-tree cloud provider's prefix too) */
const SERVICE_PREFIX = "service.beta.kubernetes.io/";

/** What failed to parse, as data: `key` the annotation's full key, `raw` its value. */
export type AnnotationError =
  /** ParseJSONAnnotation: json.Unmarshal failed; `cause` is the JSON parser's message */
  | { readonly code: "invalid-json"; readonly key: string; readonly raw: string; readonly cause: string }
  /** ParseInt32Annotation: strconv.ParseInt(raw, 10, 32) failed */
  | {
      readonly code: "invalid-int32";
      readonly key: string;
      readonly raw: string;
      readonly reason: "invalid syntax" | "value out of range";
    }
  /** ParseBoolAnnotation: strconv.ParseBool failed */
  | { readonly code: "invalid-bool"; readonly key: string; readonly raw: string }
  /** ParseStringMapAnnotation: an item is not `key=value` with a non-empty key */
  | { readonly code: "invalid-string-map"; readonly key: string; readonly raw: string };

type AnnotationErrorCode = AnnotationError["code"];

/** The error of one code. */
export type AnnotationErrorOf<C extends AnnotationErrorCode> = Extract<AnnotationError, { readonly code: C }>;

/** A parsed value (undefined: the annotation is absent), or why it could not be parsed. */
export type Parsed<T, E extends AnnotationError = AnnotationError> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

/** The controller's message for an annotation it cannot parse (parser.go's errors.Wrapf / Errorf). */
export function annotationErrorMessage(e: AnnotationError): string {
  switch (e.code) {
    case "invalid-json":
      return `failed to parse json annotation, ${e.key}: ${e.raw}: ${e.cause}`;
    case "invalid-int32":
      return `failed to parse int32 annotation, ${e.key}: ${e.raw}: strconv.ParseInt: parsing ${JSON.stringify(e.raw)}: ${e.reason}`;
    case "invalid-bool":
      return `failed to parse bool annotation, ${e.key}: ${e.raw}: strconv.ParseBool: parsing ${JSON.stringify(e.raw)}: invalid syntax`;
    case "invalid-string-map":
      return `failed to parse stringMap annotation, ${e.key}: ${e.raw}`;
  }
}

/** splitCommaSeparatedString: comma separated, trimmed, empty items dropped. */
export function splitCommaSeparatedString(raw: string): string[] {
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** strconv.ParseInt(raw, 10, 32) */
export function parseInt32Value(key: string, raw: string): Parsed<number, AnnotationErrorOf<"invalid-int32">> {
  if (!/^[+-]?\d+$/.test(raw))
    return { ok: false, error: { code: "invalid-int32", key, raw, reason: "invalid syntax" } };
  const n = Number(raw);
  if (n < -2147483648 || n > 2147483647)
    return { ok: false, error: { code: "invalid-int32", key, raw, reason: "value out of range" } };
  return { ok: true, value: n };
}

/** strconv.ParseBool */
function parseBoolValue(key: string, raw: string): Parsed<boolean, AnnotationErrorOf<"invalid-bool">> {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(raw)) return { ok: true, value: true };
  if (["0", "f", "F", "FALSE", "false", "False"].includes(raw)) return { ok: true, value: false };
  return { ok: false, error: { code: "invalid-bool", key, raw } };
}

/** json.Unmarshal into an interface{} */
export function parseJSONValue(key: string, raw: string): Parsed<unknown, AnnotationErrorOf<"invalid-json">> {
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch (e) {
    return { ok: false, error: { code: "invalid-json", key, raw, cause: (e as Error).message } };
  }
}

/** comma separated `key=value` pairs */
function parseStringMapValue(
  key: string,
  raw: string,
): Parsed<Record<string, string>, AnnotationErrorOf<"invalid-string-map">> {
  const out: Record<string, string> = {};
  for (const item of splitCommaSeparatedString(raw)) {
    const parts = item.split("=");
    if (parts.length !== 2 || parts[0]!.trim() === "")
      return { ok: false, error: { code: "invalid-string-map", key, raw } };
    out[parts[0]!.trim()] = parts[1]!.trim();
  }
  return { ok: true, value: out };
}

/** The value when present, the absent annotation as undefined. */
function absentOr<T, E extends AnnotationError>(
  raw: string | undefined,
  parse: (raw: string) => Parsed<T, E>,
): Parsed<T | undefined, E> {
  return raw === undefined ? { ok: true, value: undefined } : parse(raw);
}

/**
 * suffixAnnotationParser: annotations found by `prefix` + suffix. Each method takes the suffix
 * and the object's annotations, as upstream's do.
 */
class SuffixAnnotationParser {
  constructor(readonly prefix: string) {}

  key(suffix: string): string {
    return this.prefix + suffix;
  }

  /** ParseStringAnnotation */
  parseStringAnnotation(suffix: string, annotations: Readonly<Record<string, string>>): string | undefined {
    return annotations[this.key(suffix)];
  }

  /** ParseStringSliceAnnotation; undefined: absent */
  parseStringSliceAnnotation(suffix: string, annotations: Readonly<Record<string, string>>): string[] | undefined {
    const raw = this.parseStringAnnotation(suffix, annotations);
    return raw === undefined ? undefined : splitCommaSeparatedString(raw);
  }

  /** ParseInt32Annotation */
  parseInt32Annotation(
    suffix: string,
    annotations: Readonly<Record<string, string>>,
  ): Parsed<number | undefined, AnnotationErrorOf<"invalid-int32">> {
    return absentOr(this.parseStringAnnotation(suffix, annotations), (raw) => parseInt32Value(this.key(suffix), raw));
  }

  /** ParseBoolAnnotation */
  parseBoolAnnotation(
    suffix: string,
    annotations: Readonly<Record<string, string>>,
  ): Parsed<boolean | undefined, AnnotationErrorOf<"invalid-bool">> {
    return absentOr(this.parseStringAnnotation(suffix, annotations), (raw) => parseBoolValue(this.key(suffix), raw));
  }

  /** ParseJSONAnnotation (the value as parsed JSON; the caller decodes it) */
  parseJSONAnnotation(
    suffix: string,
    annotations: Readonly<Record<string, string>>,
  ): Parsed<unknown, AnnotationErrorOf<"invalid-json">> {
    return absentOr(this.parseStringAnnotation(suffix, annotations), (raw) => parseJSONValue(this.key(suffix), raw));
  }

  /** ParseStringMapAnnotation */
  parseStringMapAnnotation(
    suffix: string,
    annotations: Readonly<Record<string, string>>,
  ): Parsed<Record<string, string> | undefined, AnnotationErrorOf<"invalid-string-map">> {
    return absentOr(this.parseStringAnnotation(suffix, annotations), (raw) =>
      parseStringMapValue(this.key(suffix), raw),
    );
  }
}

/** The parser of `alb.ingress.kubernetes.io/*` (NewSuffixAnnotationParser(AnnotationPrefixIngress)). */
export const ALB_ANNOTATIONS = new SuffixAnnotationParser(ALB_PREFIX);

/** The parser of `service.beta.kubernetes.io/*`. */
export const SERVICE_ANNOTATIONS = new SuffixAnnotationParser(SERVICE_PREFIX);

/**
 * The `alb.ingress.kubernetes.io/*` annotations the loader checks (src/load/kubernetes/ingress.ts
 * parseAlbAnnotations); `actions` and `conditions` stand for every `actions.NAME` and
 * `conditions.NAME`.
 */
export type AlbCheckedAnnotation =
  | "scheme"
  | "target-type"
  | "backend-protocol"
  | "group.name"
  | "group.order"
  | "ssl-redirect"
  | "listen-ports"
  | "inbound-cidrs"
  | "manage-backend-security-group-rules"
  | "actions"
  | "conditions";

/**
 * An annotation the loader found malformed: `annotation` which one, `code` what is wrong with it,
 * `message` the loader's diagnostic (`invalid-field`) text.
 */
export interface AlbAnnotationIssue {
  readonly annotation: AlbCheckedAnnotation;
  readonly code:
    | AnnotationErrorCode
    | "not-one-of"
    | "not-an-integer-in-range"
    | "not-a-cidr"
    | "not-a-listen-port"
    | "not-a-list"
    | "not-true-or-false"
    | "invalid-group-name";
  /** the annotation's full key */
  readonly key: string;
  readonly message: string;
}
