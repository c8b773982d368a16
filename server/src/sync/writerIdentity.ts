import { createHash } from 'node:crypto'

/**
 * The identity a client's pushes are deduplicated under: a digest of the board and the key the
 * client holds. The key never leaves the client's connection (presence carries a server-made id,
 * welcomes and entries never echo it), so no one else can present it, and the digest cannot be
 * turned back into it: one client can neither replay another's pushes nor have them taken for
 * duplicates.
 */
export function writerIdentity(boardId: string, clientKey: string): string {
  return createHash('sha256').update(`${boardId}\0${clientKey}`).digest('base64url').slice(0, 24)
}

/**
 * Who votes, as the vote box knows them: another digest of the same key, so a voter's dots can be
 * told to be theirs without anything that appears in the log (the writer identity) being able to
 * link them to that person's edits.
 */
export function voterIdentity(boardId: string, clientKey: string): string {
  return createHash('sha256').update(`voter\0${boardId}\0${clientKey}`).digest('base64url').slice(0, 24)
}
