#include "admin/oauthconnect.h"

#include "admin/credentials.h"
#include "api/keys.h"
#include "api/validation.h"
#include "core/logging.h"
#include "crypto/keyring.h"
#include "oauthconnect/authcode.h"
#include "store/vault.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace tap::admin {

using core::Error;
using core::ErrorCode;
using core::Result;
using core::SecretBytes;

namespace {

const QLatin1String kAuthorizeUrl{ "authorize_url" };
const QLatin1String kTokenUrl{ "token_url" };
const QLatin1String kScopes{ "scopes" };
const QLatin1String kClientId{ "client_id" };
const QLatin1String kClientSecret{ "client_secret" };
const QLatin1String kRefreshToken{ "refresh_token" };
const QByteArray kStatePurpose = QByteArrayLiteral("oauth_connect");

QStringList scopesOf(const QJsonObject &settings)
{
    const QJsonValue v = settings.value(kScopes);
    if (v.isArray()) {
        QStringList out;
        for (const QJsonValue &s : v.toArray())
            out << s.toString();
        out.removeAll(QString());
        return out;
    }
    return v.toString().split(u' ', Qt::SkipEmptyParts);
}

QUrl httpUrl(const QJsonObject &settings, QLatin1String key)
{
    const QUrl url(settings.value(key).toString(), QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"https" && url.scheme() != u"http")
        || url.host().isEmpty())
        return {};
    return url;
}

api::CredentialScope scopeOf(const store::ConnectStateRow &s)
{
    return { api::parseScopeKind(s.scopeKind).value_or(api::ScopeKind::Team), s.scopeId };
}

const Error kUnknownState(ErrorCode::NotFound,
                          QStringLiteral("This connect link is unknown or was already used. "
                                         "Start the connection again from the console."));

} // namespace

// The row the connect fills (`target`, when it exists) and the row whose settings and client
// parts are used: the target itself, else the team row of the name.
Result<store::CredentialRow>
OAuthConnectService::connectable(const QString &teamId, const QString &name,
                                 const api::CredentialScope &scope,
                                 std::optional<store::CredentialRow> &target)
{
    auto row = m_ctx.credentials.byName(teamId, name, api::scopeKindName(scope.kind), scope.id);
    if (!row)
        return row.error();
    target = row.value();
    std::optional<store::CredentialRow> source = target;
    if (!source && scope.kind != api::ScopeKind::Team) {
        auto team = m_ctx.credentials.byName(teamId, name);
        if (!team)
            return team.error();
        source = team.value();
    }
    if (!source)
        return Error(ErrorCode::NotFound, QStringLiteral("No credential named \"%1\".").arg(name));
    if (source->kind != u"oauth2")
        return api::invalidField(api::key::kKind,
                                 QStringLiteral("\"%1\" is a %2 credential; only an oauth2 "
                                                "credential can be connected.")
                                         .arg(name, source->kind));
    if (httpUrl(source->kindSettings, kAuthorizeUrl).isEmpty()
        || httpUrl(source->kindSettings, kTokenUrl).isEmpty())
        return api::invalidField(kAuthorizeUrl,
                                 QStringLiteral("\"%1\" needs authorize_url and token_url to be "
                                                "connected.")
                                         .arg(name));
    return *source;
}

Result<QJsonObject> OAuthConnectService::openParts(const store::CredentialRow &row)
{
    auto sealed = m_ctx.credentials.sealedValue(row.teamId, row.id);
    if (!sealed)
        return sealed.error();
    if (sealed->isEmpty())
        return QJsonObject();
    auto plain = m_ctx.vault.open(row.teamId, crypto::KeyRing::credentialAad(row.teamId, row.id),
                                  sealed.value());
    if (!plain)
        return plain.error();
    const QJsonObject parts = QJsonDocument::fromJson(plain->view().toByteArray()).object();
    return parts;
}

