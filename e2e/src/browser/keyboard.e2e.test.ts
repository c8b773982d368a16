import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ARTIFACTS } from '../harness/boardPage.ts'
import { launchContext } from '../harness/browser.ts'
import { startServer } from '../harness/server.ts'

/** What has the keyboard, and whether it shows: a canvas shows it by the selection's outline, a control by its own. */
function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null
    const editor = (window as any).opificioEditor
    const style = el ? getComputedStyle(el) : null
    return {
      canvas: Boolean(editor && el === editor.getContainer()),
      tag: el?.tagName.toLowerCase() ?? '',
      id: el?.id ?? '',
      type: el?.getAttribute('type') ?? '',
      className: typeof el?.className === 'string' ? el.className : '',
      kind: el?.getAttribute('data-kind') ?? '',
      relation: el?.getAttribute('data-relation') ?? '',
      role: el?.getAttribute('role') ?? '',
      checked: el?.getAttribute('aria-checked') ?? '',
      inInspector: Boolean(el?.closest('.op-inspector')),
      inDialog: el?.closest('dialog')?.getAttribute('aria-labelledby') ?? '',
      outline: style && style.outlineStyle !== 'none' ? Number.parseFloat(style.outlineWidth) : 0,
      text: el?.textContent?.trim() ?? '',
    }
  })
}

/** The control with the keyboard has a focus ring of at least 2px. */
async function expectVisibleFocus(page: Page) {
  const f = await focused(page)
  expect(f.outline, `focus ring of ${f.tag}.${f.className}`).toBeGreaterThanOrEqual(2)
  return f
}

interface RelationInfo {
  relation?: string
  commitment?: { what: string; by: string; resources: string }
  from?: string
  to?: string
}

/** What the editor holds (read only): elements by name, relations with their ends. */
function diagram(page: Page): Promise<{ selected: string[]; elements: unknown[]; relations: RelationInfo[] }> {
  return page.evaluate(() => {
    const editor = (window as any).opificioEditor
    const shapes = editor.getCurrentPageShapes()
    const names = new Map<string, string>(shapes.filter((s: any) => s.type === 'element').map((s: any) => [s.id, s.props.name]))
    return {
      selected: editor.getSelectedShapes().map((s: any) => (s.type === 'element' ? s.props.name : s.type)),
      elements: shapes
        .filter((s: any) => s.type === 'element')
        .map((s: any) => ({ kind: s.props.kind, name: s.props.name, sector: s.props.sector, lines: s.props.lines })),
      relations: shapes
        .filter((s: any) => s.type === 'arrow')
        .map((s: any) => {
          const ends = Object.fromEntries(editor.getBindingsFromShape(s, 'arrow').map((b: any) => [b.props.terminal, names.get(b.toId)]))
          return { relation: s.meta.relation, commitment: s.meta.commitment, from: ends.start, to: ends.end }
        }),
    }
  })
}

/** Presses Tab until `done` holds of what has focus, as a person would; fails after `max` presses. */
async function tabUntil(page: Page, done: (f: Awaited<ReturnType<typeof focused>>) => boolean, max = 30, key = 'Tab') {
  for (let i = 0; i < max; i++) {
    if (done(await focused(page))) return
    await page.keyboard.press(key)
  }
  throw new Error(`${key} never reached the control: ${JSON.stringify(await focused(page))}`)
}

/**
 * A person's key presses, counted from here on: each press one action; typing a text is counted
 * apart, once per text, as the issue counts "taps plus typing".
 */
function countKeys(page: Page) {
  const counted = { presses: 0, texts: 0 }
  const press = page.keyboard.press.bind(page.keyboard)
  const type = page.keyboard.type.bind(page.keyboard)
  page.keyboard.press = (key, options) => {
    counted.presses++
    return press(key, options)
  }
  page.keyboard.type = (text, options) => {
    counted.texts++
    return type(text, options)
  }
  const marks: string[] = []
  let from = { ...counted }
  return {
    /** Ends a step of the flow: what it took, logged. */
    step(what: string) {
      marks.push(`${what}: ${counted.presses - from.presses} keys + ${counted.texts - from.texts} texts`)
      from = { ...counted }
    },
    report: () => `${marks.join('; ')} — in all ${counted.presses} keys + ${counted.texts} texts typed`,
  }
}

async function typeIn(page: Page, text: string) {
  await page.keyboard.type(text, { delay: 5 })
}

