/**
 * The one place a formatter is picked: per question, one renderer per output format it supports.
 * `-o json` is the question's typed result (its JSON contract) stringified; text and Markdown
 * render the analysis report the answer carries. A renderer yields chunks, so `place -o json` at
 * real scale is written piece by piece instead of as one string.
 */
import { UserError } from "../model/errors.js";
import type { ConnlistAnswer } from "../questions/connlist.js";
import type { DiffAnswer } from "../questions/diff.js";
import type { ExposureAnswer } from "../questions/exposure.js";
import type { EgressAnswer } from "../questions/egress.js";
import type { FixPlaceAnswer } from "../questions/fix-place.js";
import type { IntendedAnswer } from "../questions/intended.js";
import type { LintAnswer } from "../questions/lint.js";
import type { PlaceAnswer } from "../questions/place.js";
import type { QuestionName } from "../questions/question.js";
import type { ReportAnswer } from "../questions/report.js";
import type { SnapshotShowAnswer } from "../questions/snapshot-show.js";
import type { TraceAnswer } from "../questions/trace.js";
import {
  formatConnlistCsv,
  formatConnlistDot,
  formatConnlistJson,
  formatConnlistMarkdown,
  formatConnlistText,
  formatConnlistTxt,
} from "./connlist.js";
import { formatDiffJson, formatDiffMarkdown, formatDiffText } from "./diff.js";
import { formatExposureJson, formatExposureMarkdown, formatExposureText } from "./exposure.js";
import { formatEgressJson, formatEgressMarkdown, formatEgressText } from "./egress.js";
import { formatFixPlaceJson, formatFixPlaceMarkdown, formatFixPlaceText } from "./fix-place.js";
import { formatIntendedJson, formatIntendedMarkdown, formatIntendedText } from "./intended.js";
import { formatPlacementBriefMarkdown, formatPlacementBriefText } from "./place-brief.js";
import { formatLintJson, formatLintMarkdown, formatLintText } from "./lint.js";
import { placeAnswerChunks } from "./findings-json.js";
import { formatPlacementMarkdown, formatPlacementText } from "./place.js";
import { formatLintSarif } from "./sarif.js";
import { formatReportMarkdown } from "./report/index.js";
import { renderReportHtml } from "./html/index.js";
import { formatSnapshotJson, formatSnapshotMarkdown, formatSnapshotText } from "./snapshot-show.js";
import { colourPlacementText } from "./place-colour.js";
import { PLAIN_TEXT, type TextStyle } from "./terminal.js";
import {
  formatTraceBriefMarkdown,
  formatTraceBriefText,
  formatTraceJson,
  formatTraceMarkdown,
  formatTraceText,
} from "./trace.js";

export type OutputFormat = "text" | "json" | "md" | "sarif" | "txt" | "csv" | "dot" | "html";

export const OUTPUT_FORMATS: readonly OutputFormat[] = ["text", "json", "md"];
/** formats only some questions render (lint: SARIF 2.1.0; connlist: np-guard netpol-analyzer's txt, csv and dot; report: an HTML page) */
const EXTRA_FORMATS: readonly OutputFormat[] = ["sarif", "txt", "csv", "dot", "html"];

/** The answer each question gives (src/questions/<question>.ts). */
export interface AnswerOf {
  "snapshot show": SnapshotShowAnswer;
  place: PlaceAnswer;
  "fix place": FixPlaceAnswer;
  trace: TraceAnswer;
  egress: EgressAnswer;
  lint: LintAnswer;
  report: ReportAnswer;
  connlist: ConnlistAnswer;
  exposure: ExposureAnswer;
  intended: IntendedAnswer;
  diff: DiffAnswer;
}

/** How an answer is shown, beside its format: the terminal's width and colour, `--brief`. */
export interface RenderOptions {
  /** text: the width lines wrap at and whether verdicts are coloured (default: 120, no colour) */
  readonly style?: TextStyle;
  /** the short answer where the question has one (trace: the verdict, the NAT chain, the drop) */
  readonly brief?: boolean;
}

type Renderer<A> = (answer: A, options: RenderOptions) => Iterable<string>;

export type Renderers = { readonly [Q in QuestionName]: { readonly [F in OutputFormat]?: Renderer<AnswerOf[Q]> } };

