// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { fakeNetwork } from "../../test/render-page.tsx";
import { NoteForm } from "./note-form.tsx";
import { useAddNote } from "./queries.ts";
import { Timeline } from "./timeline.tsx";

let net: ReturnType<typeof fakeNetwork>;
afterEach(() => {
  cleanup();
  net?.restore();
});

function AddNote() {
  const add = useAddNote("inc_1");
  return <NoteForm onAdd={(b) => add.mutateAsync(b)} pending={add.isPending} error={add.error} />;
}

function renderAddNote() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <AddNote />
    </QueryClientProvider>,
  );
}

describe("NoteForm", () => {
  it("posts the markdown as written and clears once the server took it", async () => {
    net = fakeNetwork(() => ({ status: 201, body: { id: "note_1" } }));
    renderAddNote();
    const box = screen.getByLabelText("Note (markdown)") as HTMLTextAreaElement;
    fireEvent.change(box, { target: { value: "Restarted **nginx**" } });
    fireEvent.click(screen.getByRole("button", { name: "Add the note" }));
    await waitFor(() => expect(box.value).toBe(""));
    expect(net.sent[0]).toMatchObject({
      method: "POST",
      path: "/api/v1/incidents/inc_1/notes",
      body: { body: "Restarted **nginx**" },
    });
  });

  it("keeps the text and shows the API's message beside the field when refused", async () => {
    net = fakeNetwork(() => ({
      status: 400,
      body: {
        type: "https://upblit.dev/problems/validation",
        title: "Invalid request",
        status: 400,
        detail: "1 invalid field in the body",
        errors: [{ path: "body.body", message: "must not contain control or bidi characters" }],
      },
    }));
    renderAddNote();
    const box = screen.getByLabelText("Note (markdown)") as HTMLTextAreaElement;
    fireEvent.change(box, { target: { value: "bad \u202e text" } });
    fireEvent.click(screen.getByRole("button", { name: "Add the note" }));
    await screen.findByText("must not contain control or bidi characters");
    expect(box.value).toBe("bad \u202e text");
    expect(box.getAttribute("aria-invalid")).toBe("true");
  });
});

describe("Timeline", () => {
  it("shows a note as the server's sanitised HTML, and automatic entries as such", () => {
    render(
      <Timeline
        truncated={false}
        items={[
          { kind: "opened", at: "2026-12-07T03:00:00Z", cause: "HTTP 503" },
          {
            kind: "note",
            at: "2026-12-07T03:05:00Z",
            id: "note_1",
            by: { type: "user", id: "usr_1", name: "Ada" },
            body: "<img src=x onerror=alert(1)> **found it**",
            html: "<p>&lt;img src=x onerror=alert(1)&gt; <strong>found it</strong></p>",
          },
        ]}
      />,
    );
    expect(screen.getByText("Incident opened: HTTP 503")).toBeTruthy();
    expect(screen.getByText("found it").tagName).toBe("STRONG");
    expect(document.querySelector("img")).toBeNull();
    expect(screen.getByText("Note by Ada")).toBeTruthy();
    expect(screen.getAllByText("automatic")).toHaveLength(1);
  });

  it("counts a notification's attempts in words: 1 attempt, 3 attempts", () => {
    const notification = (attempts: number) => ({
      kind: "notification" as const,
      at: "2026-12-07T03:01:00Z",
      notificationId: `ntf_${attempts}`,
      event: "monitor.down",
      channel: { id: "chn_1", name: "ops hook", kind: "webhook" },
      status: "sent" as const,
      attempts,
      sentAt: "2026-12-07T03:01:01Z",
      lastError: null,
    });
    render(<Timeline truncated={false} items={[notification(1), notification(3)]} />);
    expect(screen.getByText("monitor.down to ops hook (webhook): sent, 1 attempt")).toBeTruthy();
    expect(screen.getByText("monitor.down to ops hook (webhook): sent, 3 attempts")).toBeTruthy();
  });
});
