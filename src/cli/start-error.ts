/** A reason the server cannot start that is the user's to fix: one line, exit 1, no stack trace. */
export class StartError extends Error {
  override name = 'StartError'
}
