/** Offers bytes to the user as a file download (a Blob URL clicked through a hidden link). */
export function downloadFile(bytes: ArrayBuffer, fileName: string, type = 'application/dicom'): void {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // The browser has taken the file once the click is handled; free the URL after that.
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}