Result<api::CredentialConnect> OAuthConnectService::begin(const Actor &actor, const QString &name,
                                                          const api::CredentialScope &scope)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    if (auto r = CredentialService(m_ctx).checkScope(actor, scope); !r)
        return r.error();
    std::optional<store::CredentialRow> target;
    auto source = connectable(actor.teamId, name, scope, target);
    if (!source)
        return source.error();
    auto parts = openParts(source.value());
    if (!parts)
        return parts.error();
    const QString clientId = parts->value(kClientId).toString();
    if (clientId.isEmpty())
        return api::invalidField(api::key::kValue,
                                 QStringLiteral("\"%1\" has no client_id part.").arg(name));
    const QByteArray state = oauthconnect::newState(m_ctx.random);
    const QByteArray verifier = oauthconnect::newCodeVerifier(m_ctx.random);
    store::ConnectStateRow row;
    row.stateHash = m_ctx.keys.tokenHash(state);
    row.teamId = actor.teamId;
    row.credentialName = name;
    row.scopeKind = api::scopeKindName(scope.kind);
    row.scopeId = scope.id;
    row.credentialId = target ? target->id : QString();
    row.templateId = target ? QString() : source->id;
    row.userId = actor.userId;
    row.userEmail = actor.email;
    row.userRole = actor.role;
    row.redirectUri = oauthconnect::callbackUrl(m_ctx.publicUrl);
    row.createdAt = m_ctx.clock.nowMs();
    row.expiresAt = row.createdAt + oauthconnect::kStateLifetimeMs;
    auto sealed = m_ctx.vault.seal(
            actor.teamId, crypto::KeyRing::rowAad(kStatePurpose, actor.teamId, row.stateHash),
            SecretBytes(verifier));
    if (!sealed)
        return sealed.error();
    row.sealedVerifier = sealed.value();
    if (auto r = m_states.put(row, row.createdAt); !r)
        return r.error();
    const QUrl url = oauthconnect::authorizationUrl(
            { httpUrl(source->kindSettings, kAuthorizeUrl), clientId, row.redirectUri,
              scopesOf(source->kindSettings), QString::fromLatin1(state),
              QString::fromLatin1(oauthconnect::codeChallengeS256(verifier)) });
    audit(row, QStringLiteral("credential.connect_start"),
          { { api::key::kExpiresAt, core::toRfc3339(row.expiresAt) } });
    return api::CredentialConnect{ name, scope, url.toString(QUrl::FullyEncoded), row.redirectUri,
                                   core::toRfc3339(row.expiresAt) };
}

Result<OAuthConnectService::Exchange> OAuthConnectService::takeState(const QString &state,
                                                                     const QString &code,
                                                                     const QString &providerError)
{
    if (!oauthconnect::isStateShape(state))
        return kUnknownState;
    auto taken = m_states.take(m_ctx.keys.tokenHash(state.toLatin1()));
    if (!taken)
        return taken.error();
    if (!taken.value())
        return kUnknownState;
    const store::ConnectStateRow &row = *taken.value();
    const auto fail = [&](const Error &e, const QString &reason) {
        audit(row, QStringLiteral("credential.connect_failed"),
              { { QStringLiteral("reason"), reason } });
        return e;
    };
    if (row.expiresAt <= m_ctx.clock.nowMs())
        return fail(Error(ErrorCode::ApprovalExpired,
                          QStringLiteral("This connect link has expired (links are valid for 10 "
                                         "minutes). Start the connection again.")),
                    QStringLiteral("expired"));
    if (!providerError.isEmpty()) {
        const QString reason = oauthconnect::providerErrorCode(providerError);
        return fail(Error(ErrorCode::ApprovalDenied,
                          reason == u"access_denied"
                                  ? QStringLiteral("Access was not granted at the provider; "
                                                   "nothing was stored.")
                                  : QStringLiteral("The provider answered with an error (%1); "
                                                   "nothing was stored.")
                                            .arg(reason)),
                    reason);
    }
    if (code.isEmpty() || code.size() > 4096)
        return fail(Error(ErrorCode::InvalidRequest,
                          QStringLiteral("The provider sent no authorization code.")),
                    QStringLiteral("no_code"));
    auto exchange = exchangeFor(row, code);
    if (!exchange)
        return fail(exchange.error(), QStringLiteral("credential_changed"));
    return exchange;
}

// The rows of a state as they are now: the row named at the start must still be the one filled
// (not deleted and re-created in between), or still be missing with the same team row.
Result<store::CredentialRow>
OAuthConnectService::current(const store::ConnectStateRow &state,
                             std::optional<store::CredentialRow> &target)
{
    auto source = connectable(state.teamId, state.credentialName, scopeOf(state), target);
    if (!source)
        return source.error();
    if ((target ? target->id : QString()) != state.credentialId
        || (!target && source->id != state.templateId))
        return Error(ErrorCode::Conflict,
                     QStringLiteral("The credential changed while connecting. Start the "
                                    "connection again."));
    return source;
}

