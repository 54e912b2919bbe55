// init: the first run on the machine where tapd runs. Checks (or creates) tapd's data directory
// and master key (cli/localsetup.h), checks that tapd answers, creates the first account
// (POST /signup {team_name, email, password}; the 6-digit code from tapd's mail outbox, or typed
// in when tapd mails through SMTP; POST /verify-email {email, code}), logs in (POST /login,
// saved like `tap login`) and prints what it did and what to do next. Idempotent: with a valid
// session nothing is read, written or sent beyond the checks.
#include "api/account.h"
#include "api/keys.h"
#include "commands.h"
#include "context.h"
#include "localsetup.h"

#include "api/validation.h"

#include <QDir>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSysInfo>
#include <QThread>

namespace tap::cli {

using namespace Qt::StringLiterals;

namespace {

constexpr int kMailWaitMs = 15000;

QString defaultTeamName()
{
    QString name = QSysInfo::machineHostName().section(u'.', 0, 0).toLower();
    static const QRegularExpression other(u"[^a-z0-9-]+"_s);
    name.replace(other, u"-"_s);
    name = name.left(64);
    while (name.startsWith(u'-'))
        name.remove(0, 1);
    while (name.endsWith(u'-'))
        name.chop(1);
    return api::checkTeamName(name) ? name : u"my-team"_s;
}

class Init
{
public:
    Init(Context &ctx, const Invocation &inv) : m_ctx(ctx), m_inv(inv) { }
    int run();

private:
    bool localFiles();
    bool serverUp();
    int existingSession(); // 1 in place, 0 go on, -1 failed
    bool account();
    QString readPassword(bool *ok);
    bool signUp(const QString &password);
    bool verify(const QString &olderThan);
    bool verifyEarlierSignup();
    QString waitForCode(const QString &olderThan, bool *failed);
    bool saveSession(const Context::Reply &login, const QString &status);
    void report(const QString &label, const QString &text);
    bool bad(const QString &message)
    {
        m_ctx.error(message);
        return false;
    }
    bool bad(const Context::Reply &reply)
    {
        m_ctx.fail(reply);
        return false;
    }
    void nextSteps();

