/** This build's version: `upblit --version`, and what each process reports (system/processes). */
export const VERSION = "0.1.0";
