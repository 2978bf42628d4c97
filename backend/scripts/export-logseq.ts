/**
 * Writes the log-sequence model's training data: templates mined by AIDPE's parser from the normal training
 * lines (BGL_2k's first half without alerts; Nezha's fault-free lines), as id sequences, plus the vocabulary
 * file that ships next to the model.
 *   node --import tsx scripts/export-logseq.ts --bgl FILE_OR_DIR [--nezha DIR] --out TRAINING.json --vocab VOCAB.json
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  buildTrainingExport,
  loadBgl,
  loadNezhaLogCases,
  resolveBglFile,
  resolveNezhaRoot,
} from '../src/eval/rca/logAnomalyData.ts';

const { values } = parseArgs({
  options: { bgl: { type: 'string' }, nezha: { type: 'string' }, out: { type: 'string' }, vocab: { type: 'string' } },
  strict: true,
});
if (!values.bgl || !values.out || !values.vocab) {
  process.stderr.write(
    'usage: export-logseq.ts --bgl FILE_OR_DIR [--nezha DIR] --out TRAINING.json --vocab VOCAB.json\n'
  );
  process.exit(2);
}
const bgl = loadBgl(resolveBglFile(values.bgl));
const root = values.nezha ? resolveNezhaRoot(values.nezha) : undefined;
const nezha = root ? loadNezhaLogCases(root) : undefined;
const data = buildTrainingExport(bgl, nezha, root);
for (const [file, body] of [
  [values.out, data],
  [values.vocab, data.vocabulary],
] as const) {
  mkdirSync(dirname(resolve(file)), { recursive: true });
  writeFileSync(file, JSON.stringify(body));
}
const count = (xs: number[][]) => xs.reduce((s, x) => s + x.length, 0);
process.stdout.write(
  `vocabulary: ${Object.keys(data.vocabulary.templates).length} templates (+PAD, UNK); BGL ${count(data.sequences.bgl)} events; Nezha ${data.sequences.nezha.length} streams, ${count(data.sequences.nezha)} events\n`
);
