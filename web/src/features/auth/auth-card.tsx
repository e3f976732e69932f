import type { FormEvent, ReactNode } from "react";

/** The frame of every signed-out page: one centred card with a heading. */
export function AuthCard({
  title,
  children,
  onSubmit,
}: {
  title: string;
  children: ReactNode;
  onSubmit?: (e: FormEvent) => void;
}) {
  const body = (
    <>
      <h1>{title}</h1>
      {children}
    </>
  );
  return (
    <main className="auth-page" id="main">
      {onSubmit ? (
        <form className="card stack" onSubmit={onSubmit} noValidate>
          {body}
        </form>
      ) : (
        <div className="card stack">{body}</div>
      )}
    </main>
  );
}

/** Calls `fn` without the browser's own submit. */
export function submitWith(fn: () => void) {
  return (e: FormEvent) => {
    e.preventDefault();
    fn();
  };
}
