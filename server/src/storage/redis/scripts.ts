import type Redis from 'ioredis'

/**
 * Dedupe, next offset and append in one atomic step: Redis is the board's only sequencer, so no
 * two nodes can ever give one offset to two pushes, or one push to two offsets. ARGV holds one
 * (clientId, seq, diff) triple per push, appended together in their order.
 * Returns each push's offset, 0 for a push already appended; -1 for a board that does not exist.
 */
const APPEND = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local offsets = {}
for i = 1, #ARGV, 3 do
  local last = tonumber(redis.call('HGET', KEYS[2], ARGV[i]) or '0')
  if tonumber(ARGV[i + 1]) <= last then
    offsets[#offsets + 1] = 0
  else
    local offset = redis.call('INCR', KEYS[3])
    redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
    redis.call('XADD', KEYS[4], offset .. '-0', 'c', ARGV[i], 's', ARGV[i + 1], 'd', ARGV[i + 2])
    offsets[#offsets + 1] = offset
  end
end
return offsets
`

/** The snapshot and the entries after it, read together so a compaction cannot slip between. */
const LOAD = `
local snapshot = redis.call('GET', KEYS[1])
local after = tonumber(redis.call('GET', KEYS[2]) or '0')
return {snapshot, redis.call('XRANGE', KEYS[3], (after + 1) .. '-0', '+')}
`

/**
 * Stores a newer snapshot, moves the one it replaces into the history, and trims the stream
 * behind it, keeping ARGV[3] entries before the snapshot for nodes that are a little behind.
 * An older snapshot never replaces a newer one.
 */
const COMPACT = `
local current = tonumber(redis.call('GET', KEYS[2]) or '0')
local offset = tonumber(ARGV[1])
if offset <= current then return 0 end
local replaced = redis.call('GET', KEYS[1])
if replaced then redis.call('HSET', KEYS[4], current, replaced) end
-- A board from before snapshots were dated: its snapshot was taken at the latest now.
redis.call('HSETNX', KEYS[5], current, ARGV[4])
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], offset)
redis.call('HSET', KEYS[5], offset, ARGV[4])
local keepFrom = offset - tonumber(ARGV[3]) + 1
if keepFrom > 1 then redis.call('XTRIM', KEYS[3], 'MINID', keepFrom .. '-0') end
return 1
`

/** The board's keys, its link tokens (KEYS[6]) included, in one step: 0 if it exists already. */
const CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('SET', KEYS[3], ARGV[3])
redis.call('SET', KEYS[4], ARGV[3])
redis.call('HSET', KEYS[5], ARGV[3], ARGV[4])
redis.call('SET', KEYS[6], ARGV[5])
redis.call('SET', KEYS[1], ARGV[1])
return 1
`

/** Replaces the link tokens of a board that exists: 1, or 0 for an unknown board (nothing written). */
const SET_ACCESS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SET', KEYS[2], ARGV[1])
return 1
`

/**
 * Saves a facilitator's snapshot, body and description together (KEYS: meta, saved, savedBodies;
 * ARGV: id, description, body): 0 for an unknown board, -1 for an id already saved, 1 once stored.
 */
const SAVE_SNAPSHOT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return -1 end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1
`

/** Drops kept snapshots (ARGV: their offsets), never the current one. */
const PRUNE = `
local current = redis.call('GET', KEYS[3])
for _, offset in ipairs(ARGV) do
  if offset ~= current then
    redis.call('HDEL', KEYS[1], offset)
    redis.call('HDEL', KEYS[2], offset)
  end
end
return 1
`

/** The current snapshot's offset and every snapshot's date; nil for a board that does not exist. */
const LIST_SNAPSHOTS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
return {redis.call('GET', KEYS[2]), redis.call('HGETALL', KEYS[3])}
`

/** One snapshot, current or kept, read in one step so a compaction cannot move it in between. */
const READ_SNAPSHOT = `
if redis.call('GET', KEYS[2]) == ARGV[1] then return redis.call('GET', KEYS[1]) end
return redis.call('HGET', KEYS[3], ARGV[1])
`

const RELEASE_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`

export interface BoardScripts {
  /** pushes: (clientId, seq, diff) for each push, one after another. */
  opAppend(meta: string, seqs: string, offset: string, log: string, ...pushes: (string | number)[]): Promise<number[] | -1>
  opLoad(snapshot: string, snapshotOffset: string, log: string): Promise<[string | null, [string, string[]][]]>
  opCompact(
    snapshot: string,
    snapshotOffset: string,
    log: string,
    history: string,
    times: string,
    offset: number,
    json: string | Buffer,
    keep: number,
    takenAt: number
  ): Promise<number>
  opCreate(
    meta: string,
    snapshot: string,
    snapshotOffset: string,
    offset: string,
    times: string,
    access: string,
    metaJson: string,
    json: string,
    initialOffset: number,
    takenAt: number,
    accessJson: string
  ): Promise<number>
  opSetAccess(meta: string, access: string, accessJson: string): Promise<number>
  opSaveSnapshot(meta: string, saved: string, savedBodies: string, id: string, metaJson: string, bodyJson: string): Promise<number>
  opPrune(history: string, times: string, snapshotOffset: string, ...offsets: string[]): Promise<number>
  opListSnapshots(meta: string, snapshotOffset: string, times: string): Promise<[string, string[]] | null>
  opReadSnapshot(snapshot: string, snapshotOffset: string, history: string, offset: number): Promise<string | null>
  opReleaseLease(lease: string, owner: string): Promise<number>
}

/** Registers the scripts on a connection; ioredis runs them by SHA and reloads them after a Redis restart. */
export function defineScripts(redis: Redis): Redis & BoardScripts {
  redis.defineCommand('opAppend', { numberOfKeys: 4, lua: APPEND })
  redis.defineCommand('opLoad', { numberOfKeys: 3, lua: LOAD })
  redis.defineCommand('opCompact', { numberOfKeys: 5, lua: COMPACT })
  redis.defineCommand('opCreate', { numberOfKeys: 6, lua: CREATE })
  redis.defineCommand('opSetAccess', { numberOfKeys: 2, lua: SET_ACCESS })
  redis.defineCommand('opSaveSnapshot', { numberOfKeys: 3, lua: SAVE_SNAPSHOT })
  redis.defineCommand('opPrune', { numberOfKeys: 3, lua: PRUNE })
  redis.defineCommand('opListSnapshots', { numberOfKeys: 3, lua: LIST_SNAPSHOTS })
  redis.defineCommand('opReadSnapshot', { numberOfKeys: 3, lua: READ_SNAPSHOT })
  redis.defineCommand('opReleaseLease', { numberOfKeys: 1, lua: RELEASE_LEASE })
  return redis as Redis & BoardScripts
}
