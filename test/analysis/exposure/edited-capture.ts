/** A hand-written capture copied to a temporary directory with some of its JSON files edited (exposure tests). */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { loadSnapshot } from "../../../src/load/load-snapshot.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { REPO, tempDir } from "../../support/helpers.js";

/** A copy of a capture directory, with some of its JSON files edited. */
export function editedCapture(capture: string, edits: Readonly<Record<string, (json: any) => void>>): Snapshot {
  const root = join(REPO, capture);
  const files: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const rel = relative(root, full);
        const edit = edits[rel];
        if (edit) {
          const json: unknown = JSON.parse(readFileSync(full, "utf8"));
          edit(json);
          files[rel] = JSON.stringify(json, null, 2);
        } else files[rel] = readFileSync(full, "utf8");
      }
    }
  };
  walk(root);
  const dir = tempDir(files);
  const index = files["podpath.yaml"] !== undefined ? join(dir, "podpath.yaml") : dir;
  return loadSnapshot({ paths: [index], cwd: dir });
}
