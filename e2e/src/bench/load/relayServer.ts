// The floor: a bare Socket.IO relay speaking just enough of Opificio's protocol for the load
// generator (hello → welcome; push → ack to its sender, the change to the others; presence → the
// others), with no validation, no storage, no fold. What a relay costs on this machine, in the
// same run, is the floor every figure of ours is compared with.
// Run by the bench: node --import tsx e2e/src/bench/load/relayServer.ts <port>
import { createServer } from 'node:http'
import { Server } from 'socket.io'

const port = Number(process.argv[2])
const http = createServer((req, res) => {
  res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json' })
  res.end('{"ok":true}')
})
const io = new Server(http, { transports: ['websocket'], maxHttpBufferSize: 8 * 1024 * 1024 })
let offset = 0
io.on('connection', (socket) => {
  let board = ''
  socket.on('hello', (hello: { boardId: string }) => {
    board = hello.boardId
    void socket.join(board)
    socket.emit('welcome', {
      board: { id: board, title: '', createdAt: '' },
      role: 'participant',
      offset,
      settledSeq: 0,
      presence: [],
      presenceId: `instance_presence:${socket.id}`,
      serverTime: Date.now(),
      heldMs: 0,
      document: null,
    })
  })
  socket.on('push', (push: { seq: number; diff: unknown }) => {
    offset++
    socket.emit('batch', { own: [{ kind: 'ack', seq: push.seq, offset }] })
    socket.to(board).emit('batch', { shared: { entries: [{ kind: 'change', offset, diff: push.diff }] } })
  })
  socket.on('presence', (p: { record?: { id?: string } | null; move?: unknown[] }) => {
    const presence = p.move
      ? { put: [], remove: [], moved: [socket.id, ...p.move] }
      : p.record && { put: [{ ...p.record, id: `instance_presence:${socket.id}` }], remove: [] }
    if (presence) socket.to(board).volatile.emit('batch', { shared: { presence } })
  })
})
http.listen(port, '127.0.0.1')
