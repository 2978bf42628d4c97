/**
 * The sidecar's schedules: run a task now and then every `intervalMs` after the previous run has finished
 * (runs never overlap, so a slow run delays the next instead of piling up). Returns a stop function.
 */
export function runEvery(
  task: () => Promise<unknown>,
  intervalMs: number,
  onError: (err: unknown) => void,
  opts: { firstRunInMs?: number } = {}
): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const loop = async (): Promise<void> => {
    try {
      await task();
    } catch (err) {
      onError(err);
    }
    if (!stopped) {
      timer = setTimeout(() => void loop(), intervalMs);
    }
  };
  timer = setTimeout(() => void loop(), opts.firstRunInMs ?? 0);
  return () => {
    stopped = true;
    if (timer) {
      clearTimeout(timer);
    }
  };
}
