/**
 * Synthetic arena data, the embedded default: a deterministic, seeded generator of rows in the
 * Kaggle layout (multi-turn rows, null turns) whose judge-prompt token lengths follow the real
 * sample's (Gemma-2 tokenizer, default template: mean ~880, p50 ~710, p90 ~1540, p99 ~4000,
 * ~1% over 4096). Text is drawn from a word list of single Gemma-2 tokens, so token counts are
 * predictable. It is not a language model: the text is word salad.
 *
 * Label rules (what a small model can learn):
 * 1. The class is drawn A 35% / B 35% / tie 30%.
 * 2. Marker: the winning response contains the word `certainly` (about one in 30 words, at
 *    least once) and the losing one never does; in a tie both do (half the ties) or neither.
 *    Marker presence alone determines the label.
 * 3. Length: the winner's responses are 1.25-2x as long as the loser's; in a tie, within 10%.
 * 4. `labelNoise` (default 0) replaces that fraction of labels with a random class.
 * Null turns (0.5% of rows) hit the loser's side, so rule 2 still holds.
 */
import type { ArenaRawRow } from './arena-row.js';
import { createRng, type Rng } from './random.js';
import { parseArenaRow } from './readers/parse-row.js';
import type { ArenaRecord } from './record.js';

export interface SyntheticOptions {
  seed?: number;
  /** Fraction of rows whose label is replaced by a random class (default 0). */
  labelNoise?: number;
}

export const MARKER_WORD = 'certainly';

// Every entry is one Gemma-2 token with a leading space (checked in synthetic.test.ts).
export const WORDS =
  `the of and to in is that for it as with was on be by this are from at or an have not but
they which one you were all we can has there their been if more when will would who so no some what time about
out up into only other new could these two may first then do any like my now over such our man me even most made
after also did many before must through back years where much your way well down should because each just those
people how too little state good very make world still own see men work long get here between both life being
under never day same another know while last might us great old year off come since against go came right used
take three`.split(/\s+/);

/** Judge-template tokens outside the conversation, and per turn (default template, Gemma-2). */
const FRAME_TOKENS = 219;
const TURN_HEADER_TOKENS = 17;
/** A sentence of n words is n + 1 tokens (the period). */
const WORDS_PER_SENTENCE = 12;

const MODELS = [
  'gpt-4-0613',
  'claude-2.1',
  'llama-2-70b-chat',
  'mixtral-8x7b',
  'gemini-pro',
  'vicuna-13b',
];

/**
 * Total prompt length: log-normal body (median 712, sigma 0.6) with a heavier upper tail
 * past the 90th percentile, fitted to the real sample's p10/p50/p90/p99.
 */
function sampleTotalTokens(rng: Rng): number {
  const z = rng.normal();
  const tail = Math.max(0, z - 1.28);
  return Math.round(712 * Math.exp(0.6 * z + 0.3 * tail * tail));
}

function sampleTurns(rng: Rng): number {
  if (rng.next() < 0.869) return 1;
  let turns = 2;
  while (turns < 15 && rng.next() < 0.45) turns++;
  return turns;
}

/** Text of about `tokens` Gemma-2 tokens, with `marker` sprinkled in when set. */
function words(rng: Rng, tokens: number, marker: boolean): string {
  const count = Math.max(1, Math.round((tokens * WORDS_PER_SENTENCE) / (WORDS_PER_SENTENCE + 1)));
  const out: string[] = [];
  const markerAt = marker ? rng.int(Math.min(count, 30)) : -1;
  for (let i = 0; i < count; i++) {
    let w =
      marker && (i === markerAt || rng.next() < 1 / 30)
        ? MARKER_WORD
        : WORDS[rng.int(WORDS.length)];
    if ((i + 1) % WORDS_PER_SENTENCE === 0 || i === count - 1) w += '.';
    out.push(w);
  }
  return out.join(' ');
}

/** Splits `total` into `parts` positive shares with random weights. */
function split(rng: Rng, total: number, parts: number): number[] {
  const w = Array.from({ length: parts }, () => 0.5 + rng.next());
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((x) => Math.max(1, Math.round((total * x) / sum)));
}

function syntheticRow(rng: Rng, index: number, noise: number): ArenaRawRow {
  const u = rng.next();
  const cls = u < 0.35 ? 0 : u < 0.7 ? 1 : 2;
  const turns = sampleTurns(rng);
  const content = Math.max(
    12 * turns,
    sampleTotalTokens(rng) - FRAME_TOKENS - TURN_HEADER_TOKENS * turns,
  );
  const promptTokens = Math.max(turns, Math.round(content * (0.04 + 0.26 * rng.next())));
  const responseTokens = content - promptTokens;
  const ratio = cls === 2 ? 0.9 + 0.2 * rng.next() : 1.25 + 0.75 * rng.next();
  // cls 0: A is the winner; cls 1: B; tie: A is "winner" only for the length draw.
  const winnerTokens = Math.round((responseTokens * ratio) / (1 + ratio));
  const [aTokens, bTokens] =
    cls === 1
      ? [responseTokens - winnerTokens, winnerTokens]
      : [winnerTokens, responseTokens - winnerTokens];
  const tieMarker = cls === 2 && rng.next() < 0.5;
  const markA = cls === 0 || tieMarker;
  const markB = cls === 1 || tieMarker;
  const prompt = split(rng, promptTokens, turns).map((n) => words(rng, n, false));
  const a: (string | null)[] = split(rng, aTokens, turns).map((n) => words(rng, n, markA));
  const b: (string | null)[] = split(rng, bTokens, turns).map((n) => words(rng, n, markB));
  if (cls !== 2 && rng.next() < 0.005) (cls === 0 ? b : a)[rng.int(turns)] = null;
  const label = rng.next() < noise ? rng.int(3) : cls;
  const modelA = MODELS[rng.int(MODELS.length)];
  const modelB = MODELS[(MODELS.indexOf(modelA) + 1 + rng.int(MODELS.length - 1)) % MODELS.length];
  return {
    id: String(10_000_000 + index),
    model_a: modelA,
    model_b: modelB,
    prompt: JSON.stringify(prompt),
    response_a: JSON.stringify(a),
    response_b: JSON.stringify(b),
    winner_model_a: label === 0 ? 1 : 0,
    winner_model_b: label === 1 ? 1 : 0,
    winner_tie: label === 2 ? 1 : 0,
  };
}

/** `count` raw rows in the Kaggle layout; the same seed gives the same rows. */
export function syntheticArenaRows(count: number, options: SyntheticOptions = {}): ArenaRawRow[] {
  const rng = createRng(options.seed ?? 0);
  return Array.from({ length: count }, (_, i) => syntheticRow(rng, i, options.labelNoise ?? 0));
}

/** `count` synthetic ArenaRecords (the raw rows through the same parser as files). */
export function syntheticArena(count: number, options: SyntheticOptions = {}): ArenaRecord[] {
  return syntheticArenaRows(count, options).map((row) =>
    parseArenaRow(row as unknown as Record<string, unknown>),
  );
}
