import { describe, expect, it } from 'vitest';
import { bytesToBase64, fileToBase64, photoSrc } from './photo';

describe('photo encoding', () => {
  it('encodes bytes as standard base64', () => {
    expect(bytesToBase64(new Uint8Array([]))).toBe('');
    expect(bytesToBase64(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('/9j/4A==');
  });

  it('encodes a file larger than one chunk so that it decodes to the same bytes', async () => {
    const bytes = new Uint8Array(100_003).map((_, i) => (i * 31 + 7) & 0xff);
    const encoded = await fileToBase64(new Blob([bytes]));
    expect(encoded).toHaveLength(Math.ceil(bytes.length / 3) * 4);
    const decoded = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
    expect(decoded).toEqual(bytes);
    expect(bytesToBase64(bytes)).toBe(encoded);
  });

  it('shows the stored JPEG as a data URL', () => {
    expect(photoSrc('/9j/4A==')).toBe('data:image/jpeg;base64,/9j/4A==');
    expect(photoSrc(null)).toBeNull();
  });
});
