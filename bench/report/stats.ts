/** The median of a set of per-round values with its min–max spread. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  rounds: number;
}

export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('no values to summarise');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], rounds: values.length };
}

/** Ratios of two series measured round by round (`numerators[i] / denominators[i]`). */
export function ratiosByRound(numerators: readonly number[], denominators: readonly number[]): number[] {
  if (numerators.length !== denominators.length) throw new Error('ratio series of different lengths');
  return numerators.map((value, round) => value / denominators[round]);
}
