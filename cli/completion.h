// Generated from the command table, so they never drift: the bash completion script
// (`tap completion bash`, installed as share/bash-completion/completions/tap) and the man page
// (tap.1, generated at build time).
#pragma once

#include "args.h"

namespace tap::cli {

QString bashCompletion(const QList<Command> &commands, const QList<Alias> &aliases);
QString manPage(const QList<Command> &commands, const QList<Alias> &aliases);

} // namespace tap::cli
