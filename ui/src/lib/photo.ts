// Student photos: files to base64 for the shell, and the shell's JPEG back to a picture.

export const PHOTO_TYPES = 'image/jpeg,image/png,image/webp';
/** The shell refuses files larger than this. */
export const MAX_PHOTO_BYTES = 20 * 1024 * 1024;

/** Base64 of some bytes, in chunks so a large photo does not overflow the call stack. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

export async function fileToBase64(file: Blob): Promise<string> {
  return bytesToBase64(new Uint8Array(await file.arrayBuffer()));
}

export function photoSrc(base64Jpeg: string | null): string | null {
  return base64Jpeg ? `data:image/jpeg;base64,${base64Jpeg}` : null;
}
