/**
 * The slice of the WebGPU API this plugin touches, typed structurally so the package
 * needs neither `@webgpu/types` nor a DOM lib that knows WebGPU. Not a full binding:
 * tfjs-backend-webgpu does the real work with the device.
 */

export interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

export interface GpuDeviceLike {
  readonly lost?: Promise<{ reason?: string; message?: string }>;
  destroy?(): void;
}

export interface GpuAdapterLike {
  readonly info?: GpuAdapterInfoLike;
  readonly features: { has(name: string): boolean };
  readonly limits: Record<string, number>;
  readonly isFallbackAdapter?: boolean;
  requestDevice(descriptor?: {
    requiredFeatures?: string[];
    requiredLimits?: Record<string, number>;
  }): Promise<GpuDeviceLike>;
}

export interface GpuLike {
  requestAdapter(options?: {
    powerPreference?: 'high-performance' | 'low-power';
  }): Promise<GpuAdapterLike | null>;
}
