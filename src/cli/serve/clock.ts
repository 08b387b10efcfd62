/** `HH:MM:SS UTC` of a date: when the snapshot was loaded or reloaded, on the page and on stderr. */
export function clockTime(at: Date): string {
  return `${at.toISOString().slice(11, 19)} UTC`;
}
