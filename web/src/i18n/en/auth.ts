/** Sign-in, second factor, recovery, invitations and first run. */
export const auth = {
  "login.title": "Sign in to Upblit",
  "login.email": "Email",
  "login.password": "Password",
  "login.submit": "Sign in",
  "login.forgot": "Forgot your password?",
  "login.failed": "That email and password do not match an account.",
} as const;
