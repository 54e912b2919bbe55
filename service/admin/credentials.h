#pragma once

#include "admin/actor.h"
#include "admin/context.h"
#include "api/credential.h"
#include "api/deleted.h"
#include "api/policy.h"

namespace tap::admin {

// Credentials (README "Credentials") and their policies ("Policies"). Takes the typed inputs
// of common/api and answers typed results; the HTTP adapter (app/AdminApi) decodes bodies and
// picks statuses. Values are write-only: sealed with the team key and the row's AAD on the way
// in, and never part of any answer.
class CredentialService
{
public:
    explicit CredentialService(Context &context) : m_ctx(context) { }

    // Rows are addressed by name and scope (README "Credential scopes"; the team row by default).
    core::Result<api::CredentialList> list(const Actor &actor,
                                           const api::CredentialFilter &filter = {});
    core::Result<api::CredentialDetail> get(const Actor &actor, const QString &name,
                                            const api::CredentialScope &scope = {});
    core::Result<api::Credential> create(const Actor &actor, const api::CredentialInput &input);
    core::Result<api::Credential> update(const Actor &actor, const QString &name,
                                         const api::CredentialScope &scope,
                                         const api::CredentialInput &input);
    core::Result<api::CredentialValueSet> rotateValue(const Actor &actor, const QString &name,
                                                      const api::CredentialScope &scope,
                                                      const api::CredentialValueInput &input);
    core::Result<api::CredentialDeleted> remove(const Actor &actor, const QString &name,
                                                const api::CredentialScope &scope = {});

    core::Result<api::Policy> getPolicy(const Actor &actor, const QString &credential);
    core::Result<api::Policy> putPolicy(const Actor &actor, const QString &credential,
                                        const api::Policy &input);
    core::Result<api::Deleted> removePolicy(const Actor &actor, const QString &credential);

    static api::Credential toWire(const store::CredentialRow &row);
    static api::Policy toWire(const QString &credential, const store::PolicyRow &policy);
    // A role row needs the role in this team, an agent row the agent (home or linked in).
    core::Result<void> checkScope(const Actor &actor, const api::CredentialScope &scope);

private:
    core::Result<store::CredentialRow> find(const Actor &actor, const QString &name,
                                            const api::CredentialScope &scope = {});
    core::Result<store::CredentialRow> findAnyScope(const Actor &actor, const QString &name);
    static QJsonObject scopeDetail(const store::CredentialRow &row);
    core::Result<QByteArray> seal(const store::CredentialRow &row, const QString &value);
    core::Result<QByteArray> sealParts(const store::CredentialRow &row, const QJsonObject &parts);
    core::Result<QByteArray> sealInput(const store::CredentialRow &row,
                                       const api::CredentialValueInput &input,
                                       QStringList &partsSet);

    Context &m_ctx;
};

} // namespace tap::admin
