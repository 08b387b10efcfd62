/**
 * `place -o json` with its `findings`: the placement's chunks (format/place.ts
 * `placementResultChunks`, written chunk by chunk at scale) and then `findings`, the last field of
 * the answer, so the bytes stay what one `JSON.stringify(result, null, 2)` gives.
 */
import type { PlacementJson } from "../questions/place.js";
import type { Versioned } from "../questions/location.js";
import { placementResultChunks } from "./place.js";

export function* placeAnswerChunks(result: Versioned<PlacementJson>): Generator<string> {
  const { findings, ...placement } = result;
  if (findings === undefined) {
    yield* placementResultChunks(placement);
    return;
  }
  // every chunk but the last as it is; the last one's closing "\n}\n" after the findings
  let last: string | undefined;
  for (const chunk of placementResultChunks(placement)) {
    if (last !== undefined) yield last;
    last = chunk;
  }
  const end = "\n}\n";
  if (last === undefined || !last.endsWith(end)) throw new Error("place -o json: the placement's chunks end unclosed");
  const indented = JSON.stringify(findings, null, 2).replace(/\n/g, "\n  ");
  yield `${last.slice(0, -end.length)},\n  "findings": ${indented}${end}`;
}
