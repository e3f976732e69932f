import { ApiError } from "../api/client.ts";
import { t } from "../i18n/index.ts";

/** The part of an error that no field shows: the problem's detail, for the top of a form. */
export function FormProblem({ error, fields = [] }: { error: unknown; fields?: string[] }) {
  if (!error) return null;
  if (error instanceof ApiError) {
    const unplaced = error.errors.filter((e) => !fields.includes(e.path));
    return (
      <div role="alert" className="form-error">
        <div>{error.detail ?? error.title}</div>
        {unplaced.length > 0 && (
          <ul>
            {unplaced.map((e) => (
              <li key={e.path}>
                {e.path ? <code>{e.path}</code> : null} {e.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  return (
    <div role="alert" className="form-error">
      {t("error.generic", { detail: error instanceof Error ? error.message : String(error) })}
    </div>
  );
}

/** The API's message for `path`, if the error is a problem that names it. */
export function fieldError(error: unknown, path: string): string | undefined {
  return error instanceof ApiError ? error.fieldError(path) : undefined;
}
