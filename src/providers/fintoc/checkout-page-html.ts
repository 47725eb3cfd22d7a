import { formatAmount } from './amount-format.js'
import { institutionsFor } from './institutions.js'

// The hosted checkout stand-in's HTML: plain markup, one stylesheet, a few lines of script. Everything shown comes
// from the session as the API serializes it (see checkout-page.ts); nothing of the organization is shown.

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** what the page shows of a session: a subset of `checkoutSessionJson` */
export interface SessionView {
  id: string
  /** null for the setup flow: the payer authorizes future charges, nothing is charged now */
  amount: number | null
  currency: 'CLP' | 'MXN'
  expires_at: string
}

export type FieldName = 'institution_id' | 'username' | 'password' | 'account' | 'mfa'

export interface Field {
  name: Exclude<FieldName, 'institution_id'>
  label: string
  hint: string
  type: 'text' | 'password'
  required: boolean
}

const MFA: Field = { name: 'mfa', label: 'Security code (optional)', hint: 'Any code; 000000 makes the bank reject the payment.', type: 'text', required: false }

/** what the payer types, by the session's currency (the payment-intent test values decide the outcome) */
export function fieldsFor(currency: 'CLP' | 'MXN'): Field[] {
  if (currency === 'MXN') {
    return [{ name: 'account', label: 'Phone or account number', hint: 'Test: 5555555555 succeeds; …56 fails, …57 is rejected, …58 is pending.', type: 'text', required: true }, MFA]
  }
  return [
    { name: 'username', label: 'RUT', hint: 'Test: 41614850-3 (or 40427672-7, 41579263-8).', type: 'text', required: true },
    { name: 'password', label: 'Password', hint: 'Test: jonsnow.', type: 'password', required: true },
    { name: 'account', label: 'Account number', hint: 'Test: 422159212 succeeds; 422159213 fails; 422159214 is pending.', type: 'text', required: true },
    MFA,
  ]
}

export const BANK_LABEL = 'Bank'

// contrast: every text/background pair is at least 4.5:1, the focus ring 3:1 against white
const STYLE =
  'body{font-family:system-ui,sans-serif;color:#1b1b1f;background:#fff;max-width:30rem;margin:2rem auto;padding:0 1rem;line-height:1.5}' +
  '.amount{font-size:2rem;font-weight:700;margin:.2rem 0 1rem}.note,.hint{color:#4b5563;font-size:.9rem;margin:.2rem 0}' +
  'label{display:block;font-weight:600;margin:1rem 0 .2rem}input,select{width:100%;box-sizing:border-box;padding:.55rem;font-size:1rem;border:1px solid #6b7280;border-radius:4px}' +
  'button{width:100%;padding:.7rem;font-size:1rem;border-radius:4px;cursor:pointer;margin-top:1.2rem}' +
  '.primary{background:#1d4ed8;color:#fff;border:1px solid #1d4ed8}.secondary{background:#fff;color:#1d4ed8;border:1px solid #1d4ed8}' +
  ':focus-visible{outline:3px solid #1e3a8a;outline-offset:2px}[aria-invalid=true]{border:2px solid #b91c1c}' +
  '.error{color:#b91c1c;font-weight:600;margin:.2rem 0}.summary{border:2px solid #b91c1c;padding:.5rem 1rem;border-radius:4px}.summary a{color:#b91c1c}'

// disables the buttons once a form is sent (no double payment), and brings focus to the error summary
const SCRIPT =
  "document.querySelectorAll('form').forEach(function(f){f.addEventListener('submit',function(){setTimeout(function(){f.querySelectorAll('button').forEach(function(b){b.disabled=true})},0)})});" +
  "var s=document.getElementById('error-summary');if(s)s.focus();"

export function layout(title: string, main: string, refreshTo?: string): string {
  const refresh = refreshTo ? `<meta http-equiv="refresh" content="1;url=${escapeHtml(refreshTo)}">` : ''
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,">${refresh}` +
    `<title>${escapeHtml(title)} · Fintoc sandbox checkout</title><style>${STYLE}</style></head>` +
    `<body><main>${main}<p class="note">Fintoc sandbox: no real bank is reached and no money moves.</p></main><script>${SCRIPT}</script></body></html>`
  )
}

