/**
 * The set-up the alerting screens' browser tests share (dashboard-alerting and
 * dashboard-deliveries): a real server, a local HTTP receiver for the channels to deliver to, a
 * signed-in page, and the check every screen passes before it is pictured.
 */
import type { Page } from "playwright-core";
import { type Receiver, startReceiver } from "../../../src/test/receiver.ts";
import { type Dashboard, expectAccessible, screenshots, startDashboard } from "./harness.ts";

export interface AlertingScreens {
  d: Dashboard;
  page: Page;
  receiver: Receiver;
  /** A screen is done when it is free of serious axe findings in both themes, and pictured in both. */
  check(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts the server, the receiver and a page signed in as the owner. */
export async function startAlertingScreens(): Promise<AlertingScreens> {
  const d = await startDashboard();
  let receiver: Receiver | undefined;
  try {
    receiver = await startReceiver();
    const page = (await d.signedIn()).page;
    const started = receiver;
    return {
      d,
      page,
      receiver,
      async check(name) {
        await expectAccessible(page);
        await screenshots(page, name);
      },
      async close() {
        await d.close();
        await started.close();
      },
    };
  } catch (error) {
    await d.close();
    await receiver?.close();
    throw error;
  }
}
