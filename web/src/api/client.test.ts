import { describe, expect, it } from "vitest";
import { ApiError, csrfToken, unwrap } from "./client.ts";

describe("api client helpers", () => {
  it("reads the CSRF cookie under either name", () => {
    expect(csrfToken("a=1; upblit-csrf=abc%3D; b=2")).toBe("abc=");
    expect(csrfToken("__Host-upblit-csrf=xyz")).toBe("xyz");
    expect(csrfToken("other=1")).toBeUndefined();
  });

  it("turns a problem answer into an ApiError that knows its fields", () => {
    const response = new Response(null, { status: 400 });
    const error = {
      type: "https://upblit.dev/problems/validation",
      title: "Invalid request",
      status: 400,
      errors: [{ path: "name", message: "must not be empty" }],
    };
    expect(() => unwrap({ error, response })).toThrow(ApiError);
    try {
      unwrap({ error, response });
    } catch (e) {
      expect((e as ApiError).fieldError("name")).toBe("must not be empty");
      expect((e as ApiError).fieldError("target")).toBeUndefined();
    }
  });
});
