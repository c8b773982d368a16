import type { ElementKind, ProcessTemplate, RelationType } from './types.ts'

const place = (id: string, it: string, en: string, icon: string): ElementKind => ({
  id,
  group: 'place',
  label: { it, en },
  sector: '',
  icon,
  color: '#6b4f2a',
})
const actor = (id: string, it: string, en: string, sector: string, icon: string): ElementKind => ({
  id,
  group: 'actor',
  label: { it, en },
  sector,
  icon,
  color: '#2f4858',
})
const body = (id: string, it: string, en: string): ElementKind => ({
  id,
  group: 'governance',
  label: { it, en },
  sector: '',
  icon: 'governance',
  color: '#8a1c2b',
})
const resource = (id: string, it: string, en: string, icon: string): ElementKind => ({
  id,
  group: 'resource',
  label: { it, en },
  sector: '',
  icon,
  color: '#1d6b5f',
})
const relation = (
  id: string,
  it: string,
  en: string,
  color: RelationType['color'],
  dash: RelationType['dash'],
  direction: RelationType['direction'],
  commitment = false
): RelationType => ({ id, label: { it, en }, color, dash, direction, commitment })

/** The Opificio di Comunità process of the Comune di Santarcangelo di Romagna (see DOMAIN.md). */
export const OPIFICIO_TEMPLATE: ProcessTemplate = {
  name: { it: 'Opificio di Comunità', en: 'Opificio di Comunità (community hub)' },
  // Sector pills carry white text: each colour keeps ≥ 4.5:1 with it (WCAG 1.4.3).
  sectors: [
    { id: 'pubblico', label: { it: 'Pubblico', en: 'Public' }, color: '#1d70b8' },
    { id: 'privato-sociale', label: { it: 'Privato sociale', en: 'Third sector' }, color: '#b45309' },
    { id: 'civico', label: { it: 'Civico', en: 'Civic' }, color: '#0f766e' },
  ],
  lines: [
    { id: 'relazioni', label: { it: 'Relazioni significative', en: 'Meaningful relationships' }, color: '#c2185b' },
    { id: 'welfare', label: { it: 'Welfare personalizzato e comunitario', en: 'Personalised and community welfare' }, color: '#7b2cbf' },
    { id: 'solidarieta', label: { it: 'Solidarietà e collaborazione generativa', en: 'Solidarity and generative collaboration' }, color: '#3a7d44' },
  ],
  elementKinds: [
    place('comune', 'Comune', 'Town hall', 'townhall'),
    place('biblioteca', 'Biblioteca', 'Library', 'library'),
    place('ospedale', 'Ospedale', 'Hospital', 'hospital'),
    place('casa-comunita', 'Casa della Comunità', 'Community health centre', 'health'),
    place('palazzo-poesia', 'Palazzo della Poesia', 'Palazzo della Poesia (poetry house)', 'poetry'),
    place('parrocchia', 'Parrocchia', 'Parish', 'parish'),
    place('scuola', 'Scuola elementare', 'Primary school', 'school'),
    actor('ente-pubblico', 'Ente / servizio pubblico', 'Public body or service', 'pubblico', 'public'),
    actor('terzo-settore', 'Organizzazione del Terzo settore', 'Third-sector organisation', 'privato-sociale', 'organisation'),
    actor('ente-religioso', 'Ente religioso', 'Religious body', 'privato-sociale', 'parish'),
    actor('rappresentanza', 'Organismo di rappresentanza', 'Representative body', 'civico', 'representation'),
    actor('gruppo-informale', 'Gruppo informale / rete', 'Informal group or network', 'civico', 'group'),
    actor('cittadino', 'Cittadino/a attivo/a', 'Active citizen', 'civico', 'person'),
    actor('destinatari', 'Destinatari', 'Target group', 'civico', 'people'),
    body('cabina-regia', 'Cabina di regia', 'Steering committee'),
    body('community-manager', 'Community Manager', 'Community Manager'),
    body('tavolo-negoziazione', 'Tavolo di Negoziazione', 'Negotiation table'),
    body('giunta', 'Giunta', 'Municipal executive (decision-maker)'),
    body('comitato-garanzia', 'Comitato di garanzia', 'Guarantee committee'),
    resource('servizio', 'Servizio', 'Service', 'service'),
    resource('spazio', 'Spazio / luogo accogliente', 'Welcoming space', 'space'),
    resource('pratica', 'Pratica o azione generativa', 'Generative practice or action', 'practice'),
    resource('competenza', 'Competenza', 'Skill', 'skill'),
    resource('risorsa-economica', 'Risorsa economica', 'Funding', 'funding'),
    resource('bene-strumentale', 'Bene strumentale', 'Equipment', 'equipment'),
    resource('canale', 'Canale di comunicazione', 'Communication channel', 'channel'),
    { id: 'bisogno', group: 'need', label: { it: 'Bisogno', en: 'Need' }, sector: '', icon: 'need', color: '#b42318' },
  ],
  // Only tldraw's colours with ≥ 3:1 against white (WCAG 1.4.11); types sharing a colour differ by dash or heads.
  relationTypes: [
    relation('collabora', 'collabora con', 'collaborates with', 'green', 'solid', 'mutual'),
    relation('coordina', 'coordina', 'coordinates', 'black', 'solid', 'directed'),
    relation('partecipa', 'partecipa a', 'is a member of', 'blue', 'dashed', 'directed'),
    relation('rappresenta', 'rappresenta', 'represents', 'black', 'dotted', 'directed'),
    relation('eroga', 'eroga servizio a', 'provides a service to', 'violet', 'solid', 'directed'),
    relation('invia', 'invia / segnala a', 'refers people to', 'orange', 'dashed', 'directed'),
    relation('ospita', 'ospita / mette a disposizione', 'hosts / provides', 'violet', 'dashed', 'directed'),
    relation('finanzia', 'finanzia / sostiene', 'funds / supports', 'green', 'dashed', 'directed'),
    relation('scambia', 'scambia informazioni', 'exchanges information', 'blue', 'dotted', 'mutual'),
    relation('impegno', 'si impegna a', 'commits to', 'orange', 'solid', 'directed', true),
    relation('mancante', 'relazione mancante', 'missing link', 'red', 'dashed', 'either'),
  ],
  phases: [
    {
      id: 'attivazione',
      number: 1,
      label: { it: 'Attivazione e alleanza strategica', en: 'Activation and strategic alliance' },
      objective: {
        it: 'Costituire il Tavolo di Negoziazione con rappresentanza equilibrata pubblico-privato-civile',
        en: 'Set up the negotiation table with balanced public, third-sector and civic representation',
      },
      question: {
        it: 'Cosa serve al nostro territorio per produrre benessere insieme attraverso l’Opificio di Comunità?',
        en: 'What does our area need to produce well-being together through the Opificio di Comunità?',
      },
    },
    {
      id: 'mappatura',
      number: 2,
      label: { it: 'Mappatura e co-progettazione operativa', en: 'Mapping and operational co-design' },
      objective: {
        it: 'Mappare le risorse, definire le priorità nelle linee produttive, co-progettare governance e investimento sociale diffuso',
        en: 'Map resources, set priorities across the production lines, co-design governance and diffuse social investment',
      },
      question: {
        it: 'Come deve funzionare concretamente la nostra fabbrica sociale per integrare i servizi del chilometro quadrato?',
        en: 'How must our social factory work in practice to integrate the services of the square kilometre?',
      },
    },
    {
      id: 'finalizzazione',
      number: 3,
      label: { it: 'Finalizzazione e validazione comunitaria', en: 'Finalisation and community validation' },
      objective: {
        it: 'Finalizzare il Patto di Collaborazione e il Documento di Proposta Partecipata',
        en: 'Finalise the collaboration pact and the participatory proposal document',
      },
      question: {
        it: 'Chi fa cosa e come per realizzare concretamente l’Opificio che abbiamo progettato insieme?',
        en: 'Who does what, and how, to build the Opificio we designed together?',
      },
    },
  ],
}
