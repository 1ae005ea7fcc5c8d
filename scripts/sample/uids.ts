/**
 * Deterministic DICOM UIDs for the sample: `2.25.` followed by the decimal
 * value of a name-based (version 5, SHA-1) UUID, as PS3.5 §B.2 allows. The
 * name is the seed and the role of the UID ("study", "series", "sop/12", …),
 * so the same seed always yields the same UIDs and different roles never
 * collide. SHA-1 comes from Web Crypto, present in browsers and in Node ≥ 20.
 */

/** Namespace UUID of Segmark's sample UIDs (fixed; any constant UUID would do). */
const NAMESPACE = '3f0e5d2c-8a41-5b7e-9c16-2d4e6f8a0b1c';

export async function sampleUid(seed: number, role: string): Promise<string> {
  const ns = hexToBytes(NAMESPACE.replaceAll('-', ''));
  const name = new TextEncoder().encode(`segmark-sample/${seed}/${role}`);
  const input = new Uint8Array(ns.length + name.length);
  input.set(ns, 0);
  input.set(name, ns.length);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', input));
  const uuid = digest.slice(0, 16);
  uuid[6] = (uuid[6]! & 0x0f) | 0x50; // version 5
  uuid[8] = (uuid[8]! & 0x3f) | 0x80; // RFC 4122 variant
  let value = 0n;
  for (const b of uuid) value = (value << 8n) | BigInt(b);
  return `2.25.${value.toString(10)}`;
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
