/** Adds the settings screens' messages when their code loads (see i18n/en/settings.ts). */
import { settings } from "../i18n/en/settings.ts";
import { addMessages } from "../i18n/index.ts";

addMessages(settings);
