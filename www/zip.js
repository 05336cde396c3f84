// A store-only ZIP (no compression): chunks are added as they arrive and
// the archive is a Blob of their Blobs, so it is never copied into one
// buffer. ZIP64 is not written, so an archive stops at 4 GiB and 65,535
// files; add() refuses more rather than write a broken file.

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const LIMIT = 0xffffffff;
const encoder = new TextEncoder();

export class ZipWriter {
  #parts = [];
  #central = [];
  #offset = 0;
  // A fixed time keeps the archive the same for the same chunks: 1980-01-01 00:00, DOS format.
  #time = 0;
  #date = (0 << 9) | (1 << 5) | 1;

  /** Add a file; `bytes` is a Uint8Array (kept by reference in a Blob). */
  add(name, bytes) {
    const nameBytes = encoder.encode(name);
    if (this.#central.length >= 0xffff || this.#offset + bytes.length + 30 + nameBytes.length > LIMIT) {
      throw new RangeError('the archive would pass 4 GiB or 65,535 files; download the chunks one by one instead');
    }
    const crc = crc32(bytes);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true); // version needed: 2.0
    local.setUint16(6, 0x0800, true); // names are UTF-8
    local.setUint16(8, 0, true); // stored
    local.setUint16(10, this.#time, true);
    local.setUint16(12, this.#date, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, bytes.length, true);
    local.setUint32(22, bytes.length, true);
    local.setUint16(26, nameBytes.length, true);
    local.setUint16(28, 0, true);
    this.#parts.push(local, nameBytes, new Blob([bytes]));

    const entry = new DataView(new ArrayBuffer(46));
    entry.setUint32(0, 0x02014b50, true);
    entry.setUint16(4, 20, true);
    entry.setUint16(6, 20, true);
    entry.setUint16(8, 0x0800, true);
    entry.setUint16(10, 0, true);
    entry.setUint16(12, this.#time, true);
    entry.setUint16(14, this.#date, true);
    entry.setUint32(16, crc, true);
    entry.setUint32(20, bytes.length, true);
    entry.setUint32(24, bytes.length, true);
    entry.setUint16(28, nameBytes.length, true);
    entry.setUint32(42, this.#offset, true); // where its local header starts; other fields stay 0
    this.#central.push(entry, nameBytes);
    this.#offset += 30 + nameBytes.length + bytes.length;
  }

  /** The archive so far, as a Blob. */
  blob() {
    const centralSize = this.#central.reduce((n, part) => n + part.byteLength, 0);
    const end = new DataView(new ArrayBuffer(22));
    end.setUint32(0, 0x06054b50, true);
    end.setUint16(8, this.#central.length / 2, true);
    end.setUint16(10, this.#central.length / 2, true);
    end.setUint32(12, centralSize, true);
    end.setUint32(16, this.#offset, true);
    return new Blob([...this.#parts, ...this.#central, end], { type: 'application/zip' });
  }
}
