/** Silences stdout/stderr while `fn` runs (CLI tests); returns its value and what was written. */
export async function quiet<T>(fn: () => Promise<T>): Promise<{ value: T; out: string }> {
  const w1 = process.stdout.write.bind(process.stdout);
  const w2 = process.stderr.write.bind(process.stderr);
  let out = '';
  // The test runner reports a file's results to its parent as binary chunks on stdout: pass those through,
  // or results of tests that finish while output is captured would be lost.
  const capture = (original: typeof process.stdout.write) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      if (typeof chunk !== 'string') {
        return (original as (c: Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
      }
      out += chunk;
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture(w1);
  process.stderr.write = capture(w2);
  try {
    return { value: await fn(), out };
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
  }
}
