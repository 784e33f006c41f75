// Vary merging: append, dedupe, keep *.
/**
 * Appends field names to a `Vary` value: existing names are kept (compared case-insensitively),
 * `*` stays `*`, and a missing value becomes `names`. Always returns a fresh string.
 *
 * @param current the response's current `Vary` (a string, a list of field lines, or nothing)
 * @param names the names to add, comma-separated (e.g. `'Origin'`)
 */
export function appendVary(current: unknown, names: string): string {
  if ((current === undefined || current === '') && isCleanList(names)) return names;
  const existing = Array.isArray(current) ? current.join(', ') : current === undefined || current === null ? '' : String(current);
  const present = new Set(existing.split(',').map((name) => name.trim().toLowerCase()));
  if (present.has('*')) return existing;
  let result = existing.trim() === '' ? '' : existing;
  for (const name of names.split(',')) {
    const trimmed = name.trim();
    if (trimmed === '' || present.has(trimmed.toLowerCase())) continue;
    result = result === '' ? trimmed : `${result}, ${trimmed}`;
    present.add(trimmed.toLowerCase());
  }
  return result;
}

/** Field-name lists this module has already seen to be trimmed and duplicate-free (our constants). */
const cleanLists = new Set<string>();

function isCleanList(names: string): boolean {
  if (cleanLists.has(names)) return true;
  const items = names.split(', ');
  const clean =
    items.every((item) => item !== '' && item.trim() === item && !item.includes(',')) &&
    new Set(items.map((item) => item.toLowerCase())).size === items.length;
  if (clean && cleanLists.size < 64) cleanLists.add(names);
  return clean;
}
