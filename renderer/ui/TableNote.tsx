import type { ReactNode } from 'react';

/**
 * The one row a table shows instead of data: still loading, nothing in the period, or why it failed.
 * Spanning the table keeps the header in place, so the page does not jump when the rows arrive.
 */
export function TableNote({
  span,
  alert = false,
  testId,
  children,
}: {
  span: number;
  alert?: boolean;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <tr>
      <td colSpan={span} className="muted" {...(alert ? { role: 'alert' } : {})} {...(testId ? { 'data-testid': testId } : {})}>
        {children}
      </td>
    </tr>
  );
}
