/** What the end-to-end tests drive the client's sync engine through, outside a browser page. */
export * from '../sync/SyncClient.ts'
export * from '../sync/failoverSocket.ts'
export * from '../sync/memoryLocks.ts'
export * from '../sync/pendingKeeper.ts'
export * from '../sync/pendingStore.ts'
export * from '../sync/writerClaim.ts'
export * from '../board/distinctIndices.ts'
export { editorOn } from './headlessEditor.ts'
