// Generated from the command table, so they never drift: the bash and zsh completion scripts
// (`tap completion bash|zsh`, installed as share/bash-completion/completions/tap and
// share/zsh/vendor-completions/_tap) and the man page
// (tap.1, generated at build time).
#pragma once

#include "args.h"

namespace tap::cli {

QString bashCompletion(const QList<Command> &commands, const QList<Alias> &aliases);
// zsh: `tap completion zsh`, installed as share/zsh/vendor-completions/_tap.
QString zshCompletion(const QList<Command> &commands, const QList<Alias> &aliases);
QString manPage(const QList<Command> &commands, const QList<Alias> &aliases);

} // namespace tap::cli
