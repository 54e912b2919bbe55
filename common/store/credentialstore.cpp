#include "store/credentialstore.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace tap::store {

using core::Error;
using core::ErrorCode;
using core::Result;

QString encodeList(const QStringList &list)
{
    return QString::fromUtf8(
            QJsonDocument(QJsonArray::fromStringList(list)).toJson(QJsonDocument::Compact));
}

QStringList decodeList(const QString &json)
{
    QStringList out;
    for (const QJsonValue &v : QJsonDocument::fromJson(json.toUtf8()).array())
        out << v.toString();
    return out;
}

QString credentialColumns(const QString &alias)
{
    static const QStringList columns{ QStringLiteral("id"),
                                      QStringLiteral("team_id"),
                                      QStringLiteral("name"),
                                      QStringLiteral("scope_kind"),
                                      QStringLiteral("scope_id"),
                                      QStringLiteral("description"),
                                      QStringLiteral("connector"),
                                      QStringLiteral("api_base"),
                                      QStringLiteral("relative_target"),
                                      QStringLiteral("auth_header_format"),
                                      QStringLiteral("allowed_hosts"),
                                      QStringLiteral("body_placeholder_fields") };
    const QString prefix = alias.isEmpty() ? QString() : alias + u'.';
    QStringList out;
    for (const QString &c : columns)
        out << prefix + c;
    out << prefix + QStringLiteral("encrypted_value IS NOT NULL")
        << prefix + QStringLiteral("created_at") << prefix + QStringLiteral("updated_at")
        << prefix + QStringLiteral("kind") << prefix + QStringLiteral("kind_settings")
        << prefix + QStringLiteral("parts_set") << prefix + QStringLiteral("oauth_state");
    return out.join(QStringLiteral(", "));
}

CredentialRow readCredentialRow(const QSqlQuery &q)
{
    CredentialRow r;
    r.id = q.value(0).toString();
    r.teamId = q.value(1).toString();
    r.name = q.value(2).toString();
    r.scopeKind = q.value(3).toString();
    r.scopeId = q.value(4).toString();
    r.description = q.value(5).toString();
    r.connector = q.value(6).toString();
    r.apiBase = q.value(7).toString();
    r.relativeTarget = q.value(8).toInt() != 0;
    r.authHeaderFormat = q.value(9).toString();
    r.allowedHosts = decodeList(q.value(10).toString());
    r.bodyPlaceholderFields = decodeList(q.value(11).toString());
    r.hasValue = q.value(12).toBool();
    r.createdAt = q.value(13).toLongLong();
    r.updatedAt = q.value(14).toLongLong();
    r.kind = q.value(15).toString();
    r.kindSettings = QJsonDocument::fromJson(q.value(16).toString().toUtf8()).object();
    r.partsSet = decodeList(q.value(17).toString());
    r.oauthState = q.value(18).toString();
    return r;
}

