import React from 'react';
import { Icon, Tooltip } from '@grafana/ui';
import type { Term as TermInfo } from '../../domain/vocabulary';

/** A plain-word label with the technical term and its meaning in a tooltip (dotted underline, info icon). */
export function Term({ term }: { term: TermInfo }) {
  return (
    <Tooltip content={term.technical}>
      <span style={{ textDecoration: 'underline dotted', cursor: 'help', whiteSpace: 'nowrap' }}>
        {term.label} <Icon name="info-circle" size="xs" />
      </span>
    </Tooltip>
  );
}

/** An InteractiveTable header with a tooltip. */
export const termHeader = (term: TermInfo) => {
  const Header = () => <Term term={term} />;
  return Header;
};
