/** The built-in cpu backend: tfjs's reference kernels, loaded when set up. */
export { cpuBackend } from './cpu-backend.js';
export { registerTfjsCpu } from './register-tfjs-cpu.js';
