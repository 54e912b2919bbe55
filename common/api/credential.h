#pragma once

#include "api/credentialkind.h"
#include "api/enums.h"
#include "core/result.h"

#include <QJsonObject>
#include <QStringList>
#include <QUrlQuery>

#include <optional>

namespace tap::api {

// Which row of a name (README "Credential scopes"): the team's, a role's or an
// agent's. In bodies and answers the keys scope_kind / scope_id (null for team); to address a
// non-team row, the same two query parameters.
struct CredentialScope
{
    ScopeKind kind = ScopeKind::Team;
    // A role name, an agent id, or "<home team id>/<agent id>" for an agent linked into the
    // team; empty for team.
    QString id;

    // The shape only (existence is the service's check): team has no id, role a name, agent an
    // id or "<team id>/<agent id>". Errors name `scope_id` or `scope_kind`.
    static core::Result<CredentialScope> make(const QString &kind, const QString &id);
    // ?scope_kind=&scope_id= (both absent: the team row); any other parameter is refused.
    static core::Result<CredentialScope> fromQuery(const QUrlQuery &query);
    QUrlQuery toQuery() const; // empty for team
    QString label() const; // "team", "role cfo", "agent bot"
    bool operator==(const CredentialScope &) const = default;
};

// GET /admin/credentials?scope_kind=&scope_id=: either, both or none.
struct CredentialFilter
{
    std::optional<ScopeKind> kind;
    std::optional<QString> id;

    static core::Result<CredentialFilter> fromQuery(const QUrlQuery &query);
    QUrlQuery toQuery() const;
};

// A credential as the admin API shows it (GET /admin/credentials[/{name}]). Never its value:
// only whether one is set. Timestamps are RFC 3339 text as on the wire.
struct Credential
{
    QString name;
    CredentialScope scope;
    QString description;
    Connector connector = Connector::Direct;
    QString apiBase; // empty: none (null on the wire)
    bool relativeTarget = false;
    QString authHeaderFormat = QStringLiteral("Bearer {value}");
    QStringList allowedHosts;
    QStringList bodyPlaceholderFields;
    bool hasValue = false;
    QString createdAt;
    QString updatedAt;
    // README "Signing credentials". On the wire only for a signing kind ("kind", "parts_set",
    // and the kind's settings: aws_sigv4 "region" and "service", oauth2 "token_url",
    // "authorize_url" and "scopes"): a static credential's JSON is what it was before kinds
    // existed, and a missing "kind" reads as static.
    CredentialKind kind = CredentialKind::Static;
    QString region; // aws_sigv4
    QString service; // aws_sigv4
    QString tokenUrl; // oauth2
    QString authorizeUrl; // oauth2, optional (the connect flow needs it)
    QString scopes; // oauth2, optional: space-separated
    // oauth2 "oauth_state": "not_connected" (no refresh token), "connected", or
    // "reauth_required" (the token endpoint refused the refresh token: set a new one).
    QString oauthState;
    QStringList partsSet; // the names of the secret parts that are set, never their values

    QJsonObject encode() const;
    // Lenient (the client side of the contract): missing keys keep their defaults, an unknown
    // connector reads as direct.
    static Credential decode(const QJsonObject &object);
    // The rules between fields (README "Credentials"): sidecar needs api_base, relative_target
    // needs sidecar; a signing kind is direct without body placeholders, and aws_sigv4 has a
    // region and a service. Field-level rules are checked by CredentialInput::decode().
    core::Result<void> validate() const;
    core::Result<void> validateKind() const;
    // The kind's fields of encode()/decode() (in credentialkind.cpp).
    void encodeKind(QJsonObject &object) const;
    void decodeKind(const QJsonObject &object);
    // The kind's settings (region, token_url, ...) by key; nullptr for another key.
    QString *setting(QStringView key);
    const QString *setting(QStringView key) const;
    bool operator==(const Credential &) const = default;
};

// GET /admin/credentials/{name} adds where the credential is used; DELETE answers with where it
// was removed from.
struct CredentialUsage
{
    QStringList roles;
    QStringList agents;
    bool hasPolicy = false;