describe('the diagram with the keyboard only', () => {
  let server: Awaited<ReturnType<typeof startServer>>
  let ctx: BrowserContext
  beforeAll(async () => {
    server = await startServer()
    ctx = await launchContext()
  })
  afterAll(async () => {
    await ctx?.close()
    await server?.close()
  })

  it('creates a board, places two elements, names them, connects them with coordina, sets a commitment — no mouse events', async () => {
    const page = ctx.pages()[0] ?? (await ctx.newPage())
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `keyboard-${name}.png`) })
    const keys = countKeys(page)

    // The home page: Tab to the title, type it, Enter creates the board and opens it.
    await page.goto(server.url)
    await page.waitForSelector('#board-title')
    await tabUntil(page, (f) => f.id === 'board-title')
    await typeIn(page, 'Patto dal tavolo')
    await page.keyboard.press('Enter')
    await page.waitForSelector('#user-name, .tl-canvas', { timeout: 30_000 })
    if (await page.locator('#user-name').count()) {
      expect((await focused(page)).id).toBe('user-name')
      await typeIn(page, 'Giulia')
      await page.keyboard.press('Enter')
    }
    await page.waitForFunction(() => Boolean((window as any).opificioEditor), undefined, { timeout: 30_000 })
    await page.waitForSelector('.op-palette__search')
    keys.step('create the board')

    // P goes to the palette's search; Tab reaches the match, Enter places it and hands the canvas the keyboard.
    await page.keyboard.press('p')
    expect((await expectVisibleFocus(page)).className).toContain('op-palette__search')
    await typeIn(page, 'terzo settore')
    await page.keyboard.press('Tab')
    expect((await expectVisibleFocus(page)).kind).toBe('terzo-settore')
    await page.keyboard.press('Enter')
    await expect.poll(async () => (await focused(page)).canvas).toBe(true)
    expect((await diagram(page)).selected).toEqual(['Organizzazione del Terzo settore'])
    keys.step('place the first')
    await shot('0-canvas')

    // F2: into the inspector, on the name, all of it selected; then a production line; Escape: back to the canvas.
    await page.keyboard.press('F2')
    await expect.poll(async () => (await focused(page)).tag).toBe('input')
    const name = await expectVisibleFocus(page)
    expect(name.inInspector).toBe(true)
    await shot('1-name')
    await typeIn(page, 'Coop. Il Mosaico')
    await tabUntil(page, (f) => f.type === 'checkbox' && f.inInspector, 6)
    await page.keyboard.press('Space')
    await page.keyboard.press('Escape')
    await expect.poll(async () => (await focused(page)).canvas).toBe(true)
    expect((await diagram(page)).selected).toEqual(['Coop. Il Mosaico'])
    keys.step('name it, with a line')

    // The second element, named the same way, with its sector set from the keyboard.
    await page.keyboard.press('p')
    await page.keyboard.press('Control+a')
    await typeIn(page, 'gruppo informale')
    await page.keyboard.press('Tab')
    expect((await focused(page)).kind).toBe('gruppo-informale')
    await page.keyboard.press('Enter')
    await expect.poll(async () => (await focused(page)).canvas).toBe(true)
    keys.step('place the second')
    await page.keyboard.press('F2')
    await expect.poll(async () => (await focused(page)).tag).toBe('input')
    await typeIn(page, 'Rete dei genitori')
    await page.keyboard.press('Tab') // kind
    await page.keyboard.press('Tab') // sector
    expect((await expectVisibleFocus(page)).tag).toBe('select')
    await page.keyboard.press('Home') // "Nessuno"
    await page.keyboard.press('ArrowDown') // the first sector: pubblico
    await page.keyboard.press('Escape')
    await expect.poll(async () => (await focused(page)).canvas).toBe(true)
    expect((await diagram(page)).elements).toEqual([
      { kind: 'terzo-settore', name: 'Coop. Il Mosaico', sector: 'privato-sociale', lines: ['relazioni'] },
      { kind: 'gruppo-informale', name: 'Rete dei genitori', sector: 'pubblico', lines: [] },
    ])
    keys.step('name it, with a sector')

    // Both selected (Ctrl+A, in the order they were placed), C connects the first to the second and
    // hands the keyboard to the relation's type: the arrows move, Space chooses coordina.
    await page.keyboard.press('Control+a')
    await expect.poll(async () => (await diagram(page)).selected).toEqual(['Coop. Il Mosaico', 'Rete dei genitori'])
    await page.keyboard.press('c')
    await expect.poll(async () => (await focused(page)).role).toBe('radio')
    expect(await focused(page)).toMatchObject({ relation: 'collabora', inInspector: true })
    await page.keyboard.press('ArrowDown')
    expect((await expectVisibleFocus(page)).relation).toBe('coordina')
    await page.keyboard.press('Space')
    await expect
      .poll(async () => (await diagram(page)).relations)
      .toEqual([{ relation: 'coordina', commitment: undefined, from: 'Coop. Il Mosaico', to: 'Rete dei genitori' }])
    expect(await focused(page)).toMatchObject({ relation: 'coordina', checked: 'true' })
    keys.step('coordina')
    await shot('2-coordina')

    // Back on the canvas, Tab walks the shapes: to the cooperative, then C and the "connect to" picker.
    await page.keyboard.press('Escape')
    await expect.poll(async () => (await focused(page)).canvas).toBe(true)
    for (let i = 0; i < 5 && JSON.stringify((await diagram(page)).selected) !== '["Coop. Il Mosaico"]'; i++) await page.keyboard.press('Tab')
    expect((await diagram(page)).selected).toEqual(['Coop. Il Mosaico'])
    await page.keyboard.press('c')
    await expect.poll(async () => (await focused(page)).tag).toBe('select')
    await expectVisibleFocus(page)
    await page.keyboard.press('ArrowDown') // the only other element
    await page.keyboard.press('Tab')
    expect((await expectVisibleFocus(page)).text).toBe('Collega')
    await page.keyboard.press('Enter')
    await expect.poll(async () => (await focused(page)).role).toBe('radio')

    // si impegna a, then what, by when, with which resources.
    await page.keyboard.press('End') // relazione mancante
    await page.keyboard.press('ArrowUp') // si impegna a
    expect((await focused(page)).relation).toBe('impegno')
    await page.keyboard.press('Enter')
    await expect.poll(async () => (await focused(page)).checked).toBe('true')
    await page.keyboard.press('Tab')
    await typeIn(page, 'Aprire un doposcuola')
    await page.keyboard.press('Tab')
    await typeIn(page, 'Giugno 2027')
    await page.keyboard.press('Tab')
    await typeIn(page, 'Sala della biblioteca')
    const commitment = { what: 'Aprire un doposcuola', by: 'Giugno 2027', resources: 'Sala della biblioteca' }
    await expect
      .poll(async () => (await diagram(page)).relations.find((r) => r.relation === 'impegno'))
      .toEqual({ relation: 'impegno', commitment, from: 'Coop. Il Mosaico', to: 'Rete dei genitori' })
    keys.step('si impegna a, with its commitment')
    console.log(`[keyboard] ${keys.report()}`)

    // Retyping it away asks first, in a named dialog with the harmless answer focused; Escape keeps the commitment.
    await tabUntil(page, (f) => f.role === 'radio', 5, 'Shift+Tab')
    expect((await focused(page)).relation).toBe('impegno')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Space')
    await expect.poll(async () => (await focused(page)).inDialog).not.toBe('')
    const dialog = page.locator('dialog[role="alertdialog"]')
    const title = await page.locator(`[id="${await dialog.getAttribute('aria-labelledby')}"]`).textContent()
    expect(title).toBe('Cambiare il tipo di relazione?')
    expect((await expectVisibleFocus(page)).text).toBe('Annulla, tieni l’impegno')
    await shot('3-confirm')
    await page.keyboard.press('Escape')
    await expect.poll(async () => (await focused(page)).role).toBe('radio')
    expect(await dialog.count()).toBe(0)
    expect((await diagram(page)).relations.find((r) => r.relation === 'impegno')?.commitment).toEqual(commitment)

    // No trap: Escape to the canvas, Escape again lets go of the selection, and Tab leaves the canvas.
    await page.keyboard.press('Escape')
    await expect.poll(async () => (await focused(page)).canvas).toBe(true)
    await page.keyboard.press('Escape')
    await page.keyboard.press('Tab')
    expect((await focused(page)).canvas).toBe(false)

    // ? lists the shortcuts in a named dialog; Escape closes it.
    await page.keyboard.press('Escape')
    await page.keyboard.press('?')
    await expect.poll(async () => (await focused(page)).inDialog).toBe('keys-title')
    expect((await focused(page)).id).toBe('keys-title')
    await shot('4-help')
    await page.keyboard.press('Escape')
    await expect.poll(() => page.locator('dialog.op-keys').count()).toBe(0)

    const final = await diagram(page)
    expect(final.relations).toHaveLength(2)
    expect(final.relations.map((r) => r.relation).sort()).toEqual(['coordina', 'impegno'])
    expect(errors).toEqual([])
  })
})