export interface FormState {
  values: Partial<Record<FieldName, string>>
  error?: { field: FieldName | null; message: string }
}

function input(f: Field, state: FormState): string {
  const err = state.error?.field === f.name
  const described = `${err ? `${f.name}-error ` : ''}${f.name}-hint`
  // a password is never sent back to the browser
  const value = f.type === 'password' ? '' : (state.values[f.name] ?? '')
  return (
    `<label for="${f.name}">${escapeHtml(f.label)}</label>` +
    `<p class="hint" id="${f.name}-hint">${escapeHtml(f.hint)}</p>` +
    (err ? `<p class="error" id="${f.name}-error">${escapeHtml(state.error!.message)}</p>` : '') +
    `<input id="${f.name}" name="${f.name}" type="${f.type}" value="${escapeHtml(value)}" autocomplete="off"${f.required ? ' required' : ''}` +
    ` aria-describedby="${described}"${err ? ' aria-invalid="true"' : ''}>`
  )
}

function bankSelect(currency: 'CLP' | 'MXN', state: FormState): string {
  const err = state.error?.field === 'institution_id'
  const chosen = state.values.institution_id ?? ''
  const options = institutionsFor(currency)
    .map((b) => `<option value="${escapeHtml(b.id)}"${b.id === chosen ? ' selected' : ''}>${escapeHtml(b.name)}</option>`)
    .join('')
  return (
    `<label for="institution_id">${BANK_LABEL}</label>` +
    (err ? `<p class="error" id="institution_id-error">${escapeHtml(state.error!.message)}</p>` : '') +
    `<select id="institution_id" name="institution_id" required${err ? ' aria-invalid="true" aria-describedby="institution_id-error"' : ''}>` +
    `<option value="">Choose your bank</option>${options}</select>`
  )
}

/** the payment form; `base` is the page's own path (`/fintoc/checkout/<id>`) */
export function formPage(view: SessionView, base: string, state: FormState): string {
  // the setup flow charges nothing now: the page asks for the authorization instead
  const amount = view.amount === null ? null : formatAmount(view.amount, view.currency)
  const action = amount === null ? 'Authorize automatic debit' : `Pay ${amount}`
  const summary = state.error
    ? `<div class="summary" id="error-summary" role="alert" tabindex="-1"><h2>The payment was not sent</h2>` +
      `<p><a href="#${state.error.field ?? 'institution_id'}">${escapeHtml(state.error.message)}</a></p></div>`
    : ''
  const fields = fieldsFor(view.currency).map((f) => input(f, state)).join('')
  return layout(
    action,
    `<h1>Pay with your bank</h1>${summary}` +
      (amount === null ? '<p>Nothing is charged now: the store asks to charge this account later.</p>' : `<p>Amount to pay</p><p class="amount" id="amount">${escapeHtml(amount)}</p>`) +
      `<form method="post" action="${escapeHtml(base)}/pay" novalidate aria-label="Payment details">${bankSelect(view.currency, state)}${fields}` +
      `<button type="submit" class="primary">${escapeHtml(action)}</button></form>` +
      `<form method="post" action="${escapeHtml(base)}/cancel"><button type="submit" class="secondary">Cancel and return to the store</button></form>` +
      `<p class="note">Checkout ${escapeHtml(view.id)}, open until ${escapeHtml(view.expires_at)}.</p>`,
  )
}

/** a page with a message and, optionally, a link (back to the store) */
export function messagePage(title: string, text: string, link?: { href: string; text: string }): string {
  const a = link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p>` : ''
  return layout(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>${a}`)
}

/** while the bank answers: the page asks again every second, and is sent on once the session is finished */
export function processingPage(view: SessionView, returnTo: string): string {
  return layout(
    'Processing your payment',
    `<h1>Processing your payment</h1><p role="status">Waiting for your bank to confirm ${escapeHtml(view.amount === null ? 'the authorization' : formatAmount(view.amount, view.currency))}. ` +
      'This page moves on by itself.</p>' +
      `<p><a href="${escapeHtml(returnTo)}">Check again</a></p>`,
    returnTo,
  )
}
