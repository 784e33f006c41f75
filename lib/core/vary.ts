/**
 * Appends field names to a `Vary` value: existing names are kept (compared case-insensitively),
 * `*` stays `*`, and a missing value becomes `names`. Always returns a fresh string.
 *
 * @param current the response's current `Vary` (a string, a list of field lines, or nothing)
 * @param names the names to add, comma-separated (e.g. `'Origin'`)
 */
export function appendVary(current: unknown, names: string): string {
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
