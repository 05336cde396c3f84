// rowcheck/uploader in Node: the same uploader, plus a checkpoint kept in a file.
import { appendFile, readFile } from 'node:fs/promises';
// The Labelbox transport converts metadata with the core: loaded here as in rowcheck.
import './node.js';

export { httpTransport, idempotencyKey, indexedDbCheckpoint, labelboxTransport, upload } from './uploader.js';

/**
 * Acknowledged chunk keys, one per line in `path` (created when missing).
 * Pass the same path again to send only what is missing. Each key is
 * appended once the server acknowledged its chunk; a line torn by a crash is
 * ignored, so at worst that one chunk is sent again (its Idempotency-Key
 * lets the server tell).
 */
export function fileCheckpoint(path) {
  let loading;
  let torn = false;
  const load = () =>
    (loading ??= readFile(path, 'utf8').then(
      (text) => {
        torn = text.length > 0 && !text.endsWith('\n');
        return new Set(text.split('\n').filter((line) => /^[0-9a-f]{64}$/.test(line)));
      },
      (error) => {
        if (error.code === 'ENOENT') return new Set();
        throw error;
      },
    ));
  let writing = Promise.resolve();
  return {
    async has(key) {
      return (await load()).has(key);
    },
    async add(key) {
      const keys = await load();
      keys.add(key);
      const line = `${torn ? '\n' : ''}${key}\n`;
      torn = false;
      // One append at a time, so lines never interleave.
      writing = writing.then(() => appendFile(path, line));
      await writing;
    },
  };
}
