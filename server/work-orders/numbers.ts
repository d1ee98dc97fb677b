/**
 * Work-order numbers: the issuing depot's code, a dash, and that code's running number padded to
 * six digits ("AVM-000124"). Depot codes are unique in an org, so depots numbering offline never
 * issue the same number. Numbers from before the prefix ("WO-000123") keep their form.
 */
export function formatNumber(prefix: string, seq: number): string {
  return `${prefix}-${String(seq).padStart(6, '0')}`;
}
