import { describe, expect, it } from "vitest";
import { ApiError, csrfToken } from "./client.ts";

describe("api client helpers", () => {
  it("reads the CSRF cookie under either name", () => {
    expect(csrfToken("a=1; upblit-csrf=abc%3D; b=2")).toBe("abc=");
    expect(csrfToken("__Host-upblit-csrf=xyz")).toBe("xyz");
    expect(csrfToken("other=1")).toBeUndefined();
  });

  it("reads a problem answer as an ApiError (the SDK's UpblitProblem) that knows its fields", async () => {
    const response = new Response(
      JSON.stringify({
        type: "https://upblit.dev/problems/validation",
        title: "Invalid request",
        status: 400,
        errors: [{ path: "name", message: "must not be empty" }],
      }),
      { status: 400, headers: { "content-type": "application/problem+json" } },
    );
    const error = await ApiError.from(response);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.message).toBe("Invalid request");
    expect(error.fieldError("name")).toBe("must not be empty");
    expect(error.fieldError("target")).toBeUndefined();
  });
});
