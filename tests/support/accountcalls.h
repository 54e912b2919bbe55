// The account and member services spoken to in the admin API's wire format, as the account
// logic tests (tests/service/tst_accounts*.cpp, accountsfixture.h) drive them: a JSON body is
// decoded by the common/api type the admin API decodes it with, the typed service is called, and
// its answer becomes what the HTTP adapter sends (app::toResponse(): the status it picks and the
// encoded body). Errors stay core::Errors, so that tests compare their codes.
#pragma once

#include "admin/accounts.h"
#include "admin/members.h"
#include "app/adminresponse.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <functional>
#include <utility>

namespace tap::test {

// What the admin API answers on success: the HTTP status and the JSON body.
struct Reply
{
    int status = 200;
    QJsonObject body;
};
using Outcome = tap::core::Result<Reply>;
using OutcomeCallback = std::function<void(Outcome)>;

// A typed result as the HTTP adapter answers it.
template <typename T>
Outcome answered(const tap::core::Result<T> &result,
                 tap::app::Success success = tap::app::Success::Ok)
{
    if (!result)
        return result.error();
    const tap::http::Response r = tap::app::toResponse(result, success);
    return Reply{ r.status, QJsonDocument::fromJson(r.body).object() };
}

// `f` on `body` decoded as `In`, or the decoding error.
template <typename In, typename F>
Outcome withDecoded(const QJsonObject &body, F &&f)
{
    auto in = In::decode(body);
    if (!in)
        return in.error();
    return std::forward<F>(f)(in.value());
}

class AccountCalls
{
public:
    explicit AccountCalls(tap::admin::AccountService &service) : m_service(service) { }

    // POST /signup (created: 201).
    void signup(const QJsonObject &body, const QString &remoteAddr, QObject *context,
                OutcomeCallback done)
    {
        auto in = tap::api::SignupInput::decode(body);
        if (!in)
            return done(in.error());
        m_service.signup(in.value(), remoteAddr, context,
                         [done](tap::core::Result<tap::api::SignedUp> r) {
                             done(answered(r, tap::app::Success::Created));
                         });
    }
    void login(const QJsonObject &body, const QString &remoteAddr, QObject *context,
               OutcomeCallback done)
    {
        auto in = tap::api::LoginInput::decode(body);
        if (!in)
            return done(in.error());
        m_service.login(in.value(), remoteAddr, context,
                        [done](tap::core::Result<tap::api::Session> r) { done(answered(r)); });
    }
    Outcome verifyEmail(const QJsonObject &body)
    {
        return withDecoded<tap::api::VerifyEmailInput>(
                body, [this](const auto &in) { return answered(m_service.verifyEmail(in)); });
    }
    Outcome resendVerification(const QJsonObject &body)
    {
        return withDecoded<tap::api::ResendVerificationInput>(body, [this](const auto &in) {
            return answered(m_service.resendVerification(in));
        });
    }
    Outcome logout(const QByteArray &authorization)
    {
        return answered(m_service.logout(authorization));
    }
    tap::core::Result<tap::admin::Actor> authenticate(const QByteArray &authorization,
                                                      const QString &remoteAddr)
    {
        return m_service.authenticate(authorization, remoteAddr);
    }

private:
    tap::admin::AccountService &m_service;
};

class MemberCalls
{
public:
    explicit MemberCalls(tap::admin::MemberService &service) : m_service(service) { }

    Outcome team(const tap::admin::Actor &actor) { return answered(m_service.team(actor)); }
    Outcome list(const tap::admin::Actor &actor) { return answered(m_service.list(actor)); }
    // POST /admin/members/invite (created: 201).
    Outcome invite(const tap::admin::Actor &actor, const QJsonObject &body)
    {
        return withDecoded<tap::api::InviteInput>(body, [&](const auto &in) {
            return answered(m_service.invite(actor, in), tap::app::Success::Created);
        });
    }
    Outcome update(const tap::admin::Actor &actor, const QString &userId, const QJsonObject &body)
    {
        return withDecoded<tap::api::MemberRoleInput>(body, [&](const auto &in) {
            return answered(m_service.update(actor, userId, in));
        });
    }
    Outcome remove(const tap::admin::Actor &actor, const QString &userId)
    {
        return answered(m_service.remove(actor, userId));
    }

private:
    tap::admin::MemberService &m_service;
};

} // namespace tap::test
