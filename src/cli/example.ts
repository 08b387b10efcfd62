import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The package root: where package.json and examples/ live (dist/src/cli → ../../..). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "examples"))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

/** The embedded example every command uses when no --snapshot is given: the seed's cluster. */
export function embeddedExample(): { readonly path: string; readonly base: string } {
  const root = packageRoot();
  return { path: join(root, "examples", "ecoeco"), base: root };
}
