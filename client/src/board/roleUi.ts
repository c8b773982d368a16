import { ROLES, type BoardLinks, type Role } from '@opificio/shared'

/**
 * What the page offers to a role. The server decides what each role may change, on every message;
 * this only keeps the page from offering what the server would refuse.
 */
export interface RoleUi {
  /** The editor changes nothing: the projector, and a page whose role is not known yet. */
  readonly: boolean
  /** The board's chrome: the palette, the inspector, the board tools and the language switch. */
  tools: boolean
  /** The element palette and the inspector of the selection. */
  editDiagram: boolean
  /** "Tipi e linee": the board's template. */
  editTemplate: boolean
  /** "Modelli di fase": inserting the phase templates (balance and pact shapes). */
  insertPhases: boolean
  /** Locking and unlocking shapes (tldraw's action, Shift+L, and the bar's toggle). */
  lock: boolean
  /** Removing a page, with everything on it. */
  removePages: boolean
  /** The links the share panel shows: their holders may pass them on. */
  share: readonly Role[]
  /** Replacing a link, which disconnects the people who came in by it. */
  rotateLinks: boolean
  /** The live session's controls: phase, summon, cursors, shared view, timer, end and reopen. */
  facilitate: boolean
}

const NOTHING: RoleUi = {
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
}

const BY_ROLE: Record<Role, RoleUi> = {
  facilitator: {
    readonly: false,
    tools: true,
    editDiagram: true,
    editTemplate: true,
    insertPhases: true,
    lock: true,
    removePages: true,
    share: ROLES,
    rotateLinks: true,
    facilitate: true,
  },
  participant: { ...NOTHING, readonly: false, tools: true, editDiagram: true, share: ['participant'] },
  // A projector only shows the board; a real projector view comes later.
  projector: NOTHING,
}

/** What the page offers to `role`; before the server has said it (null), nothing. */
export function roleUi(role: Role | null): RoleUi {
  return role ? BY_ROLE[role] : NOTHING
}

/** The links the share panel shows to `role`, in the order of ROLES, leaving out any the server did not give. */
export function shareableLinks(role: Role | null, links: Partial<BoardLinks>): { role: Role; url: string }[] {
  const shown = roleUi(role).share
  return ROLES.filter((r) => shown.includes(r) && links[r]).map((r) => ({ role: r, url: links[r] as string }))
}
