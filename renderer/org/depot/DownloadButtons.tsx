import { useState } from 'react';
import { downloadReport, REPORT_FILES } from '../api/queries';
import { saveFile } from '../api/save';
import type { Period } from '../period/presets';

type FileId = (typeof REPORT_FILES)[number]['id'];

/**
 * The depot's report files for this scope and period, made by the hub on request. They take a few
 * seconds on a big organization: the button says so, and a refusal is shown beside the buttons.
 */
export function DownloadButtons({ period, depotId }: { period: Period; depotId: string | null }) {
  const [busy, setBusy] = useState<FileId | null>(null);
  const [error, setError] = useState<string | null>(null);
  const download = async (file: (typeof REPORT_FILES)[number]) => {
    setBusy(file.id);
    setError(null);
    try {
      saveFile(await downloadReport(file, period, depotId));
    } catch (err) {
      setError(`${file.label}: ${(err as Error).message}`);
    } finally {
      setBusy(null);
    }
  };
  return (
    <span className="org-downloads" aria-busy={busy !== null}>
      {REPORT_FILES.map((f) => (
        <button key={f.id} onClick={() => void download(f)} disabled={busy !== null} data-testid={`download-${f.id}`}>
          {busy === f.id ? 'Preparing…' : f.label}
        </button>
      ))}
      {error && (
        <span className="org-field-error" role="alert" data-testid="download-error">
          {error}
        </span>
      )}
    </span>
  );
}
