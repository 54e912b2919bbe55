#pragma once

#include "core/result.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QStringList>

#include <optional>

namespace tap::api {

// An agent as GET /admin/agents[/{id}] shows it. rateLimitPerHour <= 0: no limit (null).
struct Agent
{
    QString id;
    QString description;
    bool enabled = true;
    int rateLimitPerHour = -1;
    QStringList credentials;
    QStringList roles;
    QStringList effectiveCredentials;
    QString createdAt;
    QString updatedAt;
    QString createdBy; // the member's email; empty: unknown or removed (null)
    // effective_scopes: per effective credential, the row it resolves to ("agent:<id>",
    // "role:<name>", "team"; "conflict" when two of the agent's roles define it).
    QMap<QString, QString> effectiveScopes;

    QJsonObject encode() const;
    static Agent decode(const QJsonObject &object); // lenient
    bool operator==(const Agent &) const = default;
};

struct AgentList
{
    QList<Agent> items;
    QJsonObject encode() const; // {"agents": [...]}
    static AgentList decode(const QJsonObject &object);
};

// POST /admin/agents (Create: id required) or PATCH /admin/agents/{id} (Update: no id; only
// the fields sent change, a null list or limit clears it).
struct AgentInput
{
    enum class Mode { Create, Update };

    QString id; // Create only
    std::optional<QString> description;
    std::optional<QStringList> credentials; // credential names
    std::optional<QStringList> roles; // role names
    std::optional<int> rateLimitPerHour; // -1: no limit

    static core::Result<AgentInput> decode(const QJsonObject &body, Mode mode);
    QJsonObject encode() const;
};

// The answer of creating an agent or rotating its key: the key is shown this once.
struct AgentKey
{
    QString id;
    QString apiKey;
    QJsonObject encode() const;
    static AgentKey decode(const QJsonObject &object);
};

// POST /admin/agents/{id}/enable|disable.
struct AgentEnabled
{
    QString id;
    bool enabled = true;
    QJsonObject encode() const;
};

// A role (RBAC): a named set of credentials with an optional rate limit.
struct Role
{
    QString name;
    QString description;
    QStringList credentials;
    int rateLimitPerHour = -1;
    QString createdAt;

    QJsonObject encode() const;
    static Role decode(const QJsonObject &object);
    bool operator==(const Role &) const = default;
};

struct RoleList
{
    QList<Role> items;
    QJsonObject encode() const; // {"roles": [...]}
    static RoleList decode(const QJsonObject &object);
};

// POST /admin/roles (Create: name required) or PUT /admin/roles/{name} (Replace: every field
// replaced; a "name" must be the role's own).
struct RoleInput
{
    enum class Mode { Create, Replace };

    QString name;
    QString description;
    QStringList credentials;
    int rateLimitPerHour = -1;

    static core::Result<RoleInput> decode(const QJsonObject &body, Mode mode,
                                          const QString &currentName = {});
    QJsonObject encode() const;
};

// A cross-team agent link: an agent of another team (its home) may use this team's
// credentials through `role`.
struct Link
{
    QString teamId;
    QString agentHomeTeamId;
    QString agentId;
    QString role; // empty: none (null)
    QString createdBy; // email; empty: unknown (null)
    QString createdAt;
    // Team credentials assigned to the linked agent directly in this team (README "Credential scopes").
    QStringList credentials = {};

    // `withWarning`: the create answer says what a link without a role means.
    QJsonObject encode(bool withWarning = false) const;
    static Link decode(const QJsonObject &object);
    bool operator==(const Link &) const = default;
};

// The answer of POST /admin/agent-links: the link, with the warning when it has no role.
struct CreatedLink
{
    Link link;
    QJsonObject encode() const { return link.encode(true); }
};

struct LinkList
{
    QList<Link> items;
    QJsonObject encode() const; // {"links": [...]}
    static LinkList decode(const QJsonObject &object);
};

// POST /admin/agent-links.
struct LinkInput
{
    QString agentHomeTeamId;
    QString agentId;
    QString role;
    std::optional<QStringList> credentials = std::nullopt; // direct assignments (names)

    static core::Result<LinkInput> decode(const QJsonObject &body);
    QJsonObject encode() const;
};

// PUT /admin/agent-links/{home team}/{agent}/credentials: {"credentials": [name, ...]}, the
// team credentials the linked agent gets directly in this team (replacing the previous ones).
struct LinkCredentialsInput
{
    QStringList credentials;
    static core::Result<LinkCredentialsInput> decode(const QJsonObject &body);
};

} // namespace tap::api
