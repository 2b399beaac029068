/**
 * AdamW with decoupled weight decay (Loshchilov & Hutter; PyTorch's `torch.optim.AdamW`
 * update order): p <- p * (1 - lr * wd), then the Adam step with bias correction. Moments
 * are float32 variables named like the parameters, so they checkpoint and restore exactly;
 * bias corrections are computed from the step count in float64, so there is no hidden
 * accumulator to save.
 */
import { GftError } from '../errors/gft-error.js';
import { tf } from '../tf.js';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Decoupled weight decay (default 0.01, PyTorch's default). */
  weightDecay?: number;
  /** Parameters that get no weight decay (e.g. norms, biases); default: none excluded. */
  noDecay?: (name: string) => boolean;
}

export interface AdamW {
  /** Applies one update with learning rate `lr`; `grads` keys are parameter names. */
  step(grads: ReadonlyMap<string, tf.Tensor>, lr: number): void;
  /** Optimizer steps applied so far. */
  readonly stepCount: number;
  /** First and second moments by `m.<name>` / `v.<name>`, for checkpoints. */
  moments(): Map<string, tf.Variable>;
  /** Restores moments (same keys as `moments()`) and the step count. */
  restore(moments: ReadonlyMap<string, Float32Array>, stepCount: number): void;
  /** Bytes held by the moments. */
  readonly bytes: number;
  dispose(): void;
}

export function adamW(params: ReadonlyMap<string, tf.Variable>, options: AdamWOptions = {}): AdamW {
  const beta1 = options.beta1 ?? 0.9;
  const beta2 = options.beta2 ?? 0.999;
  const eps = options.epsilon ?? 1e-8;
  const wd = options.weightDecay ?? 0.01;
  const m = new Map<string, tf.Variable>();
  const v = new Map<string, tf.Variable>();
  let bytes = 0;
  for (const [name, p] of params) {
    // tidy frees the zeros; the variables survive it.
    m.set(
      name,
      tf.tidy(() => tf.variable(tf.zerosLike(p), false)),
    );
    v.set(
      name,
      tf.tidy(() => tf.variable(tf.zerosLike(p), false)),
    );
    bytes += 8 * p.size;
  }
  let t = 0;

  return {
    get stepCount() {
      return t;
    },
    bytes,
    step(grads, lr) {
      t += 1;
      const bc1 = 1 - beta1 ** t;
      const bc2 = 1 - beta2 ** t;
      for (const [name, p] of params) {
        const g = grads.get(name);
        if (!g) continue; // a parameter the loss does not reach this step keeps its moments
        const mv = m.get(name)!;
        const vv = v.get(name)!;
        const decay = options.noDecay?.(name) ? 0 : wd;
        // One small tidy per intermediate, so at most ~3 parameter-sized temporaries live at
        // once: with a 256k-vocabulary embedding each one is hundreds of MiB of wasm heap.
        // The outer tidy frees the inner result once the variable holds its data.
        tf.tidy(() => mv.assign(tf.tidy(() => tf.add(tf.mul(mv, beta1), tf.mul(g, 1 - beta1)))));
        tf.tidy(() =>
          vv.assign(tf.tidy(() => tf.add(tf.mul(vv, beta2), tf.mul(tf.square(g), 1 - beta2)))),
        );
        const denom = tf.tidy(() => tf.add(tf.sqrt(tf.div(vv, bc2)), eps));
        const step = tf.tidy(() => tf.mul(tf.div(tf.div(mv, bc1), denom), lr));
        denom.dispose();
        const next = tf.tidy(() => tf.sub(decay === 0 ? p : tf.mul(p, 1 - lr * decay), step));
        step.dispose();
        p.assign(next);
        next.dispose();
      }
    },
    moments() {
      const out = new Map<string, tf.Variable>();
      for (const [name, x] of m) out.set(`m.${name}`, x);
      for (const [name, x] of v) out.set(`v.${name}`, x);
      return out;
    },
    restore(saved, stepCount) {
      for (const [key, x] of this.moments()) {
        const data = saved.get(key);
        if (!data || data.length !== x.size) {
          throw new GftError(
            'BAD_CHECKPOINT',
            `optimizer moment '${key}' is ${data ? `${data.length} values, expected ${x.size}` : 'missing'} in the checkpoint`,
            { where: key },
          );
        }
        tf.tidy(() => x.assign(tf.tensor(data, x.shape, 'float32')));
      }
      t = stepCount;
    },
    dispose() {
      for (const x of m.values()) x.dispose();
      for (const x of v.values()) x.dispose();
    },
  };
}
