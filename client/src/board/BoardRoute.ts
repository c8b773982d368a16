// What /b/... loads on demand: the board page with tldraw and its styles, which the home page never needs.
import 'tldraw/tldraw.css'

export { BoardPage as default } from './BoardPage.tsx'
