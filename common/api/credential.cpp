#include "api/credential.h"

#include "api/keys.h"
#include "api/validation.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QUrl>

namespace tap::api {

using core::Error;
using core::Result;

namespace {

// List caps (JsonFields::stringList() checks them before any other work).
constexpr int kMaxHosts = 100;
constexpr int kMaxHostLength = 253;
constexpr int kMaxPlaceholderFields = 100;
constexpr int kMaxPlaceholderLength = 64;

const QStringList &credentialFields()
{
    static const QStringList fields =
            QStringList{ key::kName,      key::kDescription,    key::kConnector,
                         key::kApiBase,   key::kRelativeTarget, key::kAuthHeaderFormat,
                         key::kValue,     key::kAllowedHosts,   key::kBodyPlaceholderFields,
                         key::kScopeKind, key::kScopeId,        key::kKind }
            + kindSettingKeys();
    return fields;
}

QStringList strings(const QJsonValue &value)
{
    QStringList out;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &v : array)
        out << v.toString();
    return out;
}

Result<QStringList> hostList(const JsonFields &f)
{
    auto hosts =
            tagged(f.stringList(key::kAllowedHosts, kMaxHosts, kMaxHostLength), key::kAllowedHosts);
    if (!hosts)
        return hosts;
    QStringList out;
    for (const QString &h : hosts.value()) {
        auto host = tagged(checkHostName(key::kAllowedHosts, h), key::kAllowedHosts);
        if (!host)
            return host.error();
        out << host.value();
    }
    return out;
}

Result<QStringList> placeholderList(const JsonFields &f)
{
    auto fields = tagged(
            f.stringList(key::kBodyPlaceholderFields, kMaxPlaceholderFields, kMaxPlaceholderLength),
            key::kBodyPlaceholderFields);
    if (!fields)
        return fields;
    static const QRegularExpression fieldName(QStringLiteral("^[A-Za-z0-9_.-]{1,64}\\z"));
    for (const QString &name : fields.value()) {
        if (!fieldName.match(name).hasMatch())
            return invalidField(key::kBodyPlaceholderFields,
                                QStringLiteral("body_placeholder_fields entries must be JSON or "
                                               "form field names."));
    }
    return fields;
}

// name and value: on Create a checked name and an optional value; on Update neither may change.
Result<void> decodeIdentity(const JsonFields &f, const QJsonObject &body,
                            CredentialInput::Mode mode, const QString &currentName,
                            CredentialInput &in)
{
    if (mode == CredentialInput::Mode::Update) {
        if (body.contains(key::kName) && body.value(key::kName).toString() != currentName)
            return invalidField(key::kName,
                                QStringLiteral("A credential cannot be renamed; create a new one "
                                               "instead."));
        if (body.contains(key::kValue))
            return invalidField(key::kValue,
                                QStringLiteral("Change the value with PUT "
                                               "/admin/credentials/%1/value.")
                                        .arg(currentName));
        return {};
    }
    auto name = tagged(f.string(key::kName, true), key::kName);
    if (!name)
        return name.error();
    if (auto r = tagged(checkObjectName(key::kName, *name), key::kName); !r)
        return r;
    in.name = *name;
    const bool signing = in.kind.value_or(CredentialKind::Static) != CredentialKind::Static;
    if (body.value(key::kValue).isObject() || (signing && body.contains(key::kValue))) {
        auto parts = decodeParts(in.kind.value_or(CredentialKind::Static), body.value(key::kValue));
        if (!parts)
            return parts.error();
        in.parts = parts.value();
        return {};
    }
    auto value = tagged(f.string(key::kValue, false), key::kValue);
    if (!value)
        return value.error();
    if (auto r = checkCredentialValue(*value); !r)
        return r;
    if (body.contains(key::kValue))
        in.value = *value;
    return {};
}

// The settings fields, each checked on its own.
Result<void> decodeSettings(const JsonFields &f, const QJsonObject &body,
                            CredentialInput::Mode mode, CredentialInput &in)
{
    const bool creating = mode == CredentialInput::Mode::Create;
    auto description = tagged(f.string(key::kDescription, creating), key::kDescription);
    if (!description)
        return description.error();
    if (f.has(key::kDescription))
        in.description = *description;
    auto connector =
            tagged(f.string(key::kConnector, false, QStringLiteral("direct")), key::kConnector);
    if (!connector)
        return connector.error();
    const auto parsed = parseConnector(*connector);
    if (!parsed)
        return invalidField(key::kConnector,
                            QStringLiteral("connector must be \"direct\" or \"sidecar\"."));
    if (f.has(key::kConnector))
        in.connector = *parsed;
    if (body.contains(key::kApiBase)) {
        auto base = tagged(f.string(key::kApiBase, false), key::kApiBase);
        if (!base)
            return base.error();
        if (!base->isEmpty()) {
            if (auto url = tagged(checkHttpUrl(key::kApiBase, *base), key::kApiBase); !url)
                return url.error();
        }
        in.apiBase = *base;
    }
    auto relative = tagged(f.boolean(key::kRelativeTarget, false), key::kRelativeTarget);
    if (!relative)
        return relative.error();
    if (f.has(key::kRelativeTarget))
        in.relativeTarget = *relative;
    if (f.has(key::kAuthHeaderFormat)) {
        auto format = tagged(f.string(key::kAuthHeaderFormat, false), key::kAuthHeaderFormat);
        if (!format)
            return format.error();
        if (auto r = checkAuthHeaderFormat(*format); !r)
            return r;
        in.authHeaderFormat = *format;
    }
    if (body.contains(key::kAllowedHosts)) {
        auto hosts = hostList(f);
        if (!hosts)
            return hosts.error();
        in.allowedHosts = hosts.value();
    }
    if (body.contains(key::kBodyPlaceholderFields)) {
        auto fields = placeholderList(f);
        if (!fields)
            return fields.error();
        in.bodyPlaceholderFields = fields.value();
    }
    auto settings = decodeKindSettings(body);
    if (!settings)
        return settings.error();
    in.settings = settings.value();
    return {};
}

// scope_kind / scope_id of a body: absent means team.
Result<CredentialScope> decodeScope(const JsonFields &f, const QJsonObject &body)
{
    auto kind = tagged(f.string(key::kScopeKind, false, QStringLiteral("team")), key::kScopeKind);
    if (!kind)
        return kind.error();
    QString id;
    if (body.contains(key::kScopeId) && !body.value(key::kScopeId).isNull()) {
        auto text = tagged(f.string(key::kScopeId, false), key::kScopeId);
        if (!text)
            return text.error();
        id = *text;
    }
    return CredentialScope::make(*kind, id);
}

void insertScope(QJsonObject &o, const CredentialScope &scope)
{
    o.insert(key::kScopeKind, scopeKindName(scope.kind));
    o.insert(key::kScopeId, scope.id.isEmpty() ? QJsonValue() : QJsonValue(scope.id));
}

CredentialScope readScope(const QJsonObject &o)
{
    return { parseScopeKind(o.value(key::kScopeKind).toString()).value_or(ScopeKind::Team),
             o.value(key::kScopeId).toString() };
}

} // namespace

