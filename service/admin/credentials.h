#pragma once

#include "admin/actor.h"
#include "admin/context.h"
#include "admin/reply.h"

namespace tap::admin {

// Credentials (seed configuration.txt "Credentials") and their policies ("Policies").
// Values are write-only: sealed with the team key and the row's AAD on the way in, and never
// part of any answer.
class CredentialService
{
public:
    explicit CredentialService(Context &context) : m_ctx(context) { }

    Outcome list(const Actor &actor);
    Outcome get(const Actor &actor, const QString &name);
    Outcome create(const Actor &actor, const QJsonObject &body);
    Outcome update(const Actor &actor, const QString &name, const QJsonObject &body);
    Outcome rotateValue(const Actor &actor, const QString &name, const QJsonObject &body);
    Outcome remove(const Actor &actor, const QString &name);

    Outcome getPolicy(const Actor &actor, const QString &credential);
    Outcome putPolicy(const Actor &actor, const QString &credential, const QJsonObject &body);
    Outcome removePolicy(const Actor &actor, const QString &credential);

    static QJsonObject toJson(const store::CredentialRow &row);
    static QJsonObject policyJson(const QString &credential, const store::PolicyRow &policy);

private:
    core::Result<store::CredentialRow> find(const Actor &actor, const QString &name);
    // Applies the fields present in `body` to `row` and checks the seed's validation rules.
    core::Result<void> apply(const QJsonObject &body, store::CredentialRow &row, bool creating);
    core::Result<QByteArray> seal(const store::CredentialRow &row, const QString &value);

    Context &m_ctx;
};

} // namespace tap::admin
