/**
 * Test helper: probes once per test file for a WebGPU adapter with the plugin's default
 * options; it decides the `webgpu` requirement, so suites `describe.skipIf(!gpu.ok)` with
 * the reason in the title, and fail instead where GFT_REQUIRE declares webgpu.
 */
import { needs } from '@gft/core/testing';
import { probeAdapter } from '../acquire-adapter.js';
import { adapterOptions } from '../webgpu-backend.js';

const probe = await probeAdapter(adapterOptions());

export const gpu = needs('webgpu', () => (probe.ok ? undefined : probe.reason));

/** A suite title that says why it was skipped when no adapter could be made. */
export function gpuTitle(title: string): string {
  return gpu.title(title);
}
