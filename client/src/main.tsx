import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import './styles.css'
import { App } from './app/App.tsx'
import { useUserStore } from './user/userStore.ts'

document.documentElement.lang = useUserStore.getState().locale
useUserStore.subscribe((s) => (document.documentElement.lang = s.locale))

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>
)
