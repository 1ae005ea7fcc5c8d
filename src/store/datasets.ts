/**
 * Dataset definitions in IndexedDB (store `datasets`, schema version 3): one
 * record per nnU-Net dataset id. A definition is the key file of its
 * dataset (label values, pseudonyms, split seed, secret), so it is written
 * whole, in one transaction, and checked again on every read: a record
 * that no longer validates is `storage-corrupt`, never a silently different
 * label map.
 *
 * `updateDataset` reads, changes and writes in one readwrite transaction,
 * so two tabs adding cases to one definition cannot both hand out the same
 * pseudonym or label value (IndexedDB runs overlapping readwrite
 * transactions on a store one after the other).
 */
import { SegmarkError } from '../core/errors.js';
import { datasetFolder, validateDefinition, type DatasetDefinition } from '../core/formats/dataset-definition.js';
import type { SegmarkDb } from './db.js';
import type { DatasetRecord } from './schema.js';
import { run } from './transaction.js';

const STORE = 'datasets';
const STORES: ['datasets'] = [STORE];

export interface DatasetSummary {
  readonly id: number;
  readonly name: string;
  /** `DatasetNNN_Name`. */
  readonly folder: string;
  readonly cases: number;
  readonly labels: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Stores a new definition; `dataset-export-invalid` (field `id`) when its id is taken. */
export async function createDataset(db: SegmarkDb, definition: DatasetDefinition, now: number = Date.now()): Promise<void> {
  const def = validateDefinition(definition);
  await run(db, STORES, 'readwrite', async (tx) => {
    if ((await tx.objectStore(STORE).count(def.id)) > 0) {
      throw new SegmarkError('dataset-export-invalid', `dataset ${datasetFolder(def)}: the id ${def.id} is taken in this browser`, { params: { field: 'id' } });
    }
    await tx.objectStore(STORE).add(record(def, now, now));
  });
}

/** Writes the definition over the stored one of its id (or stores it), as it is. */
export async function saveDataset(db: SegmarkDb, definition: DatasetDefinition, now: number = Date.now()): Promise<void> {
  const def = validateDefinition(definition);
  await run(db, STORES, 'readwrite', async (tx) => {
    const old = await tx.objectStore(STORE).get(def.id);
    await tx.objectStore(STORE).put(record(def, old?.createdAt ?? now, now));
  });
}

/**
 * Changes the stored definition `id` with `change` (a pure function such
 * as `addCases`) in one transaction and returns the result. `change` must
 * not await: the transaction would commit under it.
 */
export async function updateDataset(
  db: SegmarkDb,
  id: number,
  change: (definition: DatasetDefinition) => DatasetDefinition,
  now: number = Date.now(),
): Promise<DatasetDefinition> {
  return run(db, STORES, 'readwrite', async (tx) => {
    const old = await tx.objectStore(STORE).get(id);
    if (!old) throw new SegmarkError('dataset-export-invalid', `no dataset ${id} in this browser`, { params: { field: 'id' } });
    const next = validateDefinition(change(checked(old)));
    if (next.id !== id) throw new SegmarkError('dataset-export-invalid', `a change may not move dataset ${id} to ${next.id}`, { params: { field: 'id' } });
    await tx.objectStore(STORE).put(record(next, old.createdAt, now));
    return next;
  });
}

/** The stored definition, or undefined; `storage-corrupt` when the record no longer validates. */
export async function loadDataset(db: SegmarkDb, id: number): Promise<DatasetDefinition | undefined> {
  const stored = await run(db, STORES, 'readonly', (tx) => tx.objectStore(STORE).get(id));
  return stored ? checked(stored) : undefined;
}

/** Every stored definition, by id, for a list. */
export async function listDatasets(db: SegmarkDb): Promise<DatasetSummary[]> {
  const all = await run(db, STORES, 'readonly', (tx) => tx.objectStore(STORE).getAll());
  return all.map((r) => {
    const def = checked(r);
    return { id: def.id, name: def.name, folder: datasetFolder(def), cases: def.cases.length, labels: def.labels.length, createdAt: r.createdAt, updatedAt: r.updatedAt };
  });
}

export async function deleteDataset(db: SegmarkDb, id: number): Promise<void> {
  await run(db, STORES, 'readwrite', (tx) => tx.objectStore(STORE).delete(id));
}

function record(definition: DatasetDefinition, createdAt: number, updatedAt: number): DatasetRecord {
  // A plain copy: the validated definition is frozen, and structured clone keeps no prototype anyway.
  return { id: definition.id, definition: structuredClone(definition) as DatasetDefinition, createdAt, updatedAt };
}

function checked(stored: DatasetRecord): DatasetDefinition {
  try {
    const def = validateDefinition(stored.definition);
    if (def.id !== stored.id) throw new Error(`the record of id ${stored.id} holds dataset ${def.id}`);
    return def;
  } catch (error) {
    // A newer Segmark's definition is not corrupt: say so.
    if (error instanceof SegmarkError && error.code === 'schema-version') throw error;
    throw new SegmarkError('storage-corrupt', `stored dataset definition ${stored.id}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
