import { parseVariableQuery } from './variables';

test.each([
  [
    'label_values(aidpe_sim_request_rate, service)',
    { kind: 'label_values', label: 'service', selector: 'aidpe_sim_request_rate' },
  ],
  ['label_values(up{job="a,b"}, instance)', { kind: 'label_values', label: 'instance', selector: 'up{job="a,b"}' }],
  [' label_values( service ) ', { kind: 'label_values', label: 'service' }],
  ['metrics(aidpe_.*)', { kind: 'metrics', regex: 'aidpe_.*' }],
  ['metrics()', { kind: 'metrics', regex: '.*' }],
  ['label_values(up, 1bad)', { kind: 'invalid', error: 'label_values: "1bad" is not a label name' }],
  ['up', { kind: 'invalid', error: expect.stringContaining('label_values(<selector>, <label>)') }],
])('%s', (text, parsed) => {
  expect(parseVariableQuery(text)).toEqual(parsed);
});
