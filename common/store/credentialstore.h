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
    // Every scope, optionally only one scope kind and/or scope id.
    core::Result<QList<CredentialRow>> list(const QString &teamId,
                                            const std::optional<QString> &scopeKind = {},
                                            const std::optional<QString> &scopeId = {});
    // Looks a credential up by name and scope (team scope by default).
    core::Result<std::optional<CredentialRow>>
    byName(const QString &teamId, const QString &name,
           const QString &scopeKind = QStringLiteral("team"), const QString &scopeId = QString());
    core::Result<void> update(const CredentialRow &row);
    // `partsSet`: the names of a signing kind's parts in the sealed object (empty for static).
    core::Result<void> setSealedValue(const QString &teamId, const QString &credentialId,
                                      const QByteArray &sealed, qint64 now,
                                      const QStringList &partsSet = {});
    core::Result<QByteArray> sealedValue(const QString &teamId, const QString &credentialId);
    // Deletes one row; the name's policy moves to another row of the name if one stays.
    core::Result<void> remove(const QString &teamId, const QString &credentialId);
    // Deletes every row of one scope (a role's or an agent's), answering what was deleted.
    core::Result<QList<CredentialRow>> removeScope(const QString &teamId, const QString &scopeKind,
                                                   const QString &scopeId);
    // An agent's rows: in its home team and, as "<home>/<agent>", in every team it is linked to.
    core::Result<QList<CredentialRow>> removeAgentScopes(const QString &homeTeamId,
                                                         const QString &agentId);

    struct Usage
    {
        QStringList roles; // roles granting it
        QStringList agents; // agents it is assigned to directly
        bool hasPolicy = false;
    };
    core::Result<Usage> usage(const QString &teamId, const QString &credentialId);

    // Policies are per name (one covers every scope of the name); `credentialId` is any row of
    // the name.
    core::Result<void> putPolicy(const QString &teamId, const QString &credentialId,
                                 const PolicyRow &policy);
    core::Result<std::optional<PolicyRow>> policy(const QString &teamId,
                                                  const QString &credentialId);
    core::Result<bool> removePolicy(const QString &teamId, const QString &credentialId);

private:
    core::Result<void> removeRow(const QString &teamId, const QString &credentialId);
    core::Result<void> writePolicy(const QString &teamId, const QString &credentialId,
                                   const PolicyRow &policy);

    Database &m_db;
};

// The credential columns in the order readCredentialRow() reads them (19 values), optionally
// qualified by a table alias.
QString credentialColumns(const QString &alias);
CredentialRow readCredentialRow(const class QSqlQuery &query);

// JSON text columns holding string lists.
QString encodeList(const QStringList &list);
QStringList decodeList(const QString &json);

} // namespace tap::store
