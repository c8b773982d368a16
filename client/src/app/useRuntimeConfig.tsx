import { useEffect, useState } from 'react'
import { useT } from '../i18n/translate.ts'
import { loadRuntimeConfig, type RuntimeConfig } from './runtimeConfig.ts'

/** The server's run-time configuration, or null while it is on its way. */
export function useRuntimeConfig(): RuntimeConfig | null {
  const [config, setConfig] = useState<RuntimeConfig | null>(null)
  useEffect(() => {
    void loadRuntimeConfig().then(setConfig)
  }, [])
  return config
}

/** What a board page shows while it waits for the server. */
export function BoardLoading() {
  const t = useT()
  return (
    <p className="op-board__loading" role="status">
      {t('board.loading')}
    </p>
  )
}