    // {"roles": [...], "agents": [...]}; `withPolicy` adds {"policy": hasPolicy} (DELETE).
    QJsonObject encode(bool withPolicy) const;
    static CredentialUsage decode(const QJsonObject &object);
    bool operator==(const CredentialUsage &) const = default;
};

// GET /admin/credentials: the team's credentials.
struct CredentialList
{
    QList<Credential> items;
    QJsonObject encode() const; // {"credentials": [...]}
    static CredentialList decode(const QJsonObject &object);
};

// GET /admin/credentials/{name}: the credential, where it is used, whether it has a policy.
struct CredentialDetail
{
    Credential credential;
    CredentialUsage usedBy;
    QJsonObject encode() const;
    static CredentialDetail decode(const QJsonObject &object);
};

// DELETE /admin/credentials/{name}: {"status": "deleted", "name", "scope_kind", "scope_id",
// "removed_from"}.
struct CredentialDeleted
{
    QString name;
    CredentialUsage removedFrom;
    CredentialScope scope = {};
    QJsonObject encode() const;
    static CredentialDeleted decode(const QJsonObject &object);
};

// PUT /admin/credentials/{name}/value answers {"name", "scope_kind", "scope_id",
// "has_value": true, "updated_at"}.
struct CredentialValueSet
{
    QString name;
    QString updatedAt;
    CredentialScope scope = {};
    // A signing kind's answer adds "kind" and "parts_set".
    CredentialKind kind = CredentialKind::Static;
    QStringList partsSet = {};
    QJsonObject encode() const;
};

// The body of POST /admin/credentials (Create) or PATCH /admin/credentials/{name} (Update):
// each field is set when the body has it.
struct CredentialInput
{
    enum class Mode { Create, Update };

    std::optional<QString> name;
    std::optional<CredentialScope> scope; // Create only (default: team)
    std::optional<QString> description;
    std::optional<Connector> connector;
    std::optional<QString> apiBase; // "" clears it
    std::optional<bool> relativeTarget;
    std::optional<QString> authHeaderFormat;
    std::optional<QStringList> allowedHosts; // lower-cased host names
    std::optional<QStringList> bodyPlaceholderFields;
    std::optional<QString> value; // Create only; the secret, never echoed
    std::optional<CredentialKind> kind; // Create; on Update only the row's own kind
    // A kind's settings (kindSettingKeys()): region, service, token_url, authorize_url,
    // scopes, each checked on its own ("" clears an optional one).
    QJsonObject settings;
    // Create only: a signing kind's "value", an object of its secret parts (checkParts()).
    std::optional<QJsonObject> parts;

    // Unknown keys, wrong types and every single-field rule are refused with InvalidRequest
    // (error.field() names the key), in the order the fields are listed above. On Update
    // `currentName` and `currentScope` are the row's: a different "name" or scope, or any
    // "value" is refused. A string "value" with a signing kind, or an object with static, is
    // refused.
    static core::Result<CredentialInput> decode(const QJsonObject &body, Mode mode,
                                                const QString &currentName = {},
                                                const CredentialScope &currentScope = {});
    // Only the fields that are set.
    QJsonObject encode() const;
    // Applies the set fields to `credential` and checks the result (Credential::validate()).
    // On Create without allowed_hosts the default is the host of api_base.
    core::Result<void> applyTo(Credential &credential, Mode mode) const;
};

// PUT /admin/credentials/{name}/value: a string for a static credential, an object of the
// secret parts for a signing kind (checked against the row's kind by the service).
struct CredentialValueInput
{
    QString value;
    std::optional<QJsonObject> parts = std::nullopt;
    static core::Result<CredentialValueInput> decode(const QJsonObject &body);
    QJsonObject encode() const;
};

// A credential value is at most this many bytes of UTF-8.
inline constexpr qsizetype kMaxCredentialValueBytes = 64 * 1024;
core::Result<void> checkCredentialValue(const QString &value);
// auth_header_format: {value} exactly once, on one line, at most 512 characters.
core::Result<void> checkAuthHeaderFormat(const QString &format);

} // namespace tap::api
