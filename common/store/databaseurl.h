#pragma once

#include "core/result.h"

#include <QString>

namespace tap::store {

enum class Backend { Sqlite, Postgres };

// A parsed --database value: `sqlite:PATH` or `postgres://user:pass@host:port/db[?options]`
// (`postgresql://` is accepted too). Options are passed to libpq as connect options
// (e.g. sslmode=require); `host=/run/postgresql` selects a Unix socket directory.
struct DatabaseUrl
{
    Backend backend = Backend::Sqlite;
    QString path; // SQLite file
    QString host;
    int port = 5432;
    QString user;
    QString password;
    QString databaseName;
    QString connectOptions; // "k=v;k=v" for QPSQL

    static core::Result<DatabaseUrl> parse(const QString &url);
    // The URL with the password replaced by "***", for logs and messages.
    QString redacted() const;
};

} // namespace tap::store
