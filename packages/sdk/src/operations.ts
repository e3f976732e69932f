// Generated from openapi.json by `npm run gen:api` (scripts/gen-sdk.ts); do not edit.

/** Every operation of the API by operationId. */
export const OPERATIONS = {
  /** Accept an invitation as a new person: create the account and sign in */
  acceptInvitation: { method: "POST", path: "/api/v1/invitations/accept" },
  /** Accept an invitation with your account (signed in with the invited email) */
  acceptInvitationAsMember: { method: "POST", path: "/api/v1/invitations/accept-existing" },
  /** Acknowledge an open incident */
  acknowledgeIncident: { method: "POST", path: "/api/v1/incidents/{id}/acknowledge" },
  /** Add a note (markdown) to an incident's timeline */
  addIncidentNote: { method: "POST", path: "/api/v1/incidents/{id}/notes" },
  /** Claim a custom domain for the page */
  addStatusPageDomain: { method: "POST", path: "/api/v1/status-pages/{id}/domains" },
  /** Change many monitors at once */
  bulkChangeMonitors: { method: "POST", path: "/api/v1/monitors/bulk" },
  /** Change your email address (confirmed from the new address) */
  changeEmail: { method: "POST", path: "/api/v1/me/email" },
  /** Change your password */
  changePassword: { method: "POST", path: "/api/v1/me/password" },
  /** Check now: run one check at once, outside the schedule */
  checkMonitor: { method: "POST", path: "/api/v1/monitors/{id}/check" },
  /** Claim due slots (long-poll) */
  claimProbeSlots: { method: "POST", path: "/api/v1/probe/claims" },
  /** Complete a sign-in with a second-factor code */
  completeMfa: { method: "POST", path: "/api/v1/auth/mfa" },
  /** Confirm an email change with the link from the new address */
  confirmEmailChange: { method: "POST", path: "/api/v1/auth/email-change/confirm" },
  /** Set a new password with a reset link */
  confirmPasswordReset: { method: "POST", path: "/api/v1/auth/password-reset/confirm" },
  /** Turn the second factor on with a first code */
  confirmTotp: { method: "POST", path: "/api/v1/me/totp/confirm" },
  /** Create an alert rule */
  createAlertRule: { method: "POST", path: "/api/v1/alert-rules" },
  /** Create an API key */
  createApiKey: { method: "POST", path: "/api/v1/api-keys" },
  /** Create a notification channel */
  createChannel: { method: "POST", path: "/api/v1/channels" },
  /** Invite an email into this organization with a role */
  createInvitation: { method: "POST", path: "/api/v1/invitations" },
  /** Create a maintenance window */
  createMaintenanceWindow: { method: "POST", path: "/api/v1/maintenance-windows" },
  /** Create a monitor */
  createMonitor: { method: "POST", path: "/api/v1/monitors" },
  /** Create an organization; you become its owner */
  createOrganization: { method: "POST", path: "/api/v1/organizations" },
  /** Create a probe token for one region */
  createProbeToken: { method: "POST", path: "/api/v1/probe-tokens" },
  /** Declare a region */
  createRegion: { method: "POST", path: "/api/v1/regions" },
  /** Create a status page */
  createStatusPage: { method: "POST", path: "/api/v1/status-pages" },
  /** Post an incident or announce maintenance */
  createStatusPageIncident: { method: "POST", path: "/api/v1/status-pages/{id}/incidents" },
  /** Post an update; the incident takes its status */
  createStatusPageIncidentUpdate: { method: "POST", path: "/api/v1/status-pages/{id}/incidents/{incidentId}/updates" },
  /** Subscribe a URL to the page's incident notices */
  createStatusPageWebhook: { method: "POST", path: "/api/v1/status-pages/{id}/webhooks" },
  /** Delete an alert rule */
  deleteAlertRule: { method: "DELETE", path: "/api/v1/alert-rules/{id}" },
  /** Remove a alert rule's key */
  deleteAlertRuleKey: { method: "DELETE", path: "/api/v1/alert-rules/keys/{key}" },
  /** Delete a channel */
  deleteChannel: { method: "DELETE", path: "/api/v1/channels/{id}" },
  /** Remove a channel's key */
  deleteChannelKey: { method: "DELETE", path: "/api/v1/channels/keys/{key}" },
  /** Delete a maintenance window */
  deleteMaintenanceWindow: { method: "DELETE", path: "/api/v1/maintenance-windows/{id}" },
  /** Remove a maintenance window's key */
  deleteMaintenanceWindowKey: { method: "DELETE", path: "/api/v1/maintenance-windows/keys/{key}" },
  /** Delete a monitor and its history */
  deleteMonitor: { method: "DELETE", path: "/api/v1/monitors/{id}" },
  /** Remove a monitor's key */
  deleteMonitorKey: { method: "DELETE", path: "/api/v1/monitors/keys/{key}" },
  /** Delete the organization and everything in it */
  deleteOrganization: { method: "DELETE", path: "/api/v1/organization" },
  /** Remove a region no monitor uses */
  deleteRegion: { method: "DELETE", path: "/api/v1/regions/{name}" },
  /** Remove the organization's single sign-on provider */
  deleteSsoProvider: { method: "DELETE", path: "/api/v1/sso/provider" },
  /** Delete a status page (its monitors stay) */
  deleteStatusPage: { method: "DELETE", path: "/api/v1/status-pages/{id}" },
  /** Delete an incident and its timeline */
  deleteStatusPageIncident: { method: "DELETE", path: "/api/v1/status-pages/{id}/incidents/{incidentId}" },
  /** Remove a status page's key */
  deleteStatusPageKey: { method: "DELETE", path: "/api/v1/status-pages/keys/{key}" },
  /** Remove a webhook subscription */
  deleteStatusPageWebhook: { method: "DELETE", path: "/api/v1/status-pages/{id}/webhooks/{webhookId}" },
  /** Turn the second factor off */
  disableTotp: { method: "POST", path: "/api/v1/me/totp/disable" },
  /** Open a draft status-page incident prefilled from this incident */
  draftStatusPageIncident: { method: "POST", path: "/api/v1/incidents/{id}/status-page-incident" },
  /** End a monitor's silence */
  endMonitorSilence: { method: "DELETE", path: "/api/v1/monitors/{id}/silence" },
  /** End one of this account's sessions */
  endSession: { method: "DELETE", path: "/api/v1/auth/sessions/{id}" },
  /** Where the provider sends the browser back (the redirect URI) */
  finishSsoLogin: { method: "GET", path: "/api/v1/auth/sso/callback" },
  /** Get an alert rule */
  getAlertRule: { method: "GET", path: "/api/v1/alert-rules/{id}" },
  /** Get an API key */
  getApiKey: { method: "GET", path: "/api/v1/api-keys/{id}" },
  /** Get a channel */
  getChannel: { method: "GET", path: "/api/v1/channels/{id}" },
  /** An incident: monitor, status, assignee, acknowledgement, postmortem, state changes */
  getIncident: { method: "GET", path: "/api/v1/incidents/{id}" },
  /** An incident's timeline: what happened on its own and what people did, oldest first */
  getIncidentTimeline: { method: "GET", path: "/api/v1/incidents/{id}/timeline" },
  /** One invitation */
  getInvitation: { method: "GET", path: "/api/v1/invitations/{id}" },
  /** Liveness */
  getLiveness: { method: "GET", path: "/healthz" },
  /** Get a maintenance window with its next ten occurrences */
  getMaintenanceWindow: { method: "GET", path: "/api/v1/maintenance-windows/{id}" },
  /** Who am I: profile and organizations */
  getMe: { method: "GET", path: "/api/v1/me" },
  /** Prometheus metrics (METRICS_TOKEN, or an API key with metrics:read) */
  getMetrics: { method: "GET", path: "/metrics" },
  /** Get a monitor */
  getMonitor: { method: "GET", path: "/api/v1/monitors/{id}" },
  /** The channels a monitor alerts besides the defaults */
  getMonitorChannels: { method: "GET", path: "/api/v1/monitors/{id}/channels" },
  /** The screenshot a failed browser check took (a result's `screenshot` path) */
  getMonitorScreenshot: { method: "GET", path: "/api/v1/monitors/{id}/screenshots/{region}/{slotAt}" },
  /** The monitor's silence in force, or null */
  getMonitorSilence: { method: "GET", path: "/api/v1/monitors/{id}/silence" },
  /** Last checks and uptime of a page of monitors */
  getMonitorSummaries: { method: "GET", path: "/api/v1/monitors/summaries" },
  /** Uptime over 24 h, 7 d, 30 d and 90 d, from rollups */
  getMonitorUptime: { method: "GET", path: "/api/v1/monitors/{id}/uptime" },
  /** The organization this credential acts in */
  getOrganization: { method: "GET", path: "/api/v1/organization" },
  /** One ping with its stored body */
  getPing: { method: "GET", path: "/api/v1/monitors/{id}/pings/{pingId}" },
  /** The organization's ping key for readable heartbeat ping URLs */
  getPingKey: { method: "GET", path: "/api/v1/ping-key" },
  /** The monitors a remote probe's region checks */
  getProbeAssignments: { method: "GET", path: "/api/v1/probe/assignments" },
  /** Readiness: the database answers, and a probe's region counts it live */
  getReadiness: { method: "GET", path: "/readyz" },
  /** Get a region with its probes' liveness */
  getRegion: { method: "GET", path: "/api/v1/regions/{name}" },
  /** Whether Upblit still waits for its first owner */
  getSetupState: { method: "GET", path: "/api/v1/setup" },
  /** The organization's single sign-on provider */
  getSsoProvider: { method: "GET", path: "/api/v1/sso/provider" },
  /** A badge with the state of a monitor shown on a public page */
  getStatusBadge: { method: "GET", path: "/badge/{monitorId}/status.svg" },
  /** A status page's components as Statuspage-shaped JSON */
  getStatusComponentsJson: { method: "GET", path: "/status/{slug}/api/v2/components.json" },
  /** A public status page's incidents and maintenance as Atom */
  getStatusFeedAtom: { method: "GET", path: "/status/{slug}/feed.atom" },
  /** A public status page's incidents and maintenance as RSS */
  getStatusFeedRss: { method: "GET", path: "/status/{slug}/feed.rss" },
  /** A status page's incidents as Statuspage-shaped JSON */
  getStatusIncidentsJson: { method: "GET", path: "/status/{slug}/api/v2/incidents.json" },
  /** A status page's incidents, unresolved as Statuspage-shaped JSON */
  getStatusIncidentsUnresolvedJson: { method: "GET", path: "/status/{slug}/api/v2/incidents/unresolved.json" },
  /** A status page's status as Statuspage-shaped JSON */
  getStatusJson: { method: "GET", path: "/status/{slug}/api/v2/status.json" },
  /** A status page with its groups and components */
  getStatusPage: { method: "GET", path: "/api/v1/status-pages/{id}" },
  /** One incident with its timeline */
  getStatusPageIncident: { method: "GET", path: "/api/v1/status-pages/{id}/incidents/{incidentId}" },
  /** Uptime report of the page's components for a month or a year */
  getStatusPageReport: { method: "GET", path: "/api/v1/status-pages/{id}/reports" },
  /** A status page's scheduled-maintenances, active as Statuspage-shaped JSON */
  getStatusScheduledMaintenancesActiveJson: { method: "GET", path: "/status/{slug}/api/v2/scheduled-maintenances/active.json" },
  /** A status page's scheduled-maintenances as Statuspage-shaped JSON */
  getStatusScheduledMaintenancesJson: { method: "GET", path: "/status/{slug}/api/v2/scheduled-maintenances.json" },
  /** A status page's scheduled-maintenances, upcoming as Statuspage-shaped JSON */
  getStatusScheduledMaintenancesUpcomingJson: { method: "GET", path: "/status/{slug}/api/v2/scheduled-maintenances/upcoming.json" },
  /** A status page's summary as Statuspage-shaped JSON */
  getStatusSummaryJson: { method: "GET", path: "/status/{slug}/api/v2/summary.json" },
  /** A badge with the 30-day uptime of a monitor shown on a public page */
  getUptimeBadge: { method: "GET", path: "/badge/{monitorId}/uptime-30d.svg" },
  /** Leave the organization */
  leaveOrganization: { method: "POST", path: "/api/v1/members/me/leave" },
  /** List the keys of alert rules */
  listAlertRuleKeys: { method: "GET", path: "/api/v1/alert-rules/keys" },
  /** List alert rules, oldest first */
  listAlertRules: { method: "GET", path: "/api/v1/alert-rules" },
  /** List API keys, newest first */
  listApiKeys: { method: "GET", path: "/api/v1/api-keys" },
  /** List audit log entries, newest first */
  listAuditEntries: { method: "GET", path: "/api/v1/audit-log" },
  /** List the keys of channels */
  listChannelKeys: { method: "GET", path: "/api/v1/channels/keys" },
  /** The kinds of channel this server can deliver to, with their settings' schemas */
  listChannelKinds: { method: "GET", path: "/api/v1/channel-kinds" },
  /** List notification channels */
  listChannels: { method: "GET", path: "/api/v1/channels" },
  /** Deliveries, newest first, with every attempt */
  listDeliveries: { method: "GET", path: "/api/v1/notifications" },
  /** An incident's notes, oldest first */
  listIncidentNotes: { method: "GET", path: "/api/v1/incidents/{id}/notes" },
  /** Incidents, newest first */
  listIncidents: { method: "GET", path: "/api/v1/incidents" },
  /** List this organization's invitations, newest first */
  listInvitations: { method: "GET", path: "/api/v1/invitations" },
  /** Each channel's newest delivery and its latest attempt */
  listLastDeliveryPerChannel: { method: "GET", path: "/api/v1/notifications/last-per-channel" },
  /** Occurrences of every maintenance window in a range, in start order */
  listMaintenanceOccurrences: { method: "GET", path: "/api/v1/maintenance-windows/occurrences" },
  /** List the keys of maintenance windows */
  listMaintenanceWindowKeys: { method: "GET", path: "/api/v1/maintenance-windows/keys" },
  /** List maintenance windows, each with whether it is open and its next occurrence */
  listMaintenanceWindows: { method: "GET", path: "/api/v1/maintenance-windows" },
  /** List the organization's members */
  listMembers: { method: "GET", path: "/api/v1/members" },
  /** State changes of a monitor, newest first */
  listMonitorEvents: { method: "GET", path: "/api/v1/monitors/{id}/events" },
  /** List the keys of monitors */
  listMonitorKeys: { method: "GET", path: "/api/v1/monitors/keys" },
  /** Check results of a monitor, newest first */
  listMonitorResults: { method: "GET", path: "/api/v1/monitors/{id}/results" },
  /** Hourly or daily rollups (checks by outcome, latency min/avg/p95/max) */
  listMonitorRollups: { method: "GET", path: "/api/v1/monitors/{id}/rollups" },
  /** List monitors, newest first */
  listMonitors: { method: "GET", path: "/api/v1/monitors" },
  /** The monitor types this server checks, with their settings' schemas */
  listMonitorTypes: { method: "GET", path: "/api/v1/monitor-types" },
  /** A heartbeat monitor's pings, newest first */
  listPings: { method: "GET", path: "/api/v1/monitors/{id}/pings" },
  /** List probe tokens, newest first */
  listProbeTokens: { method: "GET", path: "/api/v1/probe-tokens" },
  /** List the installation's processes and when each was last seen */
  listProcesses: { method: "GET", path: "/api/v1/system/processes" },
  /** List the organization's regions with their probes' liveness */
  listRegions: { method: "GET", path: "/api/v1/regions" },
  /** List this account's open sessions */
  listSessions: { method: "GET", path: "/api/v1/auth/sessions" },
  /** Which single sign-on providers an email address can use */
  listSsoChoices: { method: "GET", path: "/api/v1/auth/sso/providers" },
  /** The page's custom domains and their verification records */
  listStatusPageDomains: { method: "GET", path: "/api/v1/status-pages/{id}/domains" },
  /** A page's incidents and maintenance announcements, drafts included, newest first */
  listStatusPageIncidents: { method: "GET", path: "/api/v1/status-pages/{id}/incidents" },
  /** An incident's timeline, newest first */
  listStatusPageIncidentUpdates: { method: "GET", path: "/api/v1/status-pages/{id}/incidents/{incidentId}/updates" },
  /** List the keys of status pages */
  listStatusPageKeys: { method: "GET", path: "/api/v1/status-pages/keys" },
  /** The organization's status pages, oldest first */
  listStatusPages: { method: "GET", path: "/api/v1/status-pages" },
  /** The page's email subscribers (confirmed and pending) */
  listStatusPageSubscribers: { method: "GET", path: "/api/v1/status-pages/{id}/subscribers" },
  /** The page's webhook subscriptions (without secrets) */
  listStatusPageWebhooks: { method: "GET", path: "/api/v1/status-pages/{id}/webhooks" },
  /** Sign in with email and password */
  logIn: { method: "POST", path: "/api/v1/auth/login" },
  /** End this session */
  logOut: { method: "POST", path: "/api/v1/auth/logout" },
  /** End every session of this account, this one included */
  logOutEverywhere: { method: "POST", path: "/api/v1/auth/logout-everywhere" },
  /** What an invitation link offers, for the accept page */
  lookUpInvitation: { method: "POST", path: "/api/v1/invitations/lookup" },
  /** Pause a monitor (stops checks, resolves its open incident) */
  pauseMonitor: { method: "POST", path: "/api/v1/monitors/{id}/pause" },
  /** Ping a heartbeat monitor: success */
  pingHeartbeat: { method: "GET", path: "/ping/{token}" },
  /** Ping a heartbeat monitor of this organization by its slug: success */
  pingHeartbeatBySlug: { method: "GET", path: "/api/v1/ping/{slug}" },
  /** Ping a heartbeat monitor of this organization by its slug: success */
  pingHeartbeatBySlugPost: { method: "POST", path: "/api/v1/ping/{slug}" },
  /** Ping a heartbeat monitor of this organization by its slug, with a signal */
  pingHeartbeatBySlugSignal: { method: "GET", path: "/api/v1/ping/{slug}/{signal}" },
  /** Ping a heartbeat monitor of this organization by its slug, with a signal */
  pingHeartbeatBySlugSignalPost: { method: "POST", path: "/api/v1/ping/{slug}/{signal}" },
  /** Ping a heartbeat monitor: success (with a body) */
  pingHeartbeatPost: { method: "POST", path: "/ping/{token}" },
  /** Ping a heartbeat monitor with a signal, or by its slug with the ping key */
  pingHeartbeatSignal: { method: "GET", path: "/ping/{token}/{signal}" },
  /** Ping a heartbeat monitor with a signal, or by its slug with the ping key (with a body) */
  pingHeartbeatSignalPost: { method: "POST", path: "/ping/{token}/{signal}" },
  /** Ping a heartbeat monitor by its slug, with a signal */
  pingHeartbeatSlugSignal: { method: "GET", path: "/ping/{token}/{slug}/{signal}" },
  /** Ping a heartbeat monitor by its slug, with a signal (with a body) */
  pingHeartbeatSlugSignalPost: { method: "POST", path: "/ping/{token}/{slug}/{signal}" },
  /** Report results of claimed slots (and offline results) */
  postProbeResults: { method: "POST", path: "/api/v1/probe/results" },
  /** Preview a channel's messages */
  previewChannel: { method: "POST", path: "/api/v1/channels/{id}/preview" },
  /** The next occurrences a schedule would have, without saving anything */
  previewMaintenanceSchedule: { method: "POST", path: "/api/v1/maintenance-windows/preview" },
  /** Preview the messages of a channel not saved yet */
  previewNewChannel: { method: "POST", path: "/api/v1/channels/preview" },
  /** Publish a draft (a no-op when already published) */
  publishStatusPageIncident: { method: "POST", path: "/api/v1/status-pages/{id}/incidents/{incidentId}/publish" },
  /** Trade a refresh token for a new token pair */
  refreshTokens: { method: "POST", path: "/api/v1/auth/refresh" },
  /** Remove a member */
  removeMember: { method: "DELETE", path: "/api/v1/members/{userId}" },
  /** Release a custom domain of the page */
  removeStatusPageDomain: { method: "DELETE", path: "/api/v1/status-pages/{id}/domains/{domain}" },
  /** Remove a subscriber (no further mail is sent to it) */
  removeStatusPageSubscriber: { method: "DELETE", path: "/api/v1/status-pages/{id}/subscribers/{subscriberId}" },
  /** Replace your recovery codes */
  replaceRecoveryCodes: { method: "POST", path: "/api/v1/me/recovery-codes" },
  /** Ask for a password reset link */
  requestPasswordReset: { method: "POST", path: "/api/v1/auth/password-reset" },
  /** Send a pending or expired invitation again with a new link */
  resendInvitation: { method: "POST", path: "/api/v1/invitations/{id}/resend" },
  /** Resume a paused monitor */
  resumeMonitor: { method: "POST", path: "/api/v1/monitors/{id}/resume" },
  /** Retry several dead letters */
  retryDeliveries: { method: "POST", path: "/api/v1/notifications/retry" },
  /** Retry a dead letter */
  retryDelivery: { method: "POST", path: "/api/v1/notifications/{id}/retry" },
  /** Revoke an API key */
  revokeApiKey: { method: "POST", path: "/api/v1/api-keys/{id}/revoke" },
  /** Revoke an invitation; its link stops working at once */
  revokeInvitation: { method: "POST", path: "/api/v1/invitations/{id}/revoke" },
  /** Revoke a probe token */
  revokeProbeToken: { method: "DELETE", path: "/api/v1/probe-tokens/{id}" },
  /** Rotate an API key */
  rotateApiKey: { method: "POST", path: "/api/v1/api-keys/{id}/rotate" },
  /** Make the organization's ping key, or replace it */
  rotatePingKey: { method: "POST", path: "/api/v1/ping-key" },
  /** Run a fire drill: a simulated down and recovery to every routed channel */
  runFireDrill: { method: "POST", path: "/api/v1/monitors/{id}/drill" },
  /** Set up or change the organization's single sign-on provider */
  saveSsoProvider: { method: "PUT", path: "/api/v1/sso/provider" },
  /** Give a alert rule a key */
  setAlertRuleKey: { method: "PUT", path: "/api/v1/alert-rules/keys/{key}" },
  /** Give a channel a key */
  setChannelKey: { method: "PUT", path: "/api/v1/channels/keys/{key}" },
  /** Give a maintenance window a key */
  setMaintenanceWindowKey: { method: "PUT", path: "/api/v1/maintenance-windows/keys/{key}" },
  /** Set the channels a monitor alerts besides the defaults */
  setMonitorChannels: { method: "PUT", path: "/api/v1/monitors/{id}/channels" },
  /** Give a monitor a key */
  setMonitorKey: { method: "PUT", path: "/api/v1/monitors/keys/{key}" },
  /** Give a status page a key */
  setStatusPageKey: { method: "PUT", path: "/api/v1/status-pages/keys/{key}" },
  /** Create the owner account and the first organization */
  setUp: { method: "POST", path: "/api/v1/setup" },
  /** Silence a monitor's alerts until a time or until it recovers */
  silenceMonitor: { method: "PUT", path: "/api/v1/monitors/{id}/silence" },
  /** Start signing in with a single sign-on provider (a browser navigation) */
  startSsoLogin: { method: "GET", path: "/api/v1/auth/sso/{providerId}/start" },
  /** Start enrolling an authenticator app */
  startTotpEnrollment: { method: "POST", path: "/api/v1/me/totp" },
  /** Live events (Server-Sent Events) */
  streamEvents: { method: "GET", path: "/api/v1/events" },
  /** A status page's live state (Server-Sent Events) */
  streamStatusEvents: { method: "GET", path: "/status/{slug}/events" },
  /** Make this session act in another of your organizations */
  switchOrganization: { method: "POST", path: "/api/v1/auth/switch-organization" },
  /** Send a test message now */
  testChannel: { method: "POST", path: "/api/v1/channels/{id}/test" },
  /** Test a monitor definition without saving it */
  testMonitor: { method: "POST", path: "/api/v1/monitors/test" },
  /** Hand the ownership to another member */
  transferOwnership: { method: "POST", path: "/api/v1/members/{userId}/transfer-ownership" },
  /** Change an alert rule */
  updateAlertRule: { method: "PATCH", path: "/api/v1/alert-rules/{id}" },
  /** Change a channel */
  updateChannel: { method: "PATCH", path: "/api/v1/channels/{id}" },
  /** Assign an incident, set its workflow status, write its postmortem */
  updateIncident: { method: "PATCH", path: "/api/v1/incidents/{id}" },
  /** Change a maintenance window */
  updateMaintenanceWindow: { method: "PATCH", path: "/api/v1/maintenance-windows/{id}" },
  /** Change a member's role */
  updateMember: { method: "PATCH", path: "/api/v1/members/{userId}" },
  /** Change a monitor */
  updateMonitor: { method: "PATCH", path: "/api/v1/monitors/{id}" },
  /** Rename the organization */
  updateOrganization: { method: "PATCH", path: "/api/v1/organization" },
  /** Change a region's kind, description or private-target setting */
  updateRegion: { method: "PATCH", path: "/api/v1/regions/{name}" },
  /** Change a status page */
  updateStatusPage: { method: "PATCH", path: "/api/v1/status-pages/{id}" },
  /** Change an incident's title, impact, components, window or postmortem */
  updateStatusPageIncident: { method: "PATCH", path: "/api/v1/status-pages/{id}/incidents/{incidentId}" },
  /** Create or replace the alert rule with this key */
  upsertAlertRuleByKey: { method: "PUT", path: "/api/v1/alert-rules/by-key/{key}" },
  /** Create or replace the channel with this key */
  upsertChannelByKey: { method: "PUT", path: "/api/v1/channels/by-key/{key}" },
  /** Create or replace the maintenance window with this key */
  upsertMaintenanceWindowByKey: { method: "PUT", path: "/api/v1/maintenance-windows/by-key/{key}" },
  /** Create or replace the monitor with this key */
  upsertMonitorByKey: { method: "PUT", path: "/api/v1/monitors/by-key/{key}" },
  /** Create or replace the status page with this key */
  upsertStatusPageByKey: { method: "PUT", path: "/api/v1/status-pages/by-key/{key}" },
  /** Check the domain's TXT record and mark it verified */
  verifyStatusPageDomain: { method: "POST", path: "/api/v1/status-pages/{id}/domains/{domain}/verify" },
} as const;
