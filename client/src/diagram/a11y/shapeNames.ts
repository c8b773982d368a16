import { translate } from '../../i18n/translate.ts'

/**
 * tldraw's selection announcer names a shape by the translation `tool.<type>`: without these an
 * element would be read out as "tool.element".
 */
export const shapeNameTranslations = {
  it: { 'tool.element': translate('it', 'inspector.element') },
  en: { 'tool.element': translate('en', 'inspector.element') },
}
