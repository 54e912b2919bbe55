#pragma once

#include "core/result.h"
#include "store/database.h"
#include "store/rows.h"

#include <optional>

namespace tap::store {

// Credentials (metadata and sealed values) and their policies, always within one team.
// Values go in and out sealed; sealing with the row's AAD is the caller's job (Vault).
class CredentialStore
{
public:
    explicit CredentialStore(Database &db) : m_db(db) { }

    core::Result<void> create(const CredentialRow &row, const QByteArray &sealedValue);
    core::Result<QList<CredentialRow>> list(const QString &teamId);
    // Looks a credential up by name and scope (team scope by default).
    core::Result<std::optional<CredentialRow>>
    byName(const QString &teamId, const QString &name,
           const QString &scopeKind = QStringLiteral("team"), const QString &scopeId = QString());
    core::Result<void> update(const CredentialRow &row);
    core::Result<void> setSealedValue(const QString &teamId, const QString &credentialId,
                                      const QByteArray &sealed, qint64 now);
    core::Result<QByteArray> sealedValue(const QString &teamId, const QString &credentialId);
    core::Result<void> remove(const QString &teamId, const QString &credentialId);

    struct Usage
    {
        QStringList roles; // roles granting it
        QStringList agents; // agents it is assigned to directly
        bool hasPolicy = false;
    };
    core::Result<Usage> usage(const QString &teamId, const QString &credentialId);

    core::Result<void> putPolicy(const QString &teamId, const QString &credentialId,
                                 const PolicyRow &policy);
    core::Result<std::optional<PolicyRow>> policy(const QString &teamId,
                                                  const QString &credentialId);
    core::Result<bool> removePolicy(const QString &teamId, const QString &credentialId);

private:
    Database &m_db;
};

// The credential columns in the order readCredentialRow() reads them (15 values), optionally
// qualified by a table alias.
QString credentialColumns(const QString &alias);
CredentialRow readCredentialRow(const class QSqlQuery &query);

// JSON text columns holding string lists.
QString encodeList(const QStringList &list);
QStringList decodeList(const QString &json);

} // namespace tap::store
