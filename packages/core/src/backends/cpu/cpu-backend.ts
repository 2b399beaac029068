/**
 * The built-in `cpu` backend plugin: tfjs-backend-cpu as it is, plain JavaScript. The
 * reference the other backends are checked against (the conformance suite, golden tests),
 * not a backend to train on.
 */
import type { Backend } from '../../backend.js';
import { GftError } from '../../errors/gft-error.js';
import { tf } from '../../tf.js';
import { registerTfjsCpu } from './register-tfjs-cpu.js';

export function cpuBackend(): Backend {
  return {
    kind: 'backend',
    name: 'cpu',
    tfBackend: 'cpu',
    async setup() {
      await registerTfjsCpu();
      if (tf.getBackend() !== 'cpu' && !(await tf.setBackend('cpu'))) {
        throw new GftError(
          'BACKEND_UNAVAILABLE',
          "cpu backend: tf.setBackend('cpu') failed (see the warning above for the cause)",
          { where: 'backends/cpu' },
        );
      }
      await tf.ready();
    },
    memory() {
      return { tensorBytes: tf.memory().numBytes };
    },
  };
}