namespace {

QString encodeObject(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QVariant nullIfEmpty(const QString &s)
{
    return s.isEmpty() ? QVariant() : QVariant(s);
}

QVariant nullIfEmpty(const QByteArray &b)
{
    return b.isEmpty() ? QVariant(QMetaType(QMetaType::QByteArray)) : QVariant(b);
}

// The ids of every row with the same name as the row (team_id, id) bound after it: policies
// are per name. Binds: team id, credential id.
QString sameName()
{
    return QStringLiteral("(SELECT n.id FROM credentials n JOIN credentials c ON c.team_id = "
                          "n.team_id AND c.name = n.name WHERE c.team_id = ? AND c.id = ?)");
}

} // namespace

Result<void> CredentialStore::create(const CredentialRow &r, const QByteArray &sealedValue)
{
    auto q = m_db.exec(QStringLiteral("INSERT INTO credentials (id, team_id, name, scope_kind, "
                                      "scope_id, description, connector, "
                                      "api_base, relative_target, auth_header_format, "
                                      "allowed_hosts, body_placeholder_fields, "
                                      "encrypted_value, created_at, updated_at, kind, "
                                      "kind_settings, parts_set) VALUES (?, ?, ?, ?, ?, ?, ?, "
                                      "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                       { r.id, r.teamId, r.name, r.scopeKind, r.scopeId, r.description, r.connector,
                         nullIfEmpty(r.apiBase), r.relativeTarget ? 1 : 0, r.authHeaderFormat,
                         encodeList(r.allowedHosts), encodeList(r.bodyPlaceholderFields),
                         nullIfEmpty(sealedValue), r.createdAt, r.updatedAt, r.kind,
                         encodeObject(r.kindSettings), encodeList(r.partsSet) });
    if (!q)
        return q.error().code() == ErrorCode::Conflict
                ? Error(ErrorCode::Conflict,
                        r.scopeKind == u"team"
                                ? QStringLiteral("A credential named \"%1\" already exists.")
                                          .arg(r.name)
                                : QStringLiteral("A credential named \"%1\" already exists for "
                                                 "%2 \"%3\".")
                                          .arg(r.name, r.scopeKind, r.scopeId))
                : q.error();
    return {};
}

Result<QList<CredentialRow>> CredentialStore::list(const QString &teamId,
                                                   const std::optional<QString> &scopeKind,
                                                   const std::optional<QString> &scopeId)
{
    QString where;
    QVariantList binds{ teamId };
    if (scopeKind) {
        where += QStringLiteral(" AND scope_kind = ?");
        binds << *scopeKind;
    }
    if (scopeId) {
        where += QStringLiteral(" AND scope_id = ?");
        binds << *scopeId;
    }
    auto q = m_db.exec(QStringLiteral("SELECT ") + credentialColumns(QString())
                               + QStringLiteral(" FROM credentials WHERE team_id = ?") + where
                               + QStringLiteral(" ORDER BY name, scope_kind, scope_id"),
                       binds);
    if (!q)
        return q.error();
    QList<CredentialRow> out;
    while (q->next())
        out.append(readCredentialRow(*q));
    return out;
}

Result<std::optional<CredentialRow>> CredentialStore::byName(const QString &teamId,
                                                             const QString &name,
                                                             const QString &scopeKind,
                                                             const QString &scopeId)
{
    auto q = m_db.exec(QStringLiteral("SELECT ") + credentialColumns(QString())
                               + QStringLiteral(" FROM credentials WHERE team_id = ? AND name = ? "
                                                "AND scope_kind = ? AND scope_id = ?"),
                       { teamId, name, scopeKind, scopeId });
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<CredentialRow>();
    return std::optional<CredentialRow>(readCredentialRow(*q));
}

Result<void> CredentialStore::update(const CredentialRow &r)
{
    auto q = m_db.exec(QStringLiteral("UPDATE credentials SET description = ?, connector = ?, "
                                      "api_base = ?, relative_target = ?, "
                                      "auth_header_format = ?, allowed_hosts = ?, "
                                      "body_placeholder_fields = ?, updated_at = ?, "
                                      "kind_settings = ? WHERE team_id = ? AND id = ?"),
                       { r.description, r.connector, nullIfEmpty(r.apiBase),
                         r.relativeTarget ? 1 : 0, r.authHeaderFormat, encodeList(r.allowedHosts),
                         encodeList(r.bodyPlaceholderFields), r.updatedAt,
                         encodeObject(r.kindSettings), r.teamId, r.id });
    if (!q)
        return q.error();
    return {};
}

Result<void> CredentialStore::setSealedValue(const QString &teamId, const QString &credentialId,
                                             const QByteArray &sealed, qint64 now,
                                             const QStringList &partsSet)
{
    // A new value clears oauth2's reauth_required and its cached access token (the client or
    // the grant may have changed).
    return m_db.transaction([&]() -> Result<void> {
        auto q = m_db.exec(QStringLiteral("UPDATE credentials SET encrypted_value = ?, "
                                          "updated_at = ?, parts_set = ?, oauth_state = '' "
                                          "WHERE team_id = ? AND id = ?"),
                           { sealed, now, encodeList(partsSet), teamId, credentialId });
        if (!q)
            return q.error();
        auto d = m_db.exec(QStringLiteral("DELETE FROM oauth_tokens WHERE team_id = ? AND "
                                          "credential_id = ?"),
                           { teamId, credentialId });
        if (!d)
            return d.error();
        return {};
    });
}

Result<QByteArray> CredentialStore::sealedValue(const QString &teamId, const QString &credentialId)
{
    auto q = m_db.exec(
            QStringLiteral("SELECT encrypted_value FROM credentials WHERE team_id = ? AND id = ?"),
            { teamId, credentialId });
    if (!q)
        return q.error();
    if (!q->next() || q->value(0).isNull())
        return Error(ErrorCode::NotFound, QStringLiteral("The credential has no value."));
    return q->value(0).toByteArray();
}

// Deletes one row. Policies belong to the name (README "Credentials": one policy covers every
// scope of a name in the team) but are stored with one of its rows: when that row goes and
// another row of the name stays, the policy moves to it. Run inside a transaction.
Result<void> CredentialStore::removeRow(const QString &teamId, const QString &credentialId)
{
    auto other = m_db.exec(QStringLiteral("SELECT o.id FROM credentials c JOIN credentials o ON "
                                          "o.team_id = c.team_id AND o.name = c.name AND o.id <> "
                                          "c.id WHERE c.team_id = ? AND c.id = ? ORDER BY "
                                          "o.created_at, o.id"),
                           { teamId, credentialId });
    if (!other)
        return other.error();
    if (other->next()) {
        auto moved = m_db.exec(QStringLiteral("UPDATE policies SET credential_id = ? WHERE "
                                              "team_id = ? AND credential_id = ?"),
                               { other->value(0).toString(), teamId, credentialId });
        if (!moved)
            return moved.error();
    }
    auto q = m_db.exec(QStringLiteral("DELETE FROM credentials WHERE team_id = ? AND id = ?"),
                       { teamId, credentialId });
    if (!q)
        return q.error();
    return {};
}

Result<void> CredentialStore::remove(const QString &teamId, const QString &credentialId)
{
    return m_db.transaction([&] { return removeRow(teamId, credentialId); });
}

Result<QList<CredentialRow>> CredentialStore::removeScope(const QString &teamId,
                                                          const QString &scopeKind,
                                                          const QString &scopeId)
{
    QList<CredentialRow> removed;
    auto r = m_db.transaction([&]() -> Result<void> {
        auto rows = list(teamId, scopeKind, scopeId);
        if (!rows)
            return rows.error();
        for (const CredentialRow &row : rows.value()) {
            if (auto d = removeRow(teamId, row.id); !d)
                return d;
        }
        removed = rows.value();
        return {};
    });
    if (!r)
        return r.error();
    return removed;
}

Result<QList<CredentialRow>> CredentialStore::removeAgentScopes(const QString &homeTeamId,
                                                                const QString &agentId)
{
    auto home = removeScope(homeTeamId, QStringLiteral("agent"), agentId);
    if (!home)
        return home.error();
    // Its rows in the teams it is linked into (scope id "<home team>/<agent>").
    auto linked = m_db.exec(QStringLiteral("SELECT DISTINCT team_id FROM credentials WHERE "
                                           "scope_kind = 'agent' AND scope_id = ?"),
                            { QString(homeTeamId + u'/' + agentId) });
    if (!linked)
        return linked.error();
    QStringList teams;
    while (linked->next())
        teams << linked->value(0).toString();
    QList<CredentialRow> out = home.value();
    for (const QString &team : std::as_const(teams)) {
        auto rows = removeScope(team, QStringLiteral("agent"), homeTeamId + u'/' + agentId);
        if (!rows)
            return rows.error();
        out += rows.value();
    }
    return out;
}

Result<CredentialStore::Usage> CredentialStore::usage(const QString &teamId,
                                                      const QString &credentialId)
{
    Usage u;
    auto roles = m_db.exec(QStringLiteral("SELECT role_name FROM role_credentials WHERE team_id = "
                                          "? AND credential_id = ? "
                                          "ORDER BY role_name"),
                           { teamId, credentialId });
    if (!roles)
        return roles.error();
    while (roles->next())
        u.roles << roles->value(0).toString();
    auto agents = m_db.exec(QStringLiteral("SELECT agent_id FROM agent_credentials WHERE team_id = "
                                           "? AND credential_id = ? "
                                           "ORDER BY agent_id"),
                            { teamId, credentialId });
    if (!agents)
        return agents.error();
    while (agents->next())
        u.agents << agents->value(0).toString();
    auto policy = m_db.exec(QStringLiteral("SELECT 1 FROM policies WHERE team_id = ? AND "
                                           "credential_id IN ")
                                    + sameName(),
                            { teamId, teamId, credentialId });
    if (!policy)
        return policy.error();
    u.hasPolicy = policy->next();
    return u;
}

Result<void> CredentialStore::putPolicy(const QString &teamId, const QString &credentialId,
                                        const PolicyRow &p)
{
    return m_db.transaction([&] { return writePolicy(teamId, credentialId, p); });
}

// One policy per name: the name's previous one (on whichever row) is replaced.
Result<void> CredentialStore::writePolicy(const QString &teamId, const QString &credentialId,
                                          const PolicyRow &p)
{
    auto drop = m_db.exec(QStringLiteral("DELETE FROM policies WHERE team_id = ? AND "
                                         "credential_id IN ")
                                  + sameName(),
                          { teamId, teamId, credentialId });
    if (!drop)
        return drop.error();
    auto q = m_db.exec(
            QStringLiteral("INSERT INTO policies (team_id, credential_id, auto_approve_methods, "
                           "require_approval_methods, "
                           "auto_approve_urls, allowed_approvers, telegram_chat_id, "
                           "matrix_room_id, approval_channel, "
                           "require_passkey, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                           "ON CONFLICT (team_id, credential_id) DO UPDATE SET "
                           "auto_approve_methods = excluded.auto_approve_methods, "
                           "require_approval_methods = excluded.require_approval_methods, "
                           "auto_approve_urls = excluded.auto_approve_urls, allowed_approvers = "
                           "excluded.allowed_approvers, "
                           "telegram_chat_id = excluded.telegram_chat_id, matrix_room_id = "
                           "excluded.matrix_room_id, "
                           "approval_channel = excluded.approval_channel, require_passkey = "
                           "excluded.require_passkey, "
                           "updated_at = excluded.updated_at"),
            { teamId, credentialId, encodeList(p.autoApproveMethods),
              encodeList(p.requireApprovalMethods), encodeList(p.autoApproveUrls),
              encodeList(p.allowedApprovers), nullIfEmpty(p.telegramChatId),
              nullIfEmpty(p.matrixRoomId), nullIfEmpty(p.approvalChannel), p.requirePasskey ? 1 : 0,
              p.updatedAt });
    if (!q)
        return q.error();
    return {};
}

Result<std::optional<PolicyRow>> CredentialStore::policy(const QString &teamId,
                                                         const QString &credentialId)
{
    auto q = m_db.exec(QStringLiteral("SELECT auto_approve_methods, require_approval_methods, "
                                      "auto_approve_urls, allowed_approvers, "
                                      "telegram_chat_id, matrix_room_id, approval_channel, "
                                      "require_passkey, updated_at "
                                      "FROM policies WHERE team_id = ? AND credential_id IN ")
                               + sameName(),
                       { teamId, teamId, credentialId });
    if (!q)
        return q.error();
    if (!q->next())
        return std::optional<PolicyRow>();
    PolicyRow p;
    p.autoApproveMethods = decodeList(q->value(0).toString());
    p.requireApprovalMethods = decodeList(q->value(1).toString());
    p.autoApproveUrls = decodeList(q->value(2).toString());
    p.allowedApprovers = decodeList(q->value(3).toString());
    p.telegramChatId = q->value(4).toString();
    p.matrixRoomId = q->value(5).toString();
    p.approvalChannel = q->value(6).toString();
    p.requirePasskey = q->value(7).toInt() != 0;
    p.updatedAt = q->value(8).toLongLong();
    return std::optional<PolicyRow>(p);
}

Result<bool> CredentialStore::removePolicy(const QString &teamId, const QString &credentialId)
{
    auto q = m_db.exec(QStringLiteral("DELETE FROM policies WHERE team_id = ? AND "
                                      "credential_id IN ")
                               + sameName(),
                       { teamId, teamId, credentialId });
    if (!q)
        return q.error();
    return q->numRowsAffected() > 0;
}

} // namespace tap::store