Result<OAuthConnectService::Exchange>
OAuthConnectService::exchangeFor(const store::ConnectStateRow &state, const QString &code)
{
    std::optional<store::CredentialRow> target;
    auto source = current(state, target);
    if (!source)
        return source.error();
    auto parts = openParts(source.value());
    if (!parts)
        return parts.error();
    auto verifier = m_ctx.vault.open(
            state.teamId, crypto::KeyRing::rowAad(kStatePurpose, state.teamId, state.stateHash),
            state.sealedVerifier);
    if (!verifier)
        return verifier.error();
    Exchange x;
    x.state = state;
    x.actor = Actor(state.userId, state.teamId, state.userEmail, state.userRole, QString());
    x.tokenUrl = httpUrl(source->kindSettings, kTokenUrl);
    const SecretBytes secret(parts->value(kClientSecret).toString().toUtf8());
    x.body = oauthconnect::tokenRequestBody(code, state.redirectUri, verifier->view(),
                                            parts->value(kClientId).toString(), secret);
    return x;
}

Result<OAuthConnectService::Connected>
OAuthConnectService::complete(const Exchange &x, const oauthconnect::TokenAnswer &answer)
{
    const store::ConnectStateRow &state = x.state;
    if (answer.refreshToken.isEmpty()) {
        recordFailure(x, QStringLiteral("no_refresh_token"));
        return Error(ErrorCode::UpstreamError,
                     QStringLiteral("The provider issued no refresh token (ask it for offline "
                                    "access); nothing was stored."));
    }
    std::optional<store::CredentialRow> target;
    auto source = current(state, target);
    if (!source) {
        recordFailure(x, QStringLiteral("credential_changed"));
        return source.error();
    }
    auto parts = openParts(source.value());
    if (!parts)
        return parts.error();
    QJsonObject stored;
    for (const QLatin1String key : { kClientId, kClientSecret }) {
        if (parts->contains(key))
            stored.insert(key, parts->value(key));
    }
    stored.insert(kRefreshToken, QString::fromUtf8(answer.refreshToken.view().toByteArray()));
    store::CredentialRow row = target ? *target : source.value();
    const qint64 now = m_ctx.clock.nowMs();
    if (!target) {
        row.id = m_ctx.random.uuid();
        row.scopeKind = state.scopeKind;
        row.scopeId = state.scopeId;
        row.createdAt = row.updatedAt = now;
    }
    row.partsSet = stored.keys();
    SecretBytes plain(QJsonDocument(stored).toJson(QJsonDocument::Compact));
    auto sealed =
            m_ctx.vault.seal(row.teamId, crypto::KeyRing::credentialAad(row.teamId, row.id), plain);
    if (!sealed)
        return sealed.error();
    auto written = target ? m_ctx.credentials.setSealedValue(row.teamId, row.id, sealed.value(),
                                                             now, row.partsSet)
                          : m_ctx.credentials.create(row, sealed.value());
    if (!written)
        return written.error();
    if (auto r = m_states.forgetGrant(row.teamId, row.id); !r)
        return r.error();
    audit(state, QStringLiteral("credential.connect"),
          { { api::key::kKind, row.kind },
            { api::key::kPartsSet, QJsonArray::fromStringList(row.partsSet) },
            { QStringLiteral("created"), !target } });
    return Connected{ state.credentialName, scopeOf(state), !target };
}

void OAuthConnectService::recordFailure(const Exchange &x, const QString &reason)
{
    audit(x.state, QStringLiteral("credential.connect_failed"),
          { { QStringLiteral("reason"), reason } });
}

void OAuthConnectService::audit(const store::ConnectStateRow &state, const QString &action,
                                QJsonObject detail)
{
    detail.insert(api::key::kScopeKind, state.scopeKind);
    detail.insert(api::key::kScopeId,
                  state.scopeId.isEmpty() ? QJsonValue() : QJsonValue(state.scopeId));
    const Actor actor(state.userId, state.teamId, state.userEmail, state.userRole, QString());
    m_ctx.recordChange(actor, action, state.credentialName, detail);
}

} // namespace tap::admin
