import { describe, expect, it as test } from 'vitest'
import { roleUi, shareableLinks } from './roleUi.ts'

const links = {
  facilitator: 'https://o.example/b/b1#f',
  participant: 'https://o.example/b/b1#p',
  projector: 'https://o.example/b/b1#r',
}

describe('what the page offers to a role', () => {
  test('a facilitator gets everything', () => {
    expect(roleUi('facilitator')).toEqual({
      readonly: false,
      tools: true,
      editDiagram: true,
      editTemplate: true,
      insertPhases: true,
      lock: true,
      removePages: true,
      share: ['facilitator', 'participant', 'projector'],
      rotateLinks: true,
      facilitate: true,
    })
  })

  test('a participant edits the diagram, but not the template, the phases, the locks or the links', () => {
    const ui = roleUi('participant')
    expect(ui).toMatchObject({
      readonly: false,
      tools: true,
      editDiagram: true,
      editTemplate: false,
      insertPhases: false,
      lock: false,
      removePages: false,
      rotateLinks: false,
      facilitate: false,
    })
    expect(ui.share).toEqual(['participant'])
  })

  test('a projector, and a page whose role is not known yet, change nothing and show no tools', () => {
    for (const role of ['projector', null] as const) {
      expect(roleUi(role)).toEqual({
        readonly: true,
        tools: false,
        editDiagram: false,
        editTemplate: false,
        insertPhases: false,
        lock: false,
        removePages: false,
        share: [],
        rotateLinks: false,
        facilitate: false,
      })
    }
  })
})

describe('the links the share panel shows', () => {
  test('all three to a facilitator, in order', () => {
    expect(shareableLinks('facilitator', links).map((l) => l.role)).toEqual(['facilitator', 'participant', 'projector'])
    expect(shareableLinks('facilitator', links)[1]).toEqual({ role: 'participant', url: links.participant })
  })

  test('only the participants’ link to a participant, none to a projector', () => {
    expect(shareableLinks('participant', links)).toEqual([{ role: 'participant', url: links.participant }])
    expect(shareableLinks('projector', { participant: links.participant, projector: links.projector })).toEqual([])
    expect(shareableLinks(null, links)).toEqual([])
  })

  test('leave out a link the server did not give', () => {
    expect(shareableLinks('facilitator', { participant: links.participant })).toEqual([{ role: 'participant', url: links.participant }])
  })
})
