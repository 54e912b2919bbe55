// The machine-local side of `tap init`: tapd's data directory and master key, in the same
// layout and with the same permissions as tapd itself (service/app/config.cpp, app.cpp,
// common/crypto/masterkey.cpp: directory 0700, key file 0600 holding 64 hex digits), and the
// verification code that tapd writes to its mail outbox when no SMTP server is set
// (service/channels/mailer.cpp: <outbox>/<ms>-<hex>.eml). No network and no store here.
#pragma once

#include <QString>

namespace tap::cli::local {

// tapd's defaults, read from the same environment variables as tapd.
QString defaultDataDir(); // TAP_DATA_DIR, else $XDG_DATA_HOME/tap, else ~/.local/share/tap
QString masterKeyFile(const QString &dataDir); // TAP_MASTER_KEY_FILE, else <dir>/master.key
QString outboxDir(const QString &dataDir); // TAP_MAIL_OUTBOX, else <dir>/outbox
// The SQLite file tapd uses (TAP_DATABASE_URL sqlite:PATH, else <dir>/tap.db); empty when
// TAP_DATABASE_URL names another database.
QString sqliteFile(const QString &dataDir);

struct Step
{
    bool ok = true;
    bool changed = false;
    QString status; // "created", "tightened", "in_place", "environment"
    QString error; // one line, when !ok
    QString fingerprint; // master key only
};

// Creates the directory 0700, or checks an existing one (a directory, the caller's, and
// tightened to 0700 as tapd does on start).
Step ensureDataDir(const QString &dir);
// Checks an existing key file (regular, owner-only, 64 hex digits), or creates one the way
// tapd does (O_EXCL, 0600, 32 random bytes as hex) unless `databaseFile` already exists: a new
// key could not open that database's secrets. TAP_MASTER_KEY in the environment wins, as in
// tapd. The fingerprint is the first 16 hex digits of SHA-256 of the 32 key bytes.
Step ensureMasterKey(const QString &keyFile, const QString &databaseFile);
QString fingerprint(const QByteArray &rawKey);

// The newest verification code mailed to `email` in `outbox` ("" when none) and its file name,
// which grows with time (to tell a new mail from an old one). `error` is set when the outbox
// exists but cannot be read.
struct Mail
{
    QString file;
    QString code;
};
Mail latestCode(const QString &outbox, const QString &email, QString *error);

} // namespace tap::cli::local
