/**
 * A board's role links, as an operator: for a board made before role links (its id alone no
 * longer opens it) or a facilitator who lost theirs. Prints secrets: run it where only the person
 * who should have them can read the output.
 *
 *   npm exec -- tsx server/src/operator/links.ts <boardId>
 *
 * Links are built on PUBLIC_URL (default http://localhost:PORT, PORT 3000). Uses the engine the
 * server would (REDIS_URL and REDIS_PREFIX, or DATA_DIR); the embedded engine is one process's:
 * stop the server first.
 */
import { ROLES } from '@opificio/shared'
import { linksOf } from '../boards/boardService.ts'
import { accessOf } from '../boards/linkAccess.ts'
import { boardTag } from '../storage/boardTag.ts'
import { openOperatorStorage, runTool } from './operatorStorage.ts'

async function main(args: string[]) {
  const [boardId] = args
  if (!boardId || args.length > 1) {
    console.error('usage: links.ts <boardId>')
    return 2
  }
  const origin = new URL(process.env.PUBLIC_URL || `http://localhost:${process.env.PORT ?? 3000}`).origin
  const storage = await openOperatorStorage()
  try {
    const access = await accessOf(storage, boardId)
    if (!access) {
      console.error(`no board ${boardTag(boardId)}`)
      return 1
    }
    const links = linksOf(origin, boardId, access)
    for (const role of ROLES) console.log(`${role}\t${links[role]}`)
    return 0
  } finally {
    await storage.close()
  }
}

runTool(import.meta.url, main)
