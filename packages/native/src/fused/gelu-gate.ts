/**
 * Gated tanh-GELU, gelu_tanh(gate) * up, on a native device: the `geluGateForward` /
 * `geluGateBackward` kernels (host: native/host/norm.cc), one pass each. The gradient keeps
 * only gate and up and recomputes the tanh.
 *
 * Shape legend: N = rows, F = MLP width (any shape works: the kernels are elementwise).
 */
import type { GeluGateAttrs, GeluGateInputs, tf } from '@gft/core';
import { callNative, currentNativeBackend, customGrad, expectTensor } from './native-call.js';

const WHERE = 'native fused kernel GftGeluGate';

export function geluGateNative(inputs: GeluGateInputs, _attrs?: GeluGateAttrs): tf.Tensor2D {
  const backend = currentNativeBackend(WHERE);
  const { gate, up } = inputs;
  expectTensor(WHERE, 'gate', gate, gate.shape);
  expectTensor(WHERE, 'up', up, gate.shape);
  const params = [gate.size];
  const f = customGrad<tf.Tensor2D>((g: tf.Tensor2D, u: tf.Tensor2D, save: tf.GradSaveFunc) => {
    save([g, u]);
    return {
      value: callNative(backend, 'geluGateForward', [g, u], [g.shape], params)[0] as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) =>
        callNative(
          backend,
          'geluGateBackward',
          [saved[0], saved[1], dy],
          [g.shape, g.shape],
          params,
        ),
    };
  });
  return f(gate, up);
}
