/** The runner: train, evaluate, predict, bench over a resolved plugin set. */
export {};
