#include "api/account.h"

#include "api/keys.h"
#include "api/validation.h"

#include <QRegularExpression>

namespace tap::api {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

// The first failed result of `results`, else success.
Result<void> firstError(std::initializer_list<Result<void>> results)
{
    for (const Result<void> &r : results) {
        if (!r)
            return r;
    }
    return {};
}

template <typename T>
Result<void> status(const Result<T> &r)
{
    return r ? Result<void>() : Result<void>(r.error());
}

} // namespace

QString normalizedEmail(const QString &email)
{
    return email.trimmed().toLower();
}

Result<SignupInput> SignupInput::decode(const QJsonObject &body)
{
    JsonFields f(body);
    auto known = f.onlyKnown({ key::kTeamName, key::kEmail, key::kPassword, key::kInviteToken });
    auto email = f.string(key::kEmail, true);
    auto password = f.string(key::kPassword, true);
    auto invite = f.string(key::kInviteToken, false);
    auto teamName = f.string(key::kTeamName, invite.ok() && invite->isEmpty());
    if (auto r = firstError(
                { known, status(email), status(password), status(invite), status(teamName) });
        !r)
        return r.error();
    SignupInput in{ *teamName, normalizedEmail(*email), *password, *invite };
    if (auto r = checkEmail(in.email); !r)
        return r.error();
    if (auto r = checkPassword(in.password); !r)
        return r.error();
    if (in.inviteToken.isEmpty()) {
        if (auto r = checkTeamName(in.teamName); !r)
            return r.error();
    }
    return in;
}

QJsonObject SignupInput::encode() const
{
    QJsonObject o{ { key::kEmail, email }, { key::kPassword, password } };
    if (!teamName.isEmpty() || inviteToken.isEmpty()) // without an invitation it is required
        o.insert(key::kTeamName, teamName);
    if (!inviteToken.isEmpty())
        o.insert(key::kInviteToken, inviteToken);
    return o;
}

QJsonObject SignedUp::encode() const
{
    QJsonObject o{ { key::kTeamId, teamId },
                   { key::kAdminId, adminId },
                   { key::kEmail, email },
                   { key::kEmailVerified, emailVerified },
                   { key::kMessage, message } };
    if (!teamName.isEmpty())
        o.insert(key::kTeamName, teamName);
    return o;
}

SignedUp SignedUp::decode(const QJsonObject &o)
{
    return { o.value(key::kTeamId).toString(),      o.value(key::kTeamName).toString(),
             o.value(key::kAdminId).toString(),     o.value(key::kEmail).toString(),
             o.value(key::kEmailVerified).toBool(), o.value(key::kMessage).toString() };
}

Result<VerifyEmailInput> VerifyEmailInput::decode(const QJsonObject &body)
{
    JsonFields f(body);
    if (auto r = f.onlyKnown({ key::kEmail, key::kCode }); !r)
        return r.error();
    auto email = f.string(key::kEmail, true);
    if (!email)
        return email.error();
    auto code = f.string(key::kCode, true);
    if (!code)
        return code.error();
    static const QRegularExpression sixDigits(QStringLiteral("^[0-9]{6}\\z"));
    if (!sixDigits.match(*code).hasMatch())
        return invalidField(key::kCode,
                            QStringLiteral("code must be the 6 digits from the email."));
    return VerifyEmailInput{ normalizedEmail(*email), *code };
}

QJsonObject VerifyEmailInput::encode() const
{
    return { { key::kEmail, email }, { key::kCode, code } };
}

Result<ResendVerificationInput> ResendVerificationInput::decode(const QJsonObject &body)
{
    JsonFields f(body);
    if (auto r = f.onlyKnown({ key::kEmail }); !r)
        return r.error();
    auto email = f.string(key::kEmail, true);
    if (!email)
        return email.error();
    return ResendVerificationInput{ normalizedEmail(*email) };
}

QJsonObject ResendVerificationInput::encode() const
{
    return { { key::kEmail, email } };
}

QJsonObject Notice::encode() const
{
    QJsonObject o{ { key::kMessage, message } };
    if (emailVerified)
        o.insert(key::kEmailVerified, true);
    return o;
}

Notice Notice::decode(const QJsonObject &o)
{
    return { o.value(key::kMessage).toString(), o.value(key::kEmailVerified).toBool() };
}

Result<LoginInput> LoginInput::decode(const QJsonObject &body)
{
    JsonFields f(body);
    if (auto r = f.onlyKnown({ key::kEmail, key::kPassword, key::kTeamId, key::kInviteToken }); !r)
        return r.error();
    auto email = f.string(key::kEmail, true);
    auto password = f.string(key::kPassword, true);
    auto teamId = f.string(key::kTeamId, false);
    auto invite = f.string(key::kInviteToken, false);
    if (auto r = firstError({ status(email), status(password), status(teamId), status(invite) });
        !r)
        return r.error();
    return LoginInput{ normalizedEmail(*email), *password, *teamId, *invite };
}

QJsonObject LoginInput::encode() const
{
    QJsonObject o{ { key::kEmail, email }, { key::kPassword, password } };
    if (!teamId.isEmpty())
        o.insert(key::kTeamId, teamId);
    if (!inviteToken.isEmpty())
        o.insert(key::kInviteToken, inviteToken);
    return o;
}

QJsonObject Session::encode() const
{
    return { { key::kSessionToken, sessionToken },
             { key::kAdminId, adminId },
             { key::kTeamId, teamId },
             { key::kRole, memberRoleName(role) },
             { key::kExpiresAt, expiresAt } };
}

Session Session::decode(const QJsonObject &o)
{
    return { o.value(key::kSessionToken).toString(), o.value(key::kAdminId).toString(),
             o.value(key::kTeamId).toString(),
             parseMemberRole(o.value(key::kRole).toString()).value_or(MemberRole::Approver),
             o.value(key::kExpiresAt).toString() };
}

QJsonObject LoggedOut::encode() const
{
    return { { key::kStatus, QStringLiteral("logged_out") } };
}

} // namespace tap::api
