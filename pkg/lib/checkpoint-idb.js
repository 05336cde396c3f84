// Resume in the browser: acknowledged chunk keys kept in IndexedDB, so a
// reload or a crashed tab sends only what is missing. One database and one
// store for every checkpoint, so a new name needs no schema upgrade.
import { RowcheckError } from './options.js';

const DATABASE = 'rowcheck-uploads';
const STORE = 'acknowledged';

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function open() {
  const req = indexedDB.open(DATABASE, 1);
  req.onupgradeneeded = () => req.result.createObjectStore(STORE);
  return request(req);
}

/**
 * A checkpoint named `name` (one per manifest and destination, e.g. the
 * file name and the endpoint). `add` resolves once the key is committed to
 * disk, so an acknowledged chunk is never forgotten by a crash after it.
 */
export function indexedDbCheckpoint(name) {
  if (typeof name !== 'string' || name === '') throw new RowcheckError('INVALID_OPTIONS', 'indexedDbCheckpoint needs a non-empty name');
  if (typeof indexedDB === 'undefined') throw new RowcheckError('INVALID_OPTIONS', 'there is no IndexedDB here; in Node use fileCheckpoint(path)');
  let database;
  const db = () => (database ??= open());
  const id = (key) => [name, key];
  return {
    async has(key) {
      const store = (await db()).transaction(STORE, 'readonly').objectStore(STORE);
      return (await request(store.count(id(key)))) > 0;
    },
    async add(key) {
      const tx = (await db()).transaction(STORE, 'readwrite', { durability: 'strict' });
      tx.objectStore(STORE).put(true, id(key));
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error ?? new Error('the IndexedDB transaction was aborted'));
      });
    },
    /** Forget every key of this checkpoint: the next upload sends everything. */
    async clear() {
      const tx = (await db()).transaction(STORE, 'readwrite');
      tx.objectStore(STORE).delete(IDBKeyRange.bound([name, ''], [name, '\uffff']));
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
    },
  };
}
