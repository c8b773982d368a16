import { afterEach, describe, expect, it } from 'vitest'
import { geoShape, presenceRecord } from '@opificio/shared/testing'
import { startCluster, type Cluster } from '../harness/cluster.ts'
import { expectDurableAndEqual, keepActing, settle } from '../harness/fuzz.ts'
import { clusterClient, type HeadlessClient } from '../harness/headlessClient.ts'
import { seededRandom } from '../harness/random.ts'
import { createBoard, until } from '../harness/server.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const totalAcks = (clients: HeadlessClient[]) => clients.reduce((n, c) => n + c.acks.length, 0)

describe('two nodes on one Redis, through faults', () => {
  let cluster: Cluster | null = null
  let clients: HeadlessClient[] = []
  afterEach(async () => {
    for (const c of clients) c.close()
    clients = []
    await cluster?.stop()
    cluster = null
  })

  /** Half the clients on each node; each may move to the other node when its own goes away. */
  async function spread(count: number) {
    cluster = await startCluster(2)
    const board = await createBoard(cluster.urls[0])
    const boardId = board.id
    clients = Array.from({ length: count }, (_, i) =>
      clusterClient(i % 2 === 0 ? cluster!.urls : [...cluster!.urls].reverse(), board.participant, `c${i}`)
    )
    await until(() => clients.every((c) => c.state.connection === 'online'), 'clients online')
    return { cluster, boardId }
  }

  it('a node killed with SIGKILL under load: its clients move to the other node, nothing acknowledged is lost', async () => {
    const { cluster, boardId } = await spread(4)
    const stop = keepActing(clients, seededRandom(11))
    await until(() => totalAcks(clients) > 60, 'acks under load')
    const acksBefore = totalAcks(clients)
    const killedAt = Date.now()
    await cluster.nodes[0].child.kill('SIGKILL')
    await until(() => clients.some((c) => c.state.connection !== 'online'), 'the killed node’s clients noticing')
    await until(() => clients.every((c) => c.state.connection === 'online'), 'every client online again', 15_000)
    const failoverMs = Date.now() - killedAt
    // The load goes on, and is acknowledged, on the surviving node.
    const acksAtFailover = totalAcks(clients)
    await until(() => totalAcks(clients) >= acksAtFailover + 20, 'acks on the surviving node', 15_000)
    stop()
    await settle(clients)
    await expectDurableAndEqual(await cluster.openStorage(), boardId, clients)
    expect(cluster.nodes[1].hasExited()).toBe(false)
    console.log(
      `node kill: ${acksBefore} acks before the kill, clients on the surviving node ${failoverMs} ms after it, ${totalAcks(clients)} acks in all`
    )
  })

  it('Redis stopped: nodes stay up, clients see saving paused and keep their edits; Redis back from its AOF, all resumes', async () => {
    const { cluster, boardId } = await spread(4)
    const stop = keepActing(clients, seededRandom(12))
    await until(() => totalAcks(clients) > 40, 'acks under load')
    await cluster.redis.kill()
    const downAt = Date.now()
    await until(() => clients.some((c) => c.state.savingPaused), 'a client told saving is paused', 5000)
    const pausedAfter = Date.now() - downAt
    await until(() => clients.some((c) => c.state.unconfirmed > 0), 'edits kept unconfirmed while Redis is down', 5000)
    // Redis stays down a while longer, under load: the nodes ride it out.
    await sleep(Math.max(0, 1500 - (Date.now() - downAt)))
    expect(clients.some((c) => c.state.unconfirmed > 0)).toBe(true)
    expect(cluster.nodes.every((n) => !n.hasExited())).toBe(true)
    stop()
    await cluster.redis.start()
    const upAt = Date.now()
    await settle(clients, undefined, 30_000)
    const resumedAfter = Date.now() - upAt
    expect(clients.every((c) => !c.state.savingPaused)).toBe(true)
    await expectDurableAndEqual(await cluster.openStorage(), boardId, clients)
    console.log(`redis restart: paused shown ${pausedAfter} ms after Redis died; everything confirmed ${resumedAfter} ms after it was back`)
  })

  it('a stalled node does not hold up the other one', async () => {
    cluster = await startCluster(2)
    const board = await createBoard(cluster.urls[0])
    const boardId = board.id
    const [a, b1, b2] = [
      clusterClient([cluster.urls[0]], board.participant, 'a'),
      clusterClient([cluster.urls[1]], board.participant, 'b1'),
      clusterClient([cluster.urls[1]], board.participant, 'b2'),
    ]
    clients = [a, b1, b2]
    await until(() => clients.every((c) => c.state.connection === 'online'), 'clients online')
    cluster.nodes[0].child.kill('SIGSTOP')
    try {
      const rnd = seededRandom(13)
      a.store.put([geoShape('a-stalled', { x: 1 }) as never])
      const seen: number[] = []
      for (let i = 0; i < 20; i++) {
        const id = `shape:b-${i}`
        const t0 = Date.now()
        b1.store.put([geoShape(id, { x: rnd.int(500) }) as never])
        await until(() => b2.store.has(id as never), `b2 seeing ${id}`, 2000)
        seen.push(Date.now() - t0)
        // Past the client's 30 Hz push coalescing, so each sample is one push.
        await sleep(40)
      }
      seen.sort((x, y) => x - y)
      console.log(`stalled node: propagation between the other node's clients p50 ${seen[10]} ms, max ${seen[19]} ms`)
      expect(seen[19]).toBeLessThan(1000)
      expect(a.state.unconfirmed).toBeGreaterThan(0)
    } finally {
      cluster.nodes[0].child.kill('SIGCONT')
    }
    await settle(clients)
    await expectDurableAndEqual(await cluster.openStorage(), boardId, clients)
  })

  it('presence crosses nodes, and comes back by itself after Redis restarts', async () => {
    cluster = await startCluster(2)
    const board = await createBoard(cluster.urls[0])
    const x = clusterClient([cluster.urls[0]], board.participant, 'x')
    const y = clusterClient([cluster.urls[1]], board.participant, 'y')
    clients = [x, y]
    await until(() => clients.every((c) => c.state.connection === 'online'), 'clients online')
    const cursorOf = (c: HeadlessClient) => (c.presences()[0] as unknown as { cursor?: { x: number } } | undefined)?.cursor?.x
    x.setPresence(presenceRecord('x', { x: 1, y: 1 }))
    await until(() => cursorOf(y) === 1, 'y seeing x’s cursor across nodes', 5000)

    await cluster.redis.kill()
    x.setPresence(presenceRecord('x', { x: 2, y: 2 }))
    await sleep(300)
    await cluster.redis.start()
    const upAt = Date.now()
    await until(() => cursorOf(y) === 2, 'y seeing x’s latest cursor after Redis is back', 20_000)
    console.log(`presence after a Redis restart: back ${Date.now() - upAt} ms after Redis`)

    const z = clusterClient([cluster.urls[1]], board.participant, 'z')
    clients.push(z)
    await until(() => cursorOf(z) === 2, 'a newcomer on the other node seeing x', 5000)
    x.close()
    clients = clients.filter((c) => c !== x)
    await until(() => y.presences().length === 0, 'x’s cursor gone when x leaves', 20_000)
  })
})
