// `tap migrate`: copies a TAP database into another one (SQLite → PostgreSQL), offline, with the
// master key. The only command that links the store: it lives in its own library
// (tap_cli_migrate) and is added to the command table by main.cpp, so tap_cli stays an admin-API
// client.
#pragma once

#include "args.h"

namespace tap::cli {

QList<Command> migrateCommands();

} // namespace tap::cli
