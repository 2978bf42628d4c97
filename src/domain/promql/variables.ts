/**
 * Template-variable queries the AIDPE datasource answers, in the Prometheus datasource's syntax:
 * `label_values(<selector>, <label>)`, `label_values(<label>)` and `metrics(<regex>)`. Pure parsing here; the
 * datasource answers them through the sidecar's metadata routes (`SidecarPromClient`).
 */
export type VariableQuery =
  | { kind: 'label_values'; label: string; selector?: string }
  | { kind: 'metrics'; regex: string }
  | { kind: 'invalid'; error: string };

const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function parseVariableQuery(text: string): VariableQuery {
  const q = text.trim();
  const labelValues = /^label_values\(\s*(.*?)\s*\)$/s.exec(q);
  if (labelValues) {
    const args = labelValues[1]!;
    const comma = args.lastIndexOf(',');
    const label = (comma >= 0 ? args.slice(comma + 1) : args).trim();
    const selector = comma >= 0 ? args.slice(0, comma).trim() : undefined;
    if (!LABEL.test(label)) {
      return { kind: 'invalid', error: `label_values: "${label}" is not a label name` };
    }
    return selector ? { kind: 'label_values', label, selector } : { kind: 'label_values', label };
  }
  const metrics = /^metrics\(\s*(.*?)\s*\)$/s.exec(q);
  if (metrics) {
    return { kind: 'metrics', regex: metrics[1] || '.*' };
  }
  return {
    kind: 'invalid',
    error: 'Use label_values(<selector>, <label>), label_values(<label>) or metrics(<regex>)',
  };
}
