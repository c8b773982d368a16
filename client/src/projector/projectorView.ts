import type { ProcessTemplate } from '@opificio/shared'
import type { Locale } from '../i18n/strings.ts'
import { labelText } from '../diagram/model/model.ts'

/** What the projector reads of a collaborator's presence (tldraw's TLInstancePresence). */
export interface LeaderCandidate {
  userId: string
  lastActivityTimestamp: number | null
  currentPageId: string
  camera: { x: number; y: number; z: number } | null
  screenBounds: { x: number; y: number; w: number; h: number } | null
  meta: Record<string, unknown>
}

/**
 * Whom the projector follows: a facilitator (the server stamps each relayed presence with its
 * role) whose viewport is known; of several, the one who moved most recently.
 */
export function chooseLeader<P extends LeaderCandidate>(presences: readonly P[]): P | null {
  let best: P | null = null
  for (const p of presences) {
    if (p.meta?.role !== 'facilitator' || !p.camera || !p.screenBounds || p.screenBounds.w <= 0 || p.screenBounds.h <= 0) continue
    const at = p.lastActivityTimestamp ?? 0
    const bestAt = best ? (best.lastActivityTimestamp ?? 0) : -1
    // Equal times: the same one every time, so the projector does not flicker between two.
    if (!best || at > bestAt || (at === bestAt && p.userId < best.userId)) best = p
  }
  return best
}

/** Element names are drawn at 19 px, 16 px past 24 characters, 14 px past 44 (ElementShapeUtil's nameSize). */
export const NAME_PX = { short: 19, medium: 16, long: 14 } as const

/** A name read from the back of a room: 24 px on a 1920-pixel-wide projected image. */
export const READABLE_PX = 24
export const REFERENCE_WIDTH = 1920

/**
 * The least zoom at which names of `namePx` show at READABLE_PX on a screen `screenWidth` wide.
 * A projected image is as wide on the wall whatever its pixels, so a narrower screen needs
 * proportionally fewer pixels for the same letters.
 */
export function minReadableZoom(screenWidth: number, namePx: number = NAME_PX.medium): number {
  return (READABLE_PX * screenWidth) / REFERENCE_WIDTH / namePx
}

export interface Camera {
  x: number
  y: number
  z: number
}

/**
 * The projector's camera for a facilitator's: centred where they look, showing all they see when
 * that keeps names readable, otherwise zoomed in to `minZoom` around the same centre (trading the
 * edges of their view for letters the room can read).
 */
export function followCamera(
  leader: { camera: Camera; screenBounds: { w: number; h: number } },
  ours: { w: number; h: number },
  minZoom: number
): Camera {
  const { camera, screenBounds } = leader
  const theirW = screenBounds.w / camera.z
  const theirH = screenBounds.h / camera.z
  const cx = -camera.x + theirW / 2
  const cy = -camera.y + theirH / 2
  const fit = Math.min(ours.w / theirW, ours.h / theirH)
  const z = Math.max(fit, minZoom)
  return { x: -(cx - ours.w / (2 * z)), y: -(cy - ours.h / (2 * z)), z }
}

/** The current phase as the header shows it, from the board's own template; null before the first. */
export function phaseInfo(
  template: Pick<ProcessTemplate, 'phases'>,
  phase: number | null,
  locale: Locale
): { number: number; label: string; question: string } | null {
  if (phase === null) return null
  const found = template.phases.find((p) => p.number === phase)
  if (!found) return { number: phase, label: '', question: '' }
  return { number: phase, label: labelText(found.label, locale), question: labelText(found.question, locale) }
}

/**
 * How the join link is written under its QR code. The token in the fragment is what lets people
 * in, so an address without it opens nothing: the whole link when it fits, otherwise only where
 * it leads, with the code as the way in.
 */
export function joinText(link: string, maxChars: number): { kind: 'full'; text: string } | { kind: 'scan'; text: string } {
  // Browsers add https:// to what is typed; a plain-http address has to say so.
  const shown = link.replace(/^https:\/\//, '')
  if (shown.length <= maxChars) return { kind: 'full', text: shown }
  try {
    return { kind: 'scan', text: new URL(link).host }
  } catch {
    return { kind: 'scan', text: '' }
  }
}
