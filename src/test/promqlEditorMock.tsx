/**
 * The PromQL editor as a plain input, for component tests: CodeMirror needs a laid-out DOM that jsdom does not
 * have. The editor itself (highlighting, completion) is covered in Chromium by the browser tests.
 */
import React from 'react';
import type { PromqlEditorProps } from '../components/PromqlEditor/PromqlEditor';

export function PromqlEditor(props: PromqlEditorProps) {
  return (
    <input
      id={props.id}
      data-testid={props['data-testid']}
      aria-label={props['aria-label'] ?? 'PromQL'}
      aria-invalid={props.invalid}
      value={props.value}
      placeholder={props.placeholder}
      onChange={(e) => props.onChange(e.currentTarget.value)}
      onBlur={() => props.onBlur?.()}
    />
  );
}
