import { useEffect, useRef, useState } from "react";
import { t } from "../i18n/index.ts";

interface ConfirmButtonProps {
  /** The button's text, and its accessible name unless `name` is given. */
  label: string;
  /** A fuller accessible name for the button (e.g. "Revoke the invitation to x"). */
  name?: string;
  /** The question asked before acting. */
  question: string;
  /** The confirming button's text. */
  yes: string;
  onConfirm: () => void;
  disabled?: boolean;
  danger?: boolean;
}

/**
 * A button that asks first, in place: the question and "Yes, …"/"Cancel" replace it until
 * answered. Focus moves to the question's confirming button, and back when cancelled.
 */
export function ConfirmButton({
  label,
  name,
  question,
  yes,
  onConfirm,
  disabled,
  danger = true,
}: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  const yesRef = useRef<HTMLButtonElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  useEffect(() => {
    if (asking) yesRef.current?.focus();
    else if (wasAsking.current) openRef.current?.focus();
    wasAsking.current = asking;
  }, [asking]);
  if (!asking) {
    return (
      <button
        ref={openRef}
        type="button"
        className={danger ? "danger" : undefined}
        aria-label={name}
        disabled={disabled}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  }
  return (
    <fieldset className="confirm-inline">
      <legend>{question}</legend>
      <button
        ref={yesRef}
        type="button"
        className={danger ? "danger" : "primary"}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {yes}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        {t("confirm.cancel")}
      </button>
    </fieldset>
  );
}
