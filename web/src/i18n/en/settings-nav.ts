/** The settings screens' links and the buttons they share (components/), in the first bundle. */
export const settingsNav = {
  "nav.team": "Team",
  "nav.apiKeys": "API keys",
  "nav.audit": "Audit log",
  "nav.profile": "Profile",
  "confirm.cancel": "Cancel",
  "copy.button": "Copy",
  "copy.done": "Copied",
  "copy.failed": "Select the text and copy it by hand",
} as const;