Result<CredentialScope> CredentialScope::make(const QString &kind, const QString &id)
{
    const auto parsed = parseScopeKind(kind);
    if (!parsed)
        return invalidField(key::kScopeKind,
                            QStringLiteral("scope_kind must be \"team\", \"role\" or \"agent\"."));
    if (*parsed == ScopeKind::Team) {
        if (!id.isEmpty())
            return invalidField(key::kScopeId,
                                QStringLiteral("scope_id must be empty for scope_kind \"team\"."));
        return CredentialScope{};
    }
    if (id.isEmpty())
        return invalidField(
                key::kScopeId,
                QStringLiteral("scope_id is required for scope_kind \"%1\".").arg(kind));
    // An agent linked in from another team is "<home team id>/<agent id>".
    const QStringList parts = id.split(u'/');
    const bool shaped = *parsed == ScopeKind::Role ? parts.size() == 1 : parts.size() <= 2;
    bool valid = shaped;
    for (const QString &part : parts)
        valid = valid && checkObjectName(key::kScopeId, part).ok();
    if (!valid)
        return invalidField(key::kScopeId,
                            *parsed == ScopeKind::Role
                                    ? QStringLiteral("scope_id must be a role name.")
                                    : QStringLiteral("scope_id must be an agent id, or "
                                                     "\"<team id>/<agent id>\" for an agent "
                                                     "linked into this team."));
    return CredentialScope{ *parsed, id };
}

