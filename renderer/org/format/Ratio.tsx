import { useOrg } from '../shell/org-context';
import type { Ratio } from './format';

/** "92.5 %" with its "37/40" beside it, smaller; the whole as the tooltip and for screen readers. */
export function RatioText({ ratio }: { ratio: Ratio }) {
  const { fmt } = useOrg();
  const t = fmt.ratio(ratio);
  return (
    <span className="org-ratio" title={t.full} aria-label={t.full}>
      <span aria-hidden="true">{t.value}</span>
      <span className="org-ratio-detail" aria-hidden="true">
        {t.detail}
      </span>
    </span>
  );
}