    Context &m_ctx;
    const Invocation &m_inv;
    QString m_dir;
    QString m_email;
    QJsonObject m_out;
    bool m_changed = false;
};

void Init::report(const QString &label, const QString &text)
{
    if (!m_ctx.json())
        m_ctx.print(label.leftJustified(16) + text);
}

bool Init::localFiles()
{
    m_dir = m_inv.value(u"data-dir"_s, local::defaultDataDir());
    const local::Step dir = local::ensureDataDir(m_dir);
    if (!dir.ok)
        return bad(dir.error);
    m_changed |= dir.changed;
    m_out.insert(u"data_dir"_s, QJsonObject{ { u"path"_s, m_dir }, { u"status"_s, dir.status } });
    report(u"data directory"_s,
           u"%1 (%2, mode 0700)"_s.arg(
                   m_dir, dir.status == u"in_place"_s ? u"already in place"_s : dir.status));
    const QString keyFile = local::masterKeyFile(m_dir);
    const local::Step key = local::ensureMasterKey(keyFile, local::sqliteFile(m_dir));
    if (!key.ok)
        return bad(key.error);
    m_changed |= key.changed;
    const bool env = key.status == u"environment"_s;
    m_out.insert(u"master_key"_s,
                 QJsonObject{ { u"path"_s, env ? QJsonValue() : QJsonValue(keyFile) },
                              { u"source"_s, env ? u"TAP_MASTER_KEY"_s : u"file"_s },
                              { u"status"_s, key.status },
                              { u"fingerprint"_s, key.fingerprint } });
    report(u"master key"_s,
           u"%1 (%2), fingerprint %3"_s.arg(
                   env ? u"TAP_MASTER_KEY"_s : keyFile,
                   env ? u"from the environment"_s
                       : (key.changed ? u"created, mode 0600"_s : u"already in place, mode 0600"_s),
                   key.fingerprint));
    return true;
}

bool Init::serverUp()
{
    const Context::Reply r = m_ctx.get(u"/healthz"_s);
    if (r.status == 0)
        return bad(u"cannot reach tapd at %1 (%2): start it (tapd --data-dir %3, or "
                   "systemctl start tapd), then run 'tap init' again"_s.arg(
                           m_ctx.url(), r.errorMessage(), m_dir));
    if (!r.ok())
        return bad(u"tapd at %1 is not healthy (HTTP %2)"_s.arg(m_ctx.url()).arg(r.status));
    m_out.insert(u"server"_s, QJsonObject{ { u"url"_s, m_ctx.url() }, { u"status"_s, u"up"_s } });
    report(u"server"_s, m_ctx.url() + u" is up"_s);
    return true;
}

int Init::existingSession()
{
    if (!m_ctx.client().hasSession())
        return 0;
    const QString wanted = m_inv.value(u"email"_s);
    const QString email = m_ctx.sessionFromEnvironment() ? QString() : m_ctx.stored().email;
    if (!wanted.isEmpty() && !email.isEmpty() && wanted.compare(email, Qt::CaseInsensitive) != 0)
        return 0; // another account is wanted
    const Context::Reply team = m_ctx.get(u"/admin/team"_s);
    if (team.status == 401) { // expired: log in again
        m_ctx.client().setSessionToken({});
        return 0;
    }
    if (!team.ok())
        return bad(team) ? 0 : -1;
    m_email = email;
    m_out.insert(u"account"_s,
                 QJsonObject{ { u"email"_s, email.isEmpty() ? QJsonValue() : email },
                              { u"team_id"_s, team.body.value(api::key::kId) },
                              { u"team_name"_s, team.body.value(api::key::kName) },
                              { u"role"_s, team.body.value(api::key::kYourRole) },
                              { u"status"_s, u"in_place"_s } });
    report(u"account"_s,
           u"%1%2 of team \"%3\" (already in place)"_s.arg(
                   email.isEmpty() ? QString() : email + u", "_s,
                   team.body.value(api::key::kYourRole).toString(),
                   team.body.value(api::key::kName).toString()));
    report(u"session"_s,
           u"logged in (%1)"_s.arg(m_ctx.sessionFromEnvironment() ? u"TAP_SESSION"_s
                                                                  : SessionFile::path()));
    return 1;
}

QString Init::readPassword(bool *ok)
{
    *ok = true;
    if (m_inv.has(u"password-stdin"_s)) {
        Invocation fromStdin;
        fromStdin.values.insert(u"password-file"_s, u"-"_s);
        return m_ctx.readSecret(fromStdin, u"password-file"_s, {}, ok).section(u'\n', 0, 0);
    }
    return m_ctx.readSecret(m_inv, u"password-file"_s, u"Password for %1: "_s.arg(m_email), ok)
            .section(u'\n', 0, 0);
}

bool Init::account()
{
    m_ctx.client().setSessionToken({});
    m_email = m_inv.value(u"email"_s);
    if (m_email.isEmpty() && m_ctx.stored().url == m_ctx.url())
        m_email = m_ctx.stored().email;
    if (m_email.isEmpty())
        m_email = m_ctx.promptLine(u"Email of the first account: "_s);
    if (m_email.isEmpty())
        return bad(u"no email: pass --email ADDRESS"_s);
    bool ok = false;
    const QString password = readPassword(&ok);
    if (!ok)
        return false;
    if (password.isEmpty())
        return bad(u"no password given (type it at the prompt, or use --password-stdin "
                   "or --password-file PATH)"_s);
    const QJsonObject credentials = api::LoginInput{ m_email, password, {}, {} }.encode();
    Context::Reply r = m_ctx.post(u"/login"_s, credentials);
    QString status = u"logged_in"_s;
    if (r.status == 401) { // no such account (a wrong password shows at sign-up)
        if (!signUp(password))
            return false;
        status = u"signed_up"_s;
        r = m_ctx.post(u"/login"_s, credentials);
    } else if (r.status == 403) { // signed up earlier, not verified yet
        status = u"verified"_s;
        if (!verifyEarlierSignup())
            return false;
        r = m_ctx.post(u"/login"_s, credentials);
    }
    if (!r.ok())
        return bad(r);
    return saveSession(r, status);
}

bool Init::signUp(const QString &password)
{
    if (Context::stdinIsTerminal() && !m_inv.has(u"password-stdin"_s)
        && !m_inv.has(u"password-file"_s)) {
        bool ok = false;
        if (m_ctx.readSecret(Invocation{}, u"password-file"_s, u"Repeat the password: "_s, &ok)
            != password)
            return bad(u"the passwords differ; nothing was created"_s);
    }
    const QString team = m_inv.value(u"team"_s, defaultTeamName());
    QString unused;
    const QString before = local::latestCode(local::outboxDir(m_dir), m_email, &unused).file;
    const Context::Reply r =
            m_ctx.post(u"/signup"_s, api::SignupInput{ team, m_email, password, {} }.encode());
    if (r.status == 409 && r.errorMessage().contains(u"already exists"_s))
        return bad(u"%1 already has an account and this is not its password (try again, "
                   "or 'tap login')"_s.arg(m_email));
    if (r.status == 409)
        return bad(r.errorMessage().simplified() + u" Choose another with --team NAME."_s);
    if (!r.ok())
        return bad(r);
    m_changed = true;
    report(u"account"_s, u"%1 signed up, owner of the new team \"%2\""_s.arg(m_email, team));
    return verify(before);
}

QString Init::waitForCode(const QString &olderThan, bool *failed)
{
    const QString outbox = local::outboxDir(m_dir);
    QElapsedTimer timer;
    timer.start();
    while (QDir(outbox).exists()) { // absent: tapd mails through SMTP
        QString error;
        const local::Mail mail = local::latestCode(outbox, m_email, &error);
        if (!error.isEmpty()) {
            *failed = true;
            m_ctx.error(error);
            return {};
        }
        if (!mail.code.isEmpty() && mail.file > olderThan)
            return mail.code;
        if (timer.elapsed() > kMailWaitMs)
            break;
        QThread::msleep(200);
    }
    return {};
}

// The code already in the outbox (still good for 15 minutes), else a new one.
bool Init::verifyEarlierSignup()
{
    QString error;
    const local::Mail mail = local::latestCode(local::outboxDir(m_dir), m_email, &error);
    if (!error.isEmpty())
        return bad(error);
    if (!mail.code.isEmpty()) {
        const Context::Reply r = m_ctx.post(u"/verify-email"_s,
                                            api::VerifyEmailInput{ m_email, mail.code }.encode());
        if (r.ok()) {
            m_changed = true;
            report(u"email"_s, u"verified with the code from tapd's mail outbox"_s);
            return true;
        }
        if (r.status != 400) // an old code is 400; anything else is worth telling
            return bad(r);
    }
    if (const Context::Reply again = m_ctx.post(u"/resend-verification"_s,
                                                api::ResendVerificationInput{ m_email }.encode());
        !again.ok())
        return bad(again);
    return verify(mail.file);
}

bool Init::verify(const QString &olderThan)
{
    bool failed = false;
    QString code = waitForCode(olderThan, &failed);
    if (failed)
        return false;
    const bool fromOutbox = !code.isEmpty();
    if (code.isEmpty())
        code = m_ctx.promptLine(u"Verification code mailed to %1: "_s.arg(m_email));
    if (code.isEmpty())
        return bad(u"no verification code for %1 in %2; if tapd sends mail through SMTP, "
                   "run 'tap init' again on a terminal and type the code from the mail"_s.arg(
                           m_email, local::outboxDir(m_dir)));
    const Context::Reply r =
            m_ctx.post(u"/verify-email"_s, api::VerifyEmailInput{ m_email, code }.encode());
    if (!r.ok())
        return bad(r);
    m_changed = true;
    report(u"email"_s,
           fromOutbox ? u"verified with the code from tapd's mail outbox"_s : u"verified"_s);
    return true;
}

bool Init::saveSession(const Context::Reply &login, const QString &status)
{
    const api::Session session = api::Session::decode(login.body);
    const StoredSession s{ m_ctx.url(), m_email, session.teamId, session.sessionToken };
    if (const QString why = SessionFile::save(s); !why.isEmpty())
        return bad(why);
    m_changed = true;
    m_ctx.client().setSessionToken(s.token);
    const Context::Reply team = m_ctx.get(u"/admin/team"_s);
    m_out.insert(u"account"_s,
                 QJsonObject{ { u"email"_s, m_email },
                              { u"team_id"_s, s.teamId },
                              { u"team_name"_s, team.body.value(api::key::kName) },
                              { u"role"_s, team.body.value(api::key::kYourRole) },
                              { u"status"_s, status } });
    report(u"session"_s,
           u"logged in as %1; saved in %2 (readable by you only)"_s.arg(m_email,
                                                                        SessionFile::path()));
    return true;
}

void Init::nextSteps()
{
    const QList<std::pair<QString, QString>> steps{
        { u"tap add NAME --api-base https://api.example.com"_s,
          u"store a credential (its value is prompted)"_s },
        { u"tap policy set NAME --auto-approve-methods GET"_s,
          u"what goes through without approval"_s },
        { u"tap agent create --name my-agent --credentials NAME"_s,
          u"an agent (its API key is shown once)"_s },
        { u"tap test NAME"_s, u"one request through /forward, step by step"_s },
        { u"tap status"_s, u"health, counts and pending approvals"_s },
    };
    QJsonArray commands;
    for (const auto &step : steps)
        commands.append(step.first);
    m_out.insert(u"changed"_s, m_changed);
    m_out.insert(u"session_file"_s, SessionFile::path());
    m_out.insert(u"next_steps"_s, commands);
    if (m_ctx.json())
        return m_ctx.printJson(m_out);
    m_ctx.print(m_changed ? QString() : u"\nEverything was already in place; nothing changed."_s);
    m_ctx.print(u"Next steps:"_s);
    for (const auto &[command, what] : steps)
        m_ctx.print(u"  "_s + command.leftJustified(54) + what);
}

int Init::run()
{
    if (!localFiles() || !serverUp())
        return kError;
    const int session = existingSession();
    if (session < 0 || (session == 0 && !account()))
        return kError;
    nextSteps();
    return kOk;
}

int init(Context &ctx, const Invocation &inv)
{
    return Init(ctx, inv).run();
}

} // namespace

QList<Command> initCommands()
{
    return {
        { u"init"_s,
          {},
          u"first run next to tapd: data directory, master key, first account and session"_s,
          {},
          { { u"data-dir"_s, u"DIR"_s,
              u"tapd's data directory (default: TAP_DATA_DIR, else $XDG_DATA_HOME/tap)"_s },
            { u"email"_s, u"ADDRESS"_s, u"the first account's email (prompted on a terminal)"_s },
            { u"team"_s, u"NAME"_s,
              u"the new team's name (lowercase, digits, '-'; default: the host name)"_s },
            { u"password-stdin"_s, {}, u"read the password from stdin"_s },
            { u"password-file"_s, u"PATH"_s, u"read the password from PATH"_s } },
          u"Run it after starting tapd, as the user tapd runs as (or root); it is safe to run "
          u"again.\n"
          "The key file and mail outbox follow tapd's TAP_MASTER_KEY_FILE, TAP_MASTER_KEY and "
          "TAP_MAIL_OUTBOX.\n"
          "example: tap init --email me@example.com"_s,
          init },
    };
}

} // namespace tap::cli
