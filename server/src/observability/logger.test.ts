import { describe, expect, it } from 'vitest'
import { boardTag } from '../storage/boardTag.ts'
import { createLogger } from './logger.ts'

const BOARD = 'dbZpbzd5sTw829iNvZqWsQ'

function capture(opts: Parameters<typeof createLogger>[0] = {}) {
  const lines: string[] = []
  const logger = createLogger({ ...opts, destination: { write: (line: string) => lines.push(line) } })
  return { logger, lines, json: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) }
}

describe('the server log', () => {
  it('writes one JSON object a line, with time, level and message, and the fields that came with it', () => {
    const { logger, json } = capture()
    logger.info('GET /api/config 200', { method: 'GET', status: 200, ms: 1.5 })
    const [line] = json()
    expect(line).toMatchObject({ level: 'info', msg: 'GET /api/config 200', method: 'GET', status: 200, ms: 1.5 })
    expect(new Date(line.time as string).getTime()).toBeGreaterThan(0)
  })

  it('never holds a board id: not in the message, a field, a nested field or an error’s stack', () => {
    const { logger, lines } = capture()
    logger.warn(`board ${BOARD} is slow`, { path: `/b/${BOARD}`, nested: { files: [`/data/boards/${BOARD}/log-1`] } })
    logger.error('failed', new Error(`ENOENT: /data/boards/${BOARD}/snapshot-1.json`))
    logger.info('detail', `redis key opificio:{${BOARD}}:log`)
    const all = lines.join('')
    expect(all).not.toContain(BOARD)
    // Message, path, file, the error's message and its stack, the detail: each names the board by its tag.
    expect(all.split(`#${boardTag(BOARD)}`).length - 1).toBe(6)
  })

  it('keeps an error’s type, message and stack as fields', () => {
    const { logger, json } = capture()
    logger.error('stopping failed', new TypeError('boom'))
    expect(json()[0].error).toMatchObject({ type: 'TypeError', message: 'boom', stack: expect.stringContaining('TypeError: boom') })
  })

  it('says nothing below its level', () => {
    const { logger, json } = capture({ level: 'warn' })
    logger.info('hidden')
    logger.warn('shown')
    expect(json().map((l) => l.msg)).toEqual(['shown'])
  })

  it('writes readable lines for a terminal, still without board ids', () => {
    const { logger, lines } = capture({ pretty: true })
    logger.warn(`board ${BOARD} paused`, { reason: 'disk full' })
    expect(lines[0]).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  board #${boardTag(BOARD)} paused reason=disk full\\n$`))
  })
})
