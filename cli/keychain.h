// The system keychain through QtKeychain, synchronously (a command runs one call at a time).
// The same entries as tap-console (console/session/secretstore.cpp): service "tap-console",
// key "URL|EMAIL" (Profile::key(), cli/session.h), without QtKeychain's plain-text fallback.
#pragma once

#include <QString>

namespace tap::cli::keychain {

struct Result
{
    enum class Status { Ok, NotFound, Unavailable };
    Status status = Status::Unavailable;
    QString value; // read(): the stored text
    QString error; // why the keychain could not be used (Unavailable)

    bool ok() const { return status == Status::Ok; }
};

extern const QString kService; // "tap-console"

Result read(const QString &key);
Result write(const QString &key, const QString &value);
// Ok also when there was no entry.
Result remove(const QString &key);

} // namespace tap::cli::keychain
