// login, logout, whoami, profile list. Wire: POST /login {email, password[, team_id]} →
// {session_token, team_id, …}; POST /logout; GET /admin/team → {id, name, your_role}.
// Where the session is kept: session.h (the keychain, shared with tap-console).
#include "commands.h"
#include "context.h"

#include "api/account.h"
#include "api/keys.h"

#include <QEventLoop>
#include <QFile>

namespace tap::cli {

using namespace Qt::StringLiterals;

namespace {

int login(Context &ctx, const Invocation &inv)
{
    QString email = inv.value(u"email"_s);
    if (email.isEmpty() && !inv.profile.isEmpty())
        email = ctx.profile().email;
    if (email.isEmpty())
        email = ctx.promptLine(u"Email: "_s);
    if (email.isEmpty())
        return ctx.error(u"no email: pass --email ADDRESS"_s);
    bool ok = false;
    QString password = ctx.readSecret(inv, u"password-file"_s, u"Password: "_s, &ok);
    if (!ok)
        return kError;
    password = password.section(u'\n', 0, 0);
    if (password.isEmpty())
        return ctx.error(u"no password given (type it at the prompt, or use --password-file PATH "
                         "or stdin)"_s);
    const Context::Reply r = [&] {
        QEventLoop loop;
        Context::Reply out;
        ctx.client().login(email, password, inv.value(u"team"_s), {},
                           [&](const Context::Reply &reply) {
                               out = reply;
                               loop.quit();
                           });
        loop.exec();
        return out;
    }();
    if (!r.ok())
        return ctx.fail(r);
    const api::Session session = api::Session::decode(r.body);
    StoredSession s{ ctx.url(), email, session.teamId, session.sessionToken };
    const SaveOutcome kept = saveSession(s);
    if (!kept.error.isEmpty())
        return ctx.error(kept.error);
    if (!kept.inKeychain)
        ctx.warn(u"no system keychain is reachable (%1); the session is kept in %2 (readable by "
                 "you only)"_s.arg(kept.keychainError.simplified(), SessionFile::path()));
    const QString where = kept.inKeychain ? u"the system keychain"_s : SessionFile::path();
    if (ctx.json()) {
        ctx.printJson(QJsonObject{
                { u"url"_s, s.url },
                { u"email"_s, s.email },
                { u"team_id"_s, s.teamId },
                { u"profile"_s, Profile{ s.url, s.email }.key() },
                { u"keychain"_s, kept.inKeychain },
                { u"session_file"_s, kept.inKeychain ? QJsonValue() : SessionFile::path() } });
        return kOk;
    }
    ctx.print(u"Logged in to %1 as %2 (team %3)."_s.arg(s.url, s.email, s.teamId));
    ctx.print(u"Session saved in %1."_s.arg(where));
    return kOk;
}

int logout(Context &ctx, const Invocation &)
{
    if (ctx.client().hasSession()) {
        QEventLoop loop;
        ctx.client().logout([&loop](const Context::Reply &) { loop.quit(); });
        loop.exec();
    }
    // TAP_SESSION: that session ended, the saved login left alone.
    if (ctx.sessionFromEnvironment()) {
        if (!ctx.json())
            ctx.print(u"Logged out (the session of TAP_SESSION)."_s);
        return kOk;
    }
    Profile profile = ctx.profile();
    if (!profile.isValid() || profile.url != ctx.url())
        profile = Profile{ ctx.stored().url, ctx.stored().email };
    const bool had = forgetSession(profile);
    const StoredSession left = SessionFile::load();
    if (!left.token.isEmpty() && Profile{ left.url, left.email } == profile)
        return ctx.error(u"cannot remove %1"_s.arg(SessionFile::path()));
    if (!ctx.json())
        ctx.print(had ? u"Logged out."_s : u"Not logged in."_s);
    return kOk;
}

// The saved logins (shared with tap-console), the one in use first.
int profileList(Context &ctx, const Invocation &)
{
    QJsonArray rows;
    for (const Profile &p : ProfileList::load()) {
        rows.append(QJsonObject{ { u"profile"_s, p.key() },
                                 { u"email"_s, p.email },
                                 { u"url"_s, p.url },
                                 { u"current"_s, p == ctx.profile() } });
    }
    if (ctx.json()) {
        ctx.printJson(QJsonObject{ { u"items"_s, rows } });
        return kOk;
    }
    if (rows.isEmpty()) {
        ctx.print(u"(none: 'tap login' saves one)"_s);
        return kOk;
    }
    ctx.printTable(
            rows,
            { { u"current"_s, u"CURRENT"_s }, { u"email"_s, u"EMAIL"_s }, { u"url"_s, u"URL"_s } });
    return kOk;
}

int whoami(Context &ctx, const Invocation &)
{
    if (!ctx.requireSession())
        return kError;
    const Context::Reply r = ctx.get(u"/admin/team"_s);
    if (!r.ok())
        return ctx.fail(r);
    const QString email = ctx.sessionFromEnvironment() ? QString() : ctx.stored().email;
    if (ctx.json()) {
        QJsonObject o{ { u"url"_s, ctx.url() },
                       { u"team_id"_s, r.body.value(api::key::kId) },
                       { u"team_name"_s, r.body.value(api::key::kName) },
                       { u"role"_s, r.body.value(api::key::kYourRole) } };
        if (!email.isEmpty())
            o.insert(u"email"_s, email);
        ctx.printJson(o);
        return kOk;
    }
    ctx.print(u"%1%2 of team \"%3\" (%4) on %5"_s.arg(
            email.isEmpty() ? QString() : email + u", "_s,
            r.body.value(api::key::kYourRole).toString(), r.body.value(api::key::kName).toString(),
            r.body.value(api::key::kId).toString(), ctx.url()));
    return kOk;
}

} // namespace

QList<Command> sessionCommands()
{
    return {
        { u"login"_s,
          {},
          u"log in to a TAP server and keep the session"_s,
          {},
          { { u"email"_s, u"ADDRESS"_s, u"the account's email (prompted on a terminal)"_s },
            { u"password-file"_s, u"PATH"_s,
              u"read the password from PATH ('-' = stdin); default: prompt, or stdin"_s },
            { u"team"_s, u"TEAM_ID"_s, u"the team, for a member of several"_s } },
          u"The session token is kept in the system keychain (Secret Service, KWallet), shared "
          "with tap-console; only when no keychain is reachable in "
          "$XDG_CONFIG_HOME/tap/session.json (mode 0600).\n"
          "example: tap login --url https://tap.example.com --email me@example.com"_s,
          login },
        { u"logout"_s, {}, u"end the session and forget it"_s, {}, {}, {}, logout },
        { u"profile"_s,
          u"list"_s,
          u"list the saved logins (shared with tap-console); select one with --profile"_s,
          {},
          {},
          u"example: tap --profile me@example.com whoami"_s,
          profileList },
        { u"whoami"_s,
          {},
          u"show the account, team and server of the session"_s,
          {},
          {},
          {},
          whoami },
    };
}

} // namespace tap::cli
