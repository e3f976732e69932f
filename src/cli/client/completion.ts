import type { Command } from "commander";

/**
 * `upblit completion bash|zsh`: a completion script made from the command tree, so it knows
 * every command, subcommand and option. Install: `upblit completion bash > /etc/bash_completion.d/upblit`
 * or `source <(upblit completion zsh)` in ~/.zshrc.
 */
export function completionScript(program: Command, shell: "bash" | "zsh"): string {
  const cases: string[] = [];
  const walk = (cmd: Command, words: string[]) => {
    const subs = cmd.commands.map((c) => c.name());
    const opts = cmd.options.map((o) => o.long).filter((o): o is string => Boolean(o));
    cases.push(`    "${words.join(" ")}") opts="${[...subs, ...opts, "--help"].join(" ")}" ;;`);
    for (const sub of cmd.commands) walk(sub, [...words, sub.name()]);
  };
  walk(program, []);
  const bash = `# upblit completion (${shell})
_upblit() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" w opts=""
  for w in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case "$w" in -*) ;; *) path="\${path:+$path }$w" ;; esac
  done
  while :; do
    case "$path" in
${cases.join("\n")}
    *) if [ "$path" = "\${path% *}" ]; then path=""; else path="\${path% *}"; fi; continue ;;
    esac
    break
  done
  COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
}
complete -F _upblit upblit
`;
  return shell === "zsh" ? `autoload -U +X bashcompinit && bashcompinit\n${bash}` : bash;
}

export function registerCompletion(program: Command): void {
  program
    .command("completion")
    .description("Print a shell completion script (bash or zsh)")
    .argument("[shell]", "bash or zsh", "bash")
    .action((shell: string) => {
      if (shell !== "bash" && shell !== "zsh") {
        process.stderr.write("upblit: completion is for bash or zsh\n");
        process.exit(2);
      }
      process.stdout.write(completionScript(program, shell));
    });
}
