import React, { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { css, cx } from '@emotion/css';
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { Compartment, EditorState, Prec } from '@codemirror/state';
import { EditorView, keymap, placeholder as placeholderExtension } from '@codemirror/view';
import { PromQLExtension, type PrometheusClient } from '@prometheus-io/codemirror-promql';
import { tags } from '@lezer/highlight';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';

export interface PromqlEditorProps {
  value: string;
  onChange: (value: string) => void;
  /** Leaving the editor (validation, running the query). */
  onBlur?: () => void;
  /** Shift+Enter or Ctrl/Cmd+Enter. */
  onRunQuery?: () => void;
  /** Where metric and label names come from; without one the editor highlights and checks syntax only. */
  completion?: PrometheusClient;
  placeholder?: string;
  invalid?: boolean;
  id?: string;
  'data-testid'?: string;
  'aria-label'?: string;
}

/** PromQL colours from the Grafana theme, so light and dark themes both read well. */
function highlightStyle(theme: GrafanaTheme2): HighlightStyle {
  const v = theme.visualization;
  return HighlightStyle.define([
    { tag: tags.keyword, color: v.getColorByName('purple') },
    { tag: [tags.function(tags.variableName), tags.function(tags.name)], color: v.getColorByName('blue') },
    { tag: tags.labelName, color: v.getColorByName('orange') },
    { tag: tags.string, color: v.getColorByName('green') },
    { tag: [tags.number, tags.unit], color: v.getColorByName('yellow') },
    { tag: tags.operator, color: theme.colors.text.secondary },
    { tag: tags.comment, color: theme.colors.text.disabled, fontStyle: 'italic' },
    { tag: tags.invalid, color: theme.colors.error.text },
  ]);
}

function editorTheme(theme: GrafanaTheme2) {
  return EditorView.theme(
    {
      '&': {
        color: theme.colors.text.primary,
        backgroundColor: 'transparent',
        fontSize: theme.typography.bodySmall.fontSize,
      },
      '.cm-content': { fontFamily: theme.typography.fontFamilyMonospace, caretColor: theme.colors.text.primary },
      '&.cm-focused': { outline: 'none' },
      '.cm-tooltip': {
        backgroundColor: theme.colors.background.primary,
        border: `1px solid ${theme.colors.border.weak}`,
        boxShadow: theme.shadows.z2,
      },
      '.cm-tooltip-autocomplete > ul > li[aria-selected]': {
        backgroundColor: theme.colors.action.selected,
        color: theme.colors.text.primary,
      },
      '.cm-completionDetail': { color: theme.colors.text.secondary },
      '.cm-placeholder': { color: theme.colors.text.disabled },
    },
    { dark: theme.isDark }
  );
}

/**
 * A PromQL field on CodeMirror with Prometheus' own PromQL language support: highlighting, syntax errors as you
 * type, and completion of functions, keywords, and (through the sidecar) metric names, label names and label
 * values. One line by default; it grows with the query.
 */
export function PromqlEditor(props: PromqlEditorProps) {
  const { value, completion, placeholder, invalid } = props;
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>();
  // The latest callbacks, read by the editor's listeners (created once).
  const latest = useRef(props);
  useLayoutEffect(() => {
    latest.current = props;
  });
  const language = useMemo(() => new Compartment(), []);
  const look = useMemo(() => new Compartment(), []);

  useEffect(() => {
    if (!host.current) {
      return undefined;
    }
    const run = () => {
      latest.current.onRunQuery?.();
      return Boolean(latest.current.onRunQuery);
    };
    const state = EditorState.create({
      doc: latest.current.value,
      extensions: [
        history(),
        closeBrackets(),
        autocompletion({ activateOnTyping: true }),
        Prec.highest(
          keymap.of([
            { key: 'Shift-Enter', run },
            { key: 'Mod-Enter', run },
          ])
        ),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap]),
        EditorView.lineWrapping,
        placeholderExtension(placeholder ?? ''),
        language.of([]),
        look.of([]),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) {
            latest.current.onChange(update.state.doc.toString());
          }
          if (update.focusChanged && !update.view.hasFocus) {
            latest.current.onBlur?.();
          }
        }),
      ],
    });
    view.current = new EditorView({ state, parent: host.current });
    return () => {
      view.current?.destroy();
      view.current = undefined;
    };
    // Created once; the compartments below follow the props.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const promql = new PromQLExtension().setComplete(completion ? { remote: completion } : undefined);
    view.current?.dispatch({ effects: language.reconfigure(promql.asExtension()) });
  }, [completion, language]);

  useEffect(() => {
    view.current?.dispatch({
      effects: look.reconfigure([editorTheme(theme), syntaxHighlighting(highlightStyle(theme))]),
    });
  }, [theme, look]);

  // A value set from outside (a saved query, a reset) replaces the text; typing does not come back here.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
    }
  }, [value]);

  return (
    <div
      ref={host}
      id={props.id}
      data-testid={props['data-testid']}
      aria-label={props['aria-label'] ?? 'PromQL'}
      className={cx(styles.field, invalid && styles.invalid)}
    />
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  field: css({
    flexGrow: 1,
    minHeight: theme.spacing(theme.components.height.md),
    display: 'flex',
    alignItems: 'center',
    padding: theme.spacing(0, 1),
    background: theme.components.input.background,
    border: `1px solid ${theme.components.input.borderColor}`,
    borderRadius: theme.shape.radius.default,
    '&:focus-within': { outline: `2px solid ${theme.colors.primary.border}`, outlineOffset: -1 },
    '.cm-editor': { width: '100%' },
  }),
  invalid: css({ borderColor: theme.colors.error.border }),
});
