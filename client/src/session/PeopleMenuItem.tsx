import type { Role } from '@opificio/shared'
import {
  TldrawUiButton,
  TldrawUiButtonIcon,
  TldrawUiIcon,
  useEditor,
  usePresence,
  useTranslation,
  useValue,
  type TLUiPeopleMenuItemProps,
} from 'tldraw'
import type { StringKey } from '../i18n/strings.ts'
import { useT } from '../i18n/translate.ts'
import { presenceRole } from './sessionRules.ts'

const ROLE_LABEL: Record<Role, StringKey> = {
  facilitator: 'session.people.facilitator',
  participant: 'session.people.participant',
  projector: 'session.people.projector',
}

/**
 * tldraw's row in the people menu, with the person's role after the name (said by the server,
 * so nobody can pose as the facilitator). As tldraw's own: a click shows where they are, the eye
 * (or a double click) follows them; moving the board yourself leaves the follow.
 */
export function PeopleMenuItem({ userId }: TLUiPeopleMenuItemProps) {
  const editor = useEditor()
  const msg = useTranslation()
  const t = useT()
  const presence = usePresence(userId)
  const following = useValue('following', () => editor.getInstanceState().followingUserId === userId, [editor, userId])
  if (!presence) return null
  const role = presenceRole(presence.meta)
  const toggleFollow = () => (following ? editor.stopFollowingUser() : editor.startFollowingUser(userId))
  return (
    <div className="tlui-people-menu__item" data-follow={following}>
      <TldrawUiButton type="menu" className="tlui-people-menu__item__button" onClick={() => editor.zoomToUser(userId)} onDoubleClick={toggleFollow}>
        <TldrawUiIcon label={msg('people-menu.avatar-color')} icon="color" color={presence.color} />
        <div className="tlui-people-menu__name">{presence.userName?.trim() || msg('people-menu.anonymous-user')}</div>
        {role && (
          <span className="op-people-role" data-role={role}>
            {t(ROLE_LABEL[role])}
          </span>
        )}
      </TldrawUiButton>
      <TldrawUiButton
        type="icon"
        className="tlui-people-menu__item__follow"
        title={following ? msg('people-menu.following') : msg('people-menu.follow')}
        onClick={toggleFollow}
      >
        <TldrawUiButtonIcon icon={following ? 'following' : 'follow'} />
      </TldrawUiButton>
    </div>
  )
}