Result<CredentialScope> CredentialScope::fromQuery(const QUrlQuery &query)
{
    for (const auto &[name, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (name != key::kScopeKind && name != key::kScopeId)
            return invalidField(name,
                                QStringLiteral("Unknown query parameter \"%1\"; accepted: "
                                               "scope_kind, scope_id.")
                                        .arg(quoted(name)));
    }
    const QString kind = query.queryItemValue(key::kScopeKind, QUrl::FullyDecoded);
    return make(kind.isEmpty() ? QStringLiteral("team") : kind,
                query.queryItemValue(key::kScopeId, QUrl::FullyDecoded));
}

QUrlQuery CredentialScope::toQuery() const
{
    QUrlQuery q;
    if (kind != ScopeKind::Team) {
        q.addQueryItem(key::kScopeKind, scopeKindName(kind));
        q.addQueryItem(key::kScopeId, QString::fromUtf8(QUrl::toPercentEncoding(id)));
    }
    return q;
}

QString CredentialScope::label() const
{
    return kind == ScopeKind::Team ? scopeKindName(kind) : scopeKindName(kind) + u' ' + id;
}

Result<CredentialFilter> CredentialFilter::fromQuery(const QUrlQuery &query)
{
    CredentialFilter f;
    for (const auto &[name, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (name == key::kScopeKind) {
            f.kind = parseScopeKind(value);
            if (!f.kind)
                return invalidField(key::kScopeKind,
                                    QStringLiteral("scope_kind must be \"team\", "
                                                   "\"role\" or \"agent\"."));
        } else if (name == key::kScopeId) {
            f.id = value;
        } else {
            return invalidField(name,
                                QStringLiteral("Unknown filter \"%1\"; accepted: "
                                               "scope_kind, scope_id.")
                                        .arg(quoted(name)));
        }
    }
    return f;
}

QUrlQuery CredentialFilter::toQuery() const
{
    QUrlQuery q;
    if (kind)
        q.addQueryItem(key::kScopeKind, scopeKindName(*kind));
    if (id)
        q.addQueryItem(key::kScopeId, QString::fromUtf8(QUrl::toPercentEncoding(*id)));
    return q;
}

Result<void> checkCredentialValue(const QString &value)
{
    if (value.toUtf8().size() > kMaxCredentialValueBytes)
        return invalidField(key::kValue, QStringLiteral("value is larger than 64 KiB."));
    return {};
}

Result<void> checkAuthHeaderFormat(const QString &format)
{
    if (format.count(QStringLiteral("{value}")) != 1 || format.contains(u'\r')
        || format.contains(u'\n') || format.size() > 512)
        return invalidField(key::kAuthHeaderFormat,
                            QStringLiteral("auth_header_format must contain {value} exactly "
                                           "once, on one line."));
    return {};
}

QJsonObject Credential::encode() const
{
    QJsonObject o{ { key::kName, name },
                   { key::kDescription, description },
                   { key::kConnector, connectorName(connector) },
                   { key::kApiBase, apiBase.isEmpty() ? QJsonValue() : QJsonValue(apiBase) },
                   { key::kRelativeTarget, relativeTarget },
                   { key::kAuthHeaderFormat, authHeaderFormat },
                   { key::kAllowedHosts, QJsonArray::fromStringList(allowedHosts) },
                   { key::kBodyPlaceholderFields,
                     QJsonArray::fromStringList(bodyPlaceholderFields) },
                   { key::kHasValue, hasValue },
                   { key::kCreatedAt, createdAt },
                   { key::kUpdatedAt, updatedAt } };
    insertScope(o, scope);
    encodeKind(o);
    return o;
}

Credential Credential::decode(const QJsonObject &o)
{
    Credential c;
    c.name = o.value(key::kName).toString();
    c.scope = readScope(o);
    c.description = o.value(key::kDescription).toString();
    c.connector = parseConnector(o.value(key::kConnector).toString()).value_or(Connector::Direct);
    c.apiBase = o.value(key::kApiBase).toString();
    c.relativeTarget = o.value(key::kRelativeTarget).toBool();
    c.authHeaderFormat = o.value(key::kAuthHeaderFormat).toString(c.authHeaderFormat);
    c.allowedHosts = strings(o.value(key::kAllowedHosts));
    c.bodyPlaceholderFields = strings(o.value(key::kBodyPlaceholderFields));
    c.hasValue = o.value(key::kHasValue).toBool();
    c.createdAt = o.value(key::kCreatedAt).toString();
    c.updatedAt = o.value(key::kUpdatedAt).toString();
    c.decodeKind(o);
    return c;
}

Result<void> Credential::validate() const
{
    if (connector == Connector::Sidecar && apiBase.isEmpty())
        return invalidField(key::kConnector,
                            QStringLiteral("connector \"sidecar\" requires api_base."));
    if (relativeTarget && connector != Connector::Sidecar)
        return invalidField(key::kRelativeTarget,
                            QStringLiteral("relative_target requires connector \"sidecar\"."));
    return validateKind();
}

QJsonObject CredentialUsage::encode(bool withPolicy) const
{
    QJsonObject o{ { key::kRoles, QJsonArray::fromStringList(roles) },
                   { key::kAgents, QJsonArray::fromStringList(agents) } };
    if (withPolicy)
        o.insert(key::kPolicy, hasPolicy);
    return o;
}

CredentialUsage CredentialUsage::decode(const QJsonObject &o)
{
    return { strings(o.value(key::kRoles)), strings(o.value(key::kAgents)),
             o.value(key::kPolicy).toBool() };
}

QJsonObject CredentialList::encode() const
{
    QJsonArray array;
    for (const Credential &c : items)
        array.append(c.encode());
    return { { key::kCredentials, array } };
}

CredentialList CredentialList::decode(const QJsonObject &o)
{
    CredentialList list;
    const QJsonArray array = o.value(key::kCredentials).toArray();
    for (const QJsonValue &v : array)
        list.items << Credential::decode(v.toObject());
    return list;
}

QJsonObject CredentialDetail::encode() const
{
    QJsonObject o = credential.encode();
    o.insert(key::kUsedBy, usedBy.encode(false));
    o.insert(key::kHasPolicy, usedBy.hasPolicy);
    return o;
}

CredentialDetail CredentialDetail::decode(const QJsonObject &o)
{
    CredentialDetail d{ Credential::decode(o),
                        CredentialUsage::decode(o.value(key::kUsedBy).toObject()) };
    d.usedBy.hasPolicy = o.value(key::kHasPolicy).toBool();
    return d;
}

QJsonObject CredentialDeleted::encode() const
{
    QJsonObject o{ { key::kStatus, QStringLiteral("deleted") },
                   { key::kName, name },
                   { key::kRemovedFrom, removedFrom.encode(true) } };
    insertScope(o, scope);
    return o;
}

CredentialDeleted CredentialDeleted::decode(const QJsonObject &o)
{
    return { o.value(key::kName).toString(),
             CredentialUsage::decode(o.value(key::kRemovedFrom).toObject()), readScope(o) };
}

QJsonObject CredentialValueSet::encode() const
{
    QJsonObject o{ { key::kName, name }, { key::kHasValue, true }, { key::kUpdatedAt, updatedAt } };
    insertScope(o, scope);
    if (kind != CredentialKind::Static) {
        o.insert(key::kKind, credentialKindName(kind));
        o.insert(key::kPartsSet, QJsonArray::fromStringList(partsSet));
    }
    return o;
}

Result<CredentialInput> CredentialInput::decode(const QJsonObject &body, Mode mode,
                                                const QString &currentName,
                                                const CredentialScope &currentScope)
{
    const JsonFields f(body);
    if (auto r = f.onlyKnown(credentialFields()); !r)
        return r.error();
    CredentialInput in;
    if (f.has(key::kKind)) {
        auto kind = decodeCredentialKind(body);
        if (!kind)
            return kind.error();
        in.kind = kind.value();
    }
    if (auto r = decodeIdentity(f, body, mode, currentName, in); !r)
        return r.error();
    if (body.contains(key::kScopeKind) || body.contains(key::kScopeId)) {
        auto scope = decodeScope(f, body);
        if (!scope)
            return scope.error();
        if (mode == Mode::Update && scope.value() != currentScope)
            return invalidField(key::kScopeKind,
                                QStringLiteral("A credential's scope cannot change; address the "
                                               "row with ?scope_kind=&scope_id= or create one "
                                               "in the other scope."));
        if (mode == Mode::Create)
            in.scope = scope.value();
    }
    if (auto r = decodeSettings(f, body, mode, in); !r)
        return r.error();
    return in;
}

QJsonObject CredentialInput::encode() const
{
    QJsonObject o;
    if (name)
        o.insert(key::kName, *name);
    if (scope)
        insertScope(o, *scope);
    if (description)
        o.insert(key::kDescription, *description);
    if (connector)
        o.insert(key::kConnector, connectorName(*connector));
    if (apiBase)
        o.insert(key::kApiBase, *apiBase);
    if (relativeTarget)
        o.insert(key::kRelativeTarget, *relativeTarget);
    if (authHeaderFormat)
        o.insert(key::kAuthHeaderFormat, *authHeaderFormat);
    if (allowedHosts)
        o.insert(key::kAllowedHosts, QJsonArray::fromStringList(*allowedHosts));
    if (bodyPlaceholderFields)
        o.insert(key::kBodyPlaceholderFields, QJsonArray::fromStringList(*bodyPlaceholderFields));
    if (value)
        o.insert(key::kValue, *value);
    if (kind)
        o.insert(key::kKind, credentialKindName(*kind));
    for (auto it = settings.begin(); it != settings.end(); ++it)
        o.insert(it.key(), it.value());
    if (parts)
        o.insert(key::kValue, *parts);
    return o;
}

Result<void> CredentialInput::applyTo(Credential &c, Mode mode) const
{
    if (name && mode == Mode::Create)
        c.name = *name;
    if (kind && mode == Mode::Create)
        c.kind = *kind;
    if (kind && mode == Mode::Update && *kind != c.kind)
        return invalidField(key::kKind,
                            QStringLiteral("A credential's kind cannot change; create a new "
                                           "credential instead."));
    for (auto it = settings.begin(); it != settings.end(); ++it)
        *c.setting(it.key()) = it.value().toString();
    if (scope && mode == Mode::Create)
        c.scope = *scope;
    c.description = description.value_or(c.description);
    c.connector = connector.value_or(c.connector);
    c.apiBase = apiBase.value_or(c.apiBase);
    c.relativeTarget = relativeTarget.value_or(c.relativeTarget);
    c.authHeaderFormat = authHeaderFormat.value_or(c.authHeaderFormat);
    if (allowedHosts)
        c.allowedHosts = *allowedHosts;
    else if (mode == Mode::Create && !c.apiBase.isEmpty())
        c.allowedHosts = { QUrl(c.apiBase).host().toLower() }; // default: the host of api_base
    if (bodyPlaceholderFields)
        c.bodyPlaceholderFields = *bodyPlaceholderFields;
    return c.validate();
}

Result<CredentialValueInput> CredentialValueInput::decode(const QJsonObject &body)
{
    const JsonFields f(body);
    if (auto r = f.onlyKnown({ key::kValue }); !r)
        return r.error();
    if (body.value(key::kValue).isObject()) // a signing kind's parts (checked by the service)
        return CredentialValueInput{ {}, body.value(key::kValue).toObject() };
    auto value = tagged(f.string(key::kValue, true), key::kValue);
    if (!value)
        return value.error();
    if (auto r = checkCredentialValue(*value); !r)
        return r.error();
    return CredentialValueInput{ *value, std::nullopt };
}

QJsonObject CredentialValueInput::encode() const
{
    if (parts)
        return { { key::kValue, *parts } };
    return { { key::kValue, value } };
}

} // namespace tap::api
