#pragma once

#include "admin/actor.h"
#include "admin/context.h"
#include "api/credentialconnect.h"
#include "core/secretbytes.h"
#include "store/connectstore.h"

#include <QUrl>

namespace tap::oauthconnect {
struct TokenAnswer;
}

namespace tap::admin {

// Per-agent OAuth 2.0 connect (README "Connecting an OAuth 2.0 credential", issue #16 item 3):
// the authorization-code grant with PKCE S256 for one scoped row of an oauth2 credential.
// begin() leaves a single-use state (10 minutes, bound to team, scope row and admin); the
// callback takes it (takeState()), the HTTP side exchanges the code at token_url, and
// complete() stores the refresh token on the row. No HTTP here.
//
// A scope without a row of the name yet (e.g. an agent's first connect) gets one when the
// connect completes: a copy of the team row's settings and client parts (client_id,
// client_secret) plus the new refresh token. The team row must exist and be oauth2.
class OAuthConnectService
{
public:
    explicit OAuthConnectService(Context &context) : m_ctx(context), m_states(context.db) { }

    core::Result<api::CredentialConnect> begin(const Actor &actor, const QString &name,
                                               const api::CredentialScope &scope);

    // What the callback needs to exchange the code: where, and the form body (secret: it holds
    // client_secret and code_verifier).
    struct Exchange
    {
        store::ConnectStateRow state;
        Actor actor; // the admin who started the connect (for the audit record)
        QUrl tokenUrl;
        core::SecretBytes body;
    };
    // GET /oauth/callback: takes the state (single use, whatever follows), then checks expiry,
    // the provider's error (access_denied...) and that the row is still an oauth2 credential.
    // Every failure after the state was found is audited as credential.connect_failed.
    core::Result<Exchange> takeState(const QString &state, const QString &code,
                                     const QString &providerError);
    struct Connected
    {
        QString name;
        api::CredentialScope scope;
        bool created = false; // the scoped row was created from the team row
    };
    core::Result<Connected> complete(const Exchange &exchange,
                                     const oauthconnect::TokenAnswer &answer);
    // The token endpoint refused or could not be reached: audited, nothing stored.
    void recordFailure(const Exchange &exchange, const QString &reason);

private:
    core::Result<store::CredentialRow> connectable(const QString &teamId, const QString &name,
                                                   const api::CredentialScope &scope,
                                                   std::optional<store::CredentialRow> &target);
    core::Result<store::CredentialRow> current(const store::ConnectStateRow &state,
                                               std::optional<store::CredentialRow> &target);
    core::Result<QJsonObject> openParts(const store::CredentialRow &row);
    core::Result<Exchange> exchangeFor(const store::ConnectStateRow &state, const QString &code);
    void audit(const store::ConnectStateRow &state, const QString &action, QJsonObject detail);

    Context &m_ctx;
    store::ConnectStore m_states;
};

} // namespace tap::admin
