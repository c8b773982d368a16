export * from './testRecords.ts'
export * from './testBoard.ts'
