/**
 * Test helper: probes once per test file for a WebGPU adapter with the plugin's default
 * options, so suites can `describe.skipIf(!gpu.ok)` with the reason in the title.
 */
import { probeAdapter } from '../acquire-adapter.js';
import { adapterOptions } from '../webgpu-backend.js';

export const gpu = await probeAdapter(adapterOptions());

/** A suite title that says why it was skipped when no adapter could be made. */
export function gpuTitle(title: string): string {
  return gpu.ok ? title : `${title} (skipped: no WebGPU adapter: ${gpu.reason.split('\n')[0]})`;
}
