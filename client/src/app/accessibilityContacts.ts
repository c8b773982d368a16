/**
 * Where the accessibility statement sends people, as AgID's model asks: the public relations
 * office (URP) of the body that publishes Opificio, and AgID's form for the difensore civico per
 * il digitale. A deployment for another body edits these values before building (README,
 * "Accessibility").
 */
export const FEEDBACK_CONTACTS = {
  /** Who answers the feedback, in the statement's words. */
  body: 'Comune di Santarcangelo di Romagna',
  /** The body's page that lists the URP's addresses (email, PEC, phone, hours). */
  urpPage: 'https://www.comune.santarcangelo.rn.it/',
  /** The URP's email or the body's PEC, written and linked in the statement when set. */
  email: '',
  /** AgID's form for reports to the difensore civico per il digitale (art. 3-quinquies, l. 4/2004). */
  agidForm: 'https://form.agid.gov.it/',
}
