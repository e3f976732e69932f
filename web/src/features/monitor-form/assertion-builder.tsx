import { useId } from "react";
import { hasMessage, type MessageKey, t } from "../../i18n/index.ts";
import {
  type AssertionRow,
  isListOp,
  type MonitorType,
  needsValue,
  newRow,
  rowProblems,
  type Subject,
  subjectSpec,
} from "./assertion-model.ts";
import { subjectsOf } from "./type-catalog.ts";

interface Props {
  type: MonitorType;
  rows: AssertionRow[];
  onChange: (rows: AssertionRow[]) => void;
  /** The API's message for `assertions.<i>.<field>`, if any. */
  apiError: (path: string) => string | undefined;
  /** Show problems found in the browser (after a first attempt to send). */
  showProblems: boolean;
}

const MAX_ASSERTIONS = 20;

/**
 * Rows of subject, operator, value and severity. A failed hard assertion makes a check down, a
 * failed soft one degraded; the type's own checks (status 2xx/3xx, the keyword…) apply besides.
 */
export function AssertionBuilder({ type, rows, onChange, apiError, showProblems }: Props) {
  const update = (i: number, patch: Partial<AssertionRow>) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const subjects = subjectsOf(type);
  return (
    <fieldset className="assertions">
      <legend>{t("assertions.title")}</legend>
      <p className="muted">{impliedText(type)}</p>
      {rows.length === 0 && <p className="muted">{t("assertions.empty")}</p>}
      <ol className="assertion-rows">
        {rows.map((row, i) => (
          <AssertionRowView
            key={row.key}
            index={i}
            row={row}
            subjects={subjects.includes(row.subject) ? subjects : [row.subject, ...subjects]}
            onChange={(patch) => update(i, patch)}
            onRemove={() => onChange(rows.filter((_, j) => j !== i))}
            apiError={apiError}
            showProblems={showProblems}
          />
        ))}
      </ol>
      <button
        type="button"
        onClick={() => onChange([...rows, newRow(subjects[0])])}
        disabled={rows.length >= MAX_ASSERTIONS}
      >
        {t("assertions.add")}
      </button>
    </fieldset>
  );
}

interface RowProps {
  index: number;
  row: AssertionRow;
  subjects: Subject[];
  onChange: (patch: Partial<AssertionRow>) => void;
  onRemove: () => void;
  apiError: (path: string) => string | undefined;
  showProblems: boolean;
}

function AssertionRowView({ index, row, subjects, onChange, onRemove, apiError, showProblems }: RowProps) {
  const id = useId();
  const spec = subjectSpec(row.subject);
  const problems = showProblems ? rowProblems(row) : {};
  const n = index + 1;
  const error = (field: "path" | "value" | "op" | "subject") => {
    const local = field === "path" || field === "value" ? problems[field] : undefined;
    return apiError(`assertions.${index}.${field}`) ?? (local ? t(`assertions.problem.${local}`) : undefined);
  };
  const setSubject = (subject: Subject) => {
    const next = subjectSpec(subject);
    onChange({
      subject,
      op: next.ops.includes(row.op) ? row.op : (next.ops[0] ?? "=="),
      value: next.kind === "boolean" ? "true" : row.value,
    });
  };
  const pathError = error("path");
  const valueError = error("value");
  const opError = error("op");
  return (
    <li className="assertion-row">
      <label>
        {t("assertions.subject", { n })}
        <select value={row.subject} onChange={(e) => setSubject(e.target.value as Subject)}>
          {subjects.map((s) => (
            <option key={s} value={s}>
              {subjectLabel(s)}
            </option>
          ))}
        </select>
      </label>
      {spec.needsPath && (
        <div className="field">
          <label htmlFor={`${id}-p`}>
            {t(row.subject === "json" ? "assertions.jsonPath" : "assertions.headerName", { n })}
          </label>
          <input
            id={`${id}-p`}
            value={row.path}
            placeholder={row.subject === "json" ? "$.status" : "content-type"}
            onChange={(e) => onChange({ path: e.target.value })}
            aria-invalid={pathError ? true : undefined}
            aria-describedby={pathError ? `${id}-path` : undefined}
          />
          {pathError && (
            <span id={`${id}-path`} className="field-error">
              {pathError}
            </span>
          )}
        </div>
      )}
      <div className="field">
        <label htmlFor={`${id}-o`}>{t("assertions.op", { n })}</label>
        <select
          id={`${id}-o`}
          value={row.op}
          onChange={(e) => onChange({ op: e.target.value as AssertionRow["op"] })}
          aria-invalid={opError ? true : undefined}
          aria-describedby={opError ? `${id}-op` : undefined}
        >
          {spec.ops.map((op) => (
            <option key={op} value={op}>
              {t(`assertions.op.${op}` as MessageKey)}
            </option>
          ))}
        </select>
        {opError && (
          <span id={`${id}-op`} className="field-error">
            {opError}
          </span>
        )}
      </div>
      {needsValue(row.op) && (
        <div className="field">
          <label htmlFor={`${id}-v`}>{t("assertions.value", { n })}</label>
          {spec.kind === "boolean" ? (
            <select id={`${id}-v`} value={row.value} onChange={(e) => onChange({ value: e.target.value })}>
              <option value="true">{t("assertions.true")}</option>
              <option value="false">{t("assertions.false")}</option>
            </select>
          ) : (
            <input
              id={`${id}-v`}
              value={row.value}
              inputMode={spec.kind === "number" && !isListOp(row.op) ? "numeric" : undefined}
              placeholder={placeholderFor(row)}
              onChange={(e) => onChange({ value: e.target.value })}
              aria-invalid={valueError ? true : undefined}
              aria-describedby={valueError ? `${id}-value` : undefined}
            />
          )}
          {valueError && (
            <span id={`${id}-value`} className="field-error">
              {valueError}
            </span>
          )}
        </div>
      )}
      {(spec.kind === "text" || spec.kind === "any") && needsValue(row.op) && (
        <label className="checkbox">
          <input
            type="checkbox"
            checked={row.caseSensitive}
            onChange={(e) => onChange({ caseSensitive: e.target.checked })}
          />
          {t("assertions.caseSensitive", { n })}
        </label>
      )}
      <label>
        {t("assertions.severity", { n })}
        <select
          value={row.severity}
          onChange={(e) => onChange({ severity: e.target.value as AssertionRow["severity"] })}
        >
          <option value="hard">{t("assertions.severity.hard")}</option>
          <option value="soft">{t("assertions.severity.soft")}</option>
        </select>
      </label>
      <button type="button" className="danger" onClick={onRemove}>
        {t("assertions.remove", { n })}
      </button>
    </li>
  );
}

/** What the type checks besides the rows (catalogue), or a general word for a type it has no text for. */
function impliedText(type: string): string {
  const key = `assertions.implied.${type}`;
  return hasMessage(key) ? t(key) : t("assertions.implied.generic");
}

/** A subject's name from the catalogue; a type's own fact (`postgres.version`) as it is named. */
function subjectLabel(subject: string): string {
  const key = `assertions.subject.${subject}`;
  return hasMessage(key) ? t(key) : subject;
}

function placeholderFor(row: AssertionRow): string {
  if (isListOp(row.op)) return row.subject === "status" ? "200, 204" : "a, b";
  if (row.subject === "status") return "200";
  if (row.subject.startsWith("latency.")) return "500";
  if (row.subject === "cert.daysLeft") return "14";
  return "";
}
