import { alerting } from "../../i18n/en/alerting.ts";
import { addMessages } from "../../i18n/index.ts";

// The alerting screens' texts travel with their chunks, not in the first bundle (i18n/index.ts).
addMessages(alerting);
