import React from 'react';
import { EmptyState, Text } from '@grafana/ui';

interface Props {
  /** Short headline, e.g. "No incidents yet". */
  message: string;
  /** What this page will show once the corresponding engine ships. */
  children: string;
}

/** Placeholder for pages whose engine has not landed yet. */
export function ComingSoon({ message, children }: Props) {
  return (
    <EmptyState variant="call-to-action" message={message}>
      <Text element="p" color="secondary">
        {children}
      </Text>
    </EmptyState>
  );
}
