/**
 * A full garbage collection on demand. Building a model stages every weight in a JavaScript
 * array before the backend copies it (random init, safetensors reads): once built, those
 * arrays are garbage as large as the model's biggest tensors (gemma2-9b's embedding: 3.4 GiB),
 * and V8 collects them only under heap pressure, which external memory barely creates. The
 * CLI collects right after building, so a run's resident memory is what the memory model
 * predicts. Node exposes `gc` only behind --expose-gc; the flag can be set at run time and
 * the function taken from a fresh context.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

export function collectGarbage(): void {
  if (!gc) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) gc = exposed;
    else {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    }
  }
  gc();
}
