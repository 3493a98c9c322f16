export function ProgressBar({ label, done, total, testId, text }: { label: string; done: number; total: number; testId?: string; text?: string }) {
  const pct = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0;
  return (
    <div className="progress" data-testid={testId}>
      <div className="progress-track" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-valuetext={`${pct}% (${done} of ${total})`}>
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <span className="progress-text">{text ?? (total > 0 ? `${pct}% · ${done}/${total}` : '—')}</span>
    </div>
  );
}
