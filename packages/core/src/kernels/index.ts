/** The fused-kernel registry: gft kernel names, generic implementations, backend overrides. */
export {};