/** Every question's formatters, by output format; `render` is the only reader. */
export const RENDERERS: Renderers = {
  "snapshot show": {
    text: (a, o) => [formatSnapshotText(a.analysis, o.style)],
    json: (a) => [formatSnapshotJson(a.result)],
    md: (a) => [formatSnapshotMarkdown(a.analysis)],
  },
  place: {
    text: (a, o) =>
      a.input.brief
        ? [formatPlacementBriefText(a.analysis)]
        : [
            colourPlacementText(
              formatPlacementText(a.analysis, a.input.node, { allPods: a.input.workload !== undefined }),
              o.style ?? PLAIN_TEXT,
            ),
          ],
    // chunk by chunk: at real scale the whole answer is longer than a JavaScript string can be
    json: (a) => placeAnswerChunks(a.result),
    md: (a) => [
      a.input.brief
        ? formatPlacementBriefMarkdown(a.analysis)
        : formatPlacementMarkdown(a.analysis, { allPods: a.input.workload !== undefined }),
    ],
  },
  "fix place": {
    text: (a) => [formatFixPlaceText(a.analysis)],
    json: (a) => [formatFixPlaceJson(a.result)],
    md: (a) => [formatFixPlaceMarkdown(a.analysis)],
  },
  trace: {
    text: (a, o) => [
      o.brief ? formatTraceBriefText(a.analysis, o.style ?? PLAIN_TEXT) : formatTraceText(a.analysis, o.style),
    ],
    json: (a) => [formatTraceJson(a.result)],
    md: (a, o) => [o.brief ? formatTraceBriefMarkdown(a.analysis) : formatTraceMarkdown(a.analysis)],
  },
  egress: {
    text: (a, o) => [formatEgressText(a.analysis, o.style)],
    json: (a) => [formatEgressJson(a.result)],
    md: (a) => [formatEgressMarkdown(a.analysis)],
  },
  lint: {
    text: (a) => [formatLintText(a.result)],
    json: (a) => [formatLintJson(a.result)],
    md: (a) => [formatLintMarkdown(a.result)],
    sarif: (a) => [formatLintSarif(a.result)],
  },
  // Markdown, and one self-contained HTML page (src/format/html/)
  report: { md: (a) => [formatReportMarkdown(a.analysis)], html: (a) => [renderReportHtml(a)] },
  connlist: {
    text: (a) => [formatConnlistText(a.analysis)],
    txt: (a) => [formatConnlistTxt(a.analysis)],
    json: (a) => [formatConnlistJson(a.result)],
    md: (a) => [formatConnlistMarkdown(a.analysis)],
    csv: (a) => [formatConnlistCsv(a.analysis)],
    dot: (a) => [formatConnlistDot(a.analysis)],
  },
  exposure: {
    text: (a, o) => [formatExposureText(a.analysis, o.style)],
    json: (a) => [formatExposureJson(a.result)],
    md: (a) => [formatExposureMarkdown(a.analysis)],
  },
  intended: {
    text: (a) => [formatIntendedText(a.analysis)],
    json: (a) => [formatIntendedJson(a.result)],
    md: (a) => [formatIntendedMarkdown(a.analysis)],
  },
  diff: {
    text: (a) => [formatDiffText(a.result)],
    json: (a) => [formatDiffJson(a.result)],
    md: (a) => [formatDiffMarkdown(a.result)],
  },
};

/** The output formats `question` can be rendered in. */
export function formatsOf(question: QuestionName): OutputFormat[] {
  return [...OUTPUT_FORMATS, ...EXTRA_FORMATS].filter((f) => RENDERERS[question][f] !== undefined);
}

/** A format the question has no renderer for: bad usage, exit 2. */
export class UnsupportedFormatError extends UserError {
  constructor(question: QuestionName, format: string) {
    super(`podpath ${question} has no ${format} output (formats: ${formatsOf(question).join(", ")})`);
    this.name = "UnsupportedFormatError";
  }
}

/** `answer` of `question` in `format`, as chunks to write in order. */
export function render<Q extends QuestionName>(
  question: Q,
  answer: AnswerOf[Q],
  format: OutputFormat,
  options: RenderOptions = {},
): Iterable<string> {
  const renderer: Renderer<AnswerOf[Q]> | undefined = RENDERERS[question][format];
  if (!renderer) throw new UnsupportedFormatError(question, format);
  return renderer(answer, options);
}
