/** Silences stdout/stderr while `fn` runs (CLI tests); returns its value and what was written. */
export async function quiet<T>(fn: () => Promise<T>): Promise<{ value: T; out: string }> {
  const w1 = process.stdout.write.bind(process.stdout);
  const w2 = process.stderr.write.bind(process.stderr);
  let out = '';
  const capture = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  try {
    return { value: await fn(), out };
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
  }
}
