/** Wording the rules share. */

/** "a, b, c" — at most `max` names, then "… (+N)". */
export function listNames(names: readonly string[], max = 5): string {
  return names.length <= max ? names.join(", ") : `${names.slice(0, max).join(", ")}, … (+${names.length - max})`;
}

/** "1 pod", "3 pods" */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
