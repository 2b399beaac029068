/**
 * The page: runs the fine-tuning loop and shows the loss falling and tokens/s live. Also
 * publishes progress on `window.gftProgress` for the end-to-end test that drives this page.
 */
import { drawLoss } from './loss-chart.js';
import { fineTune, type StepReport } from './training.js';

export interface GftProgress {
  adapter?: string;
  steps: StepReport[];
  done: boolean;
  error?: string;
}

declare global {
  interface Window {
    gftProgress: GftProgress;
  }
}

const progress: GftProgress = { steps: [], done: false };
window.gftProgress = progress;

const status = document.getElementById('status') as HTMLElement;
const stats = document.getElementById('stats') as HTMLElement;
const chart = document.getElementById('chart') as unknown as SVGSVGElement;
const errorBox = document.getElementById('error') as HTMLElement;
const params = new URLSearchParams(location.search);
const steps = Number(params.get('steps') ?? 30);

fineTune(
  { steps, rowsPerBatch: 4, wordsPerSide: 12, learningRate: 1e-2 },
  (info) => {
    progress.adapter = String(info.adapter);
    status.textContent = `WebGPU adapter: ${info.adapter} (matmul: ${info.matMul}); training ${steps} steps…`;
  },
  (report) => {
    progress.steps.push(report);
    const losses = progress.steps.map((s) => s.loss);
    stats.textContent = `step ${report.step + 1}/${steps}  loss ${report.loss.toFixed(4)}  ${report.tokens} tokens in ${report.ms.toFixed(0)} ms  ${report.tokensPerSecond.toFixed(1)} tokens/s`;
    drawLoss(chart, losses);
  },
)
  .then(() => {
    progress.done = true;
    status.textContent += ' done.';
  })
  .catch((e: unknown) => {
    progress.error = e instanceof Error ? e.message : String(e);
    errorBox.textContent = progress.error;
    status.textContent = 'failed';
  });
