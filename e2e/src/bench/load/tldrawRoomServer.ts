// tldraw's own sync room as a benchmark target: `TLSocketRoom` from @tldraw/sync-core, one per
// board, over plain WebSockets, as tldraw's Node example serves it (rooms in memory, tldraw's
// default schema). What tldraw's sync costs on the same load in the same run is the bar Opificio
// is held to (issue 13).
// Run by the bench: node --import tsx e2e/src/bench/load/tldrawRoomServer.ts <port>
import { createServer } from 'node:http'
import { TLSocketRoom } from '@tldraw/sync-core'
import { WebSocketServer } from 'ws'

const port = Number(process.argv[2])
const rooms = new Map<string, TLSocketRoom>()
const http = createServer((req, res) => {
  res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json' })
  res.end('{"ok":true}')
})
const wss = new WebSocketServer({ server: http })
wss.on('connection', (socket, req) => {
  const url = new URL(req.url ?? '/', 'http://localhost')
  const roomId = /^\/connect\/([\w-]+)$/.exec(url.pathname)?.[1]
  const sessionId = url.searchParams.get('sessionId')
  if (!roomId || !sessionId) return socket.close(4000, 'expected /connect/<room>?sessionId=<id>')
  let room = rooms.get(roomId)
  if (!room) {
    room = new TLSocketRoom({
      onSessionRemoved: (r, { numSessionsRemaining }) => {
        if (numSessionsRemaining > 0) return
        r.close()
        rooms.delete(roomId)
      },
    })
    rooms.set(roomId, room)
  }
  room.handleSocketConnect({ sessionId, socket })
})
http.listen(port, '127.0.0.1')
