// Save a file from the page: a temporary object URL clicked as a download link.
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const downloadText = (text: string, fileName: string, mimeType = 'text/plain'): void => downloadBlob(new Blob([text], { type: `${mimeType};charset=utf-8` }), fileName);

/** A file-name-safe slug: "GPTQ-W4 drops" → "gptq-w4-drops" */
export const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80) || 'figure';
