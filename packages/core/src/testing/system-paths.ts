/**
 * Programs and drivers outside the repository that browser and WebGPU tests use: Debian's
 * Chromium and the SwiftShader Vulkan driver it ships (WebGPU without a GPU).
 */

/** The headless browser: `GFT_CHROMIUM`, else Debian's `/usr/bin/chromium`. */
export function chromiumPath(): string {
  return process.env.GFT_CHROMIUM || '/usr/bin/chromium';
}

/** SwiftShader's Vulkan ICD manifest and driver as Debian's chromium package installs them. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
export const SWIFTSHADER_DRIVER = '/usr/lib/chromium/libvk_swiftshader.so';
