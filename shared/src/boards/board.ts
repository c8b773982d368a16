import { T } from '@tldraw/validate'

export interface BoardMeta {
  id: string
  title: string
  createdAt: string
}

export interface CreatedBoard extends BoardMeta {
  links: { participant: string }
}

export const TITLE_MAX = 120

export const createBoardBodyValidator: T.Validator<{ title: string }> = T.object({
  title: T.string.check((s) => {
    if (s.trim().length === 0) throw new Error('title must not be empty')
    if (s.length > TITLE_MAX) throw new Error(`title must be at most ${TITLE_MAX} characters`)
  }),
})

export function participantPath(boardId: string) {
  return `/b/${boardId}`
}
