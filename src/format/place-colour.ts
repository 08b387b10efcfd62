/**
 * Colour for `place -o text` on a terminal, applied to the finished text so the layout stays
 * src/format/place.ts's: "can run on:" green when some node fits and red with "no node", "not
 * on …:" (rejected nodes) yellow, and "unschedulable" red wherever a pod is. Nothing changes
 * without colour (a pipe, NO_COLOR).
 */
import { paint, type TextStyle } from "./terminal.js";

export function colourPlacementText(text: string, style: TextStyle): string {
  if (!style.colour) return text;
  return text
    .split("\n")
    .map((line) =>
      line
        .replace(
          /^( {2})(can run on:) no node$/,
          (_, lead: string, label: string) => `${lead}${paint(`${label} no node`, "dropped", style)}`,
        )
        .replace(
          /^( {2})(can run on:)(?= )/,
          (_, lead: string, label: string) => `${lead}${paint(label, "delivered", style)}`,
        )
        .replace(/^( {2})(not on .*:)$/, (_, lead: string, label: string) => `${lead}${paint(label, "unknown", style)}`)
        .replace(/\bunschedulable\b(?=:|$)/g, (word) => paint(word, "dropped", style)),
    )
    .join("\n");
}
