#pragma once

#include <QJsonObject>
#include <QString>

namespace tap::api {

// GET /admin/server: what an admin checks about the tapd answering (tap status): its version,
// database backend and schema version, and the master key's fingerprint (never the key).
struct ServerInfo
{
    QString version;
    QString database; // "sqlite" or "postgres"
    int schemaVersion = 0;
    QString masterKeyFingerprint; // "sha256:" + 16 hex digits

    QJsonObject encode() const;
    static ServerInfo decode(const QJsonObject &o);
};

} // namespace tap::api
