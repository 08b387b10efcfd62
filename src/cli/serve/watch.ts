/**
 * `podpath serve` reloads the snapshot when one of its files changes. Node's fs.watch (inotify on
 * Linux) is set on the directories that hold the snapshot's files, not on the files themselves:
 * editors save by writing a new file and renaming it over the old one, after which a watch on
 * the old file's inode hears nothing. Events come in bursts (one save is a change and a rename,
 * often several), so they are debounced: the reload runs once the directory has been quiet for
 * `debounceMs`.
 */
import { watch, type FSWatcher } from "node:fs";
import { join } from "node:path";

/** The file names that can hold a snapshot's part (discover.ts reads *.yaml, *.yml and *.json). */
const SNAPSHOT_FILE = /\.(ya?ml|json)$/i;

export interface WatchTargets {
  /** directories to watch (not recursively) */
  readonly directories: readonly string[];
  /** absolute paths of the files the snapshot was read from (any name) */
  readonly files: readonly string[];
}

export interface SnapshotWatcher {
  close(): void;
}

/**
 * Calls `onChange` once no event has come for `debounceMs` after a change to one of `files`, or
 * to a *.yaml/*.yml/*.json file in one of `directories` (a file added to a scanned directory
 * counts). A directory that cannot be watched (removed, no permission) is
 * left out: reloading is a convenience, never a reason to stop serving.
 */
export function watchSnapshot(targets: WatchTargets, onChange: () => void, debounceMs = 200): SnapshotWatcher {
  const files = new Set(targets.files);
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const fire = () => {
    timer = undefined;
    if (!closed) onChange();
  };
  for (const directory of new Set(targets.directories)) {
    try {
      const watcher = watch(directory, { persistent: false }, (_event, name) => {
        // no name (some platforms): the directory changed, reload
        if (name !== null && !files.has(join(directory, name.toString())) && !SNAPSHOT_FILE.test(name.toString()))
          return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(fire, debounceMs);
      });
      watcher.on("error", () => watcher.close());
      watchers.push(watcher);
    } catch {
      // not watchable: the snapshot is still served, only not reloaded for this directory
    }
  }
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
