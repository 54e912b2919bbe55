#include "store/connectstore.h"

#include <QSqlQuery>

namespace tap::store {

using core::Result;

Result<void> ConnectStore::put(const ConnectStateRow &r, qint64 now)
{
    return m_db.transaction([&]() -> Result<void> {
        if (auto d = m_db.exec(QStringLiteral("DELETE FROM oauth_connect_states WHERE "
                                              "expires_at <= ?"),
                               { now });
            !d)
            return d.error();
        auto q = m_db.exec(
                QStringLiteral("INSERT INTO oauth_connect_states (state_hash, team_id, "
                               "credential_name, scope_kind, scope_id, credential_id, "
                               "template_id, user_id, user_email, user_role, redirect_uri, "
                               "sealed_verifier, created_at, expires_at) VALUES (?, ?, ?, ?, ?, "
                               "?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                { r.stateHash, r.teamId, r.credentialName, r.scopeKind, r.scopeId, r.credentialId,
                  r.templateId, r.userId, r.userEmail, r.userRole, r.redirectUri, r.sealedVerifier,
                  r.createdAt, r.expiresAt });
        return q ? Result<void>() : Result<void>(q.error());
    });
}

Result<std::optional<ConnectStateRow>> ConnectStore::take(const QString &stateHash)
{
    std::optional<ConnectStateRow> out;
    auto txn = m_db.transaction([&]() -> Result<void> {
        out.reset();
        auto q = m_db.exec(QStringLiteral("SELECT team_id, credential_name, scope_kind, "
                                          "scope_id, credential_id, template_id, user_id, "
                                          "user_email, user_role, redirect_uri, "
                                          "sealed_verifier, created_at, expires_at FROM "
                                          "oauth_connect_states WHERE state_hash = ?"),
                           { stateHash });
        if (!q)
            return q.error();
        if (!q->next())
            return {};
        ConnectStateRow row;
        row.stateHash = stateHash;
        row.teamId = q->value(0).toString();
        row.credentialName = q->value(1).toString();
        row.scopeKind = q->value(2).toString();
        row.scopeId = q->value(3).toString();
        row.credentialId = q->value(4).toString();
        row.templateId = q->value(5).toString();
        row.userId = q->value(6).toString();
        row.userEmail = q->value(7).toString();
        row.userRole = q->value(8).toString();
        row.redirectUri = q->value(9).toString();
        row.sealedVerifier = q->value(10).toByteArray();
        row.createdAt = q->value(11).toLongLong();
        row.expiresAt = q->value(12).toLongLong();
        // Single use: of two concurrent callbacks with one state only one deletes the row.
        auto del = m_db.exec(QStringLiteral("DELETE FROM oauth_connect_states WHERE "
                                            "state_hash = ?"),
                             { stateHash });
        if (!del)
            return del.error();
        if (del->numRowsAffected() == 1)
            out = std::move(row);
        return {};
    });
    if (!txn)
        return txn.error();
    return out;
}

Result<void> ConnectStore::forgetGrant(const QString &teamId, const QString &credentialId)
{
    return m_db.transaction([&]() -> Result<void> {
        if (auto r = m_db.exec(QStringLiteral("UPDATE credentials SET oauth_state = '' WHERE "
                                              "team_id = ? AND id = ?"),
                               { teamId, credentialId });
            !r)
            return r.error();
        // The lease stays as it is: a refresh in flight finishes and its waiters see a new
        // generation.
        auto r = m_db.exec(QStringLiteral("UPDATE oauth_tokens SET sealed_access_token = NULL, "
                                          "expires_at = 0, generation = generation + 1 WHERE "
                                          "team_id = ? AND credential_id = ?"),
                           { teamId, credentialId });
        return r ? Result<void>() : Result<void>(r.error());
    });
}

} // namespace tap::store
