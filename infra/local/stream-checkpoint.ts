import { readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';

/** The local stream event source's checkpoint file: how far each shard is processed, saved atomically. */

export interface ShardProgress {
  /** The last record handed over successfully or given up to the failure file. */
  sequenceNumber?: string;
  /** The shard is closed and every record of it is processed. */
  finished?: boolean;
}

export interface Checkpoint {
  streamArn: string;
  shards: Record<string, ShardProgress>;
}

export function loadCheckpoint(
  file: string,
  streamArn: string,
  logger: { info: (message: string, attrs?: Record<string, unknown>) => void },
): Checkpoint {
  const fresh: Checkpoint = { streamArn, shards: {} };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return fresh;
    throw error;
  }
  const saved = parseCheckpoint(text, file);
  if (saved.streamArn !== streamArn) {
    logger.info('The checkpoint is of another stream (table recreated?); starting from TRIM_HORIZON', {
      checkpointFile: file,
      checkpointStreamArn: saved.streamArn,
      streamArn,
    });
    return fresh;
  }
  return saved;
}

/** A damaged checkpoint stops the start: silently starting over would replay the whole stream. */
function parseCheckpoint(text: string, file: string): Checkpoint {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (!isCheckpoint(value)) throw new Error(`${file} is not a stream checkpoint; delete it to start from TRIM_HORIZON`);
  return value;
}

function isCheckpoint(value: unknown): value is Checkpoint {
  if (typeof value !== 'object' || value === null) return false;
  const { streamArn, shards } = value as Record<string, unknown>;
  if (typeof streamArn !== 'string' || typeof shards !== 'object' || shards === null) return false;
  return Object.values(shards).every((progress: unknown) => {
    if (typeof progress !== 'object' || progress === null) return false;
    const { sequenceNumber, finished } = progress as Record<string, unknown>;
    const sequenceOk =
      sequenceNumber === undefined || (typeof sequenceNumber === 'string' && /^\d+$/.test(sequenceNumber));
    return sequenceOk && (finished === undefined || typeof finished === 'boolean');
  });
}

/** Write a temporary file and rename it over the checkpoint, so a crash leaves the old or the new one, never half. */
export async function saveCheckpoint(file: string, checkpoint: Checkpoint): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(checkpoint, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
}
