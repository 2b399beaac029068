/** Draws the loss curve into the page's SVG: a polyline scaled to the values so far. */
export function drawLoss(svg: SVGSVGElement, losses: readonly number[]): void {
  const width = 480;
  const height = 200;
  const pad = 20;
  const max = Math.max(...losses);
  const min = Math.min(...losses);
  const span = max - min || 1;
  const x = (i: number) => pad + (i * (width - 2 * pad)) / Math.max(1, losses.length - 1);
  const y = (v: number) => height - pad - ((v - min) * (height - 2 * pad)) / span;
  const points = losses.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  svg.innerHTML = `
    <polyline fill="none" stroke="#1565c0" stroke-width="2" points="${points}" />
    ${losses.map((v, i) => `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="#1565c0" />`).join('')}
    <text x="${pad}" y="14" font-size="11">loss ${max.toFixed(3)} (top) … ${min.toFixed(3)} (bottom)</text>`;
}
