/**
 * A line on stderr every ten seconds while a model builds, so building gemma2-9b (minutes of
 * initialising or quantising 9 billion weights) does not look like a hang; small models
 * build in well under that and print nothing.
 */
export function buildProgress(
  label: string,
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  everyMs = 10_000,
): (layersBuilt: number, numLayers: number) => void {
  const start = performance.now();
  let lastPrint = start;
  let printed = false;
  return (built, total) => {
    const now = performance.now();
    const seconds = ((now - start) / 1000).toFixed(0);
    if (built === total && printed) {
      write(`building ${label}: done, ${total} layers in ${seconds} s`);
    } else if (now - lastPrint >= everyMs) {
      lastPrint = now;
      printed = true;
      write(`building ${label}: ${built}/${total} layers (${seconds} s)`);
    }
  };
}
