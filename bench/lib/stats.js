// Small helpers shared by the benchmarks: medians and a uniform results table.
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * rows: [{ name, ms, ratio, target? }]; ratio is ours / reference (below 1 is faster) unless
 * the row says otherwise. A row with a target is marked ok or MISSED.
 */
export function printTable(title, rows) {
  console.log(`\n${title}`);
  for (const row of rows) {
    const target = row.target === undefined ? '' : `  target ${row.targetText ?? `<= ${row.target}`}: ${row.met ?? row.ratio <= row.target ? 'ok' : 'MISSED'}`;
    console.log(`  ${row.name.padEnd(44)} ${row.ms.toFixed(1).padStart(10)} ms  ratio ${row.ratio.toFixed(2).padStart(6)}${target}`);
  }
}
