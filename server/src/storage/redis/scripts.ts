import type Redis from 'ioredis'

/**
 * Dedupe, next offset and append in one atomic step: Redis is the board's only sequencer, so no
 * two nodes can ever give one offset to two pushes, or one push to two offsets.
 * Returns the offset, 0 for a push already appended, -1 for a board that does not exist.
 */
const APPEND = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local last = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if tonumber(ARGV[2]) <= last then return 0 end
local offset = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('XADD', KEYS[4], offset .. '-0', 'c', ARGV[1], 's', ARGV[2], 'd', ARGV[3])
return offset
`

/** The snapshot and the entries after it, read together so a compaction cannot slip between. */
const LOAD = `
local snapshot = redis.call('GET', KEYS[1])
local after = tonumber(redis.call('GET', KEYS[2]) or '0')
return {snapshot, redis.call('XRANGE', KEYS[3], (after + 1) .. '-0', '+')}
`

/**
 * Stores a newer snapshot and trims the stream behind it, keeping ARGV[3] entries before the
 * snapshot for nodes that are a little behind. An older snapshot never replaces a newer one.
 */
const COMPACT = `
local current = tonumber(redis.call('GET', KEYS[2]) or '0')
local offset = tonumber(ARGV[1])
if offset <= current then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], offset)
local keepFrom = offset - tonumber(ARGV[3]) + 1
if keepFrom > 1 then redis.call('XTRIM', KEYS[3], 'MINID', keepFrom .. '-0') end
return 1
`

const CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('SET', KEYS[3], ARGV[3])
redis.call('SET', KEYS[4], ARGV[3])
redis.call('SET', KEYS[1], ARGV[1])
return 1
`

const RELEASE_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`

export interface BoardScripts {
  opAppend(meta: string, seqs: string, offset: string, log: string, clientId: string, seq: number, diff: string): Promise<number>
  opLoad(snapshot: string, snapshotOffset: string, log: string): Promise<[string | null, [string, string[]][]]>
  opCompact(snapshot: string, snapshotOffset: string, log: string, offset: number, json: string, keep: number): Promise<number>
  opCreate(meta: string, snapshot: string, snapshotOffset: string, offset: string, metaJson: string, json: string, initialOffset: number): Promise<number>
  opReleaseLease(lease: string, owner: string): Promise<number>
}

/** Registers the scripts on a connection; ioredis runs them by SHA and reloads them after a Redis restart. */
export function defineScripts(redis: Redis): Redis & BoardScripts {
  redis.defineCommand('opAppend', { numberOfKeys: 4, lua: APPEND })
  redis.defineCommand('opLoad', { numberOfKeys: 3, lua: LOAD })
  redis.defineCommand('opCompact', { numberOfKeys: 3, lua: COMPACT })
  redis.defineCommand('opCreate', { numberOfKeys: 4, lua: CREATE })
  redis.defineCommand('opReleaseLease', { numberOfKeys: 1, lua: RELEASE_LEASE })
  return redis as Redis & BoardScripts
}
