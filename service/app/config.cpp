#include "app/config.h"

#include <QCommandLineParser>
#include <QDir>
#include <QHostAddress>
#include <QRegularExpression>
#include <QThread>

namespace tap::app {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

struct Option
{
    const char *flag; // without dashes; empty for env-only
    const char *env;
    const char *valueName;
    const char *help;
};

// The one table of options: --help, parsing and validation all read it.
const Option kOptions[] = {
    { "listen", "TAP_LISTEN", "HOST:PORT",
      "HTTP listen address (port 0 picks a free port). Default 127.0.0.1:8080." },
    { "data-dir", "TAP_DATA_DIR", "DIR",
      "State directory, created 0700. Default $XDG_DATA_HOME/tap." },
    { "database", "TAP_DATABASE_URL", "URL",
      "sqlite:PATH or postgres://user:pass@host:port/db. Default sqlite:<data-dir>/tap.db." },
    { "master-key-file", "TAP_MASTER_KEY_FILE", "PATH",
      "Key-encryption key file (64 hex digits), created 0600 on first start. TAP_MASTER_KEY (64 "
      "hex) instead of a file. Default <data-dir>/master.key." },
    { "public-url", "TAP_PUBLIC_URL", "URL",
      "Base of approval links and the WebAuthn origin. Default http://<listen>." },
    { "smtp-url", "TAP_SMTP_URL", "URL",
      "smtp://user:pass@host:port or smtps://...; TAP_MAIL_FROM sets the sender." },
    { "mail-from", "TAP_MAIL_FROM", "ADDRESS",
      "Sender address of mails. Default tap@<public-url host>." },
    { "mail-outbox", "TAP_MAIL_OUTBOX", "DIR",
      "Mails are written here as .eml files when no SMTP server is set. Default "
      "<data-dir>/outbox." },
    { "allow-private-targets", "TAP_ALLOW_PRIVATE_TARGETS", "0|1",
      "1 lets /forward reach loopback and private addresses (development and tests only). Default "
      "0." },
    { "forward-timeout", "TAP_FORWARD_TIMEOUT_S", "SECONDS", "Upstream timeout. Default 30." },
    { "approval-timeout", "TAP_APPROVAL_TIMEOUT_S", "SECONDS",
      "How long a pending approval waits. Default 3600." },
    { "max-body-bytes", "TAP_MAX_BODY_BYTES", "BYTES",
      "Largest request body accepted (413 beyond). Default 10485760." },
    { "max-response-buffer-bytes", "TAP_MAX_RESPONSE_BUFFER_BYTES", "BYTES",
      "Largest decoded upstream answer kept whole for an approved request's poll (502 "
      "upstream_error beyond). Default 10485760." },
    { "upstream-proxy", "TAP_UPSTREAM_PROXY", "URL",
      "http://HOST:PORT forward proxy for upstream requests (tunnelled with CONNECT to the "
      "address tapd checked). Default none; http_proxy and the like are ignored." },
    { "workers", "TAP_WORKERS", "N", "HTTP worker threads. Default: number of cores." },
    { "telegram-api-base", "TAP_TELEGRAM_API_BASE", "URL",
      "Telegram Bot API base. Default https://api.telegram.org." },
    { "telegram-chat-id", "TAP_TELEGRAM_CHAT_ID", "ID", "Default Telegram chat for approvals." },
    { "matrix-homeserver", "TAP_MATRIX_HOMESERVER", "URL",
      "Matrix homeserver for the approval bot." },
    { "audit-file", "TAP_AUDIT_FILE", "PATH",
      "Also append every audit record as one JSON line to this file." },
};

QString defaultDataDir(const QProcessEnvironment &env)
{
    QString base = env.value(QStringLiteral("XDG_DATA_HOME"));
    if (base.isEmpty())
        base = env.value(QStringLiteral("HOME"), QDir::homePath())
                + QStringLiteral("/.local/share");
    return base + QStringLiteral("/tap");
}

Error bad(const QString &what, const QString &why)
{
    return Error(ErrorCode::InvalidRequest, QStringLiteral("%1: %2").arg(what, why));
}

Result<int> positiveInt(const QString &name, const QString &text, int max)
{
    bool ok = false;
    const int v = text.toInt(&ok);
    if (!ok || v <= 0 || v > max)
        return bad(name,
                   QStringLiteral("expected a whole number from 1 to %1, got \"%2\"")
                           .arg(max)
                           .arg(text));
    return v;
}

Result<bool> boolean(const QString &name, const QString &text)
{
    if (text == u"1" || text == u"true")
        return true;
    if (text == u"0" || text == u"false" || text.isEmpty())
        return false;
    return bad(name, QStringLiteral("expected 0 or 1, got \"%1\"").arg(text));
}

Result<QUrl> httpUrl(const QString &name, const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https")
        || url.host().isEmpty())
        return bad(name,
                   QStringLiteral("expected an http:// or https:// URL, got \"%1\"").arg(text));
    return url;
}

// TAP_UPSTREAM_PROXY: http://host:port (a trailing "/" allowed); no credentials (they would
// show in /proc through the flag), path, query or other scheme.
Result<QUrl> proxyUrl(const QString &text)
{
    const QString name = QStringLiteral("TAP_UPSTREAM_PROXY (--upstream-proxy)");
    const QUrl url(text, QUrl::StrictMode);
    if (!url.userInfo().isEmpty() || text.contains(u'@')) // not echoed: it may hold a password
        return bad(name, QStringLiteral("proxy credentials are not supported"));
    if (!url.isValid() || url.scheme() != u"http" || url.host().isEmpty() || url.port() <= 0
        || (!url.path().isEmpty() && url.path() != u"/") || url.hasQuery() || url.hasFragment())
        return bad(name,
                   QStringLiteral("expected http://HOST:PORT (only http:// proxies are "
                                  "supported), got \"%1\"")
                           .arg(text));
    return url.adjusted(QUrl::RemovePath);
}

// TAP_TEST_UPSTREAM_REDIRECT: http://<loopback address>:PORT[/path], and only where loopback
// targets are allowed anyway (TAP_ALLOW_PRIVATE_TARGETS=1): never a way to send secrets
// elsewhere in production.
Result<QUrl> testRedirectUrl(const QString &text, bool allowPrivateTargets)
{
    const QString name = QStringLiteral("TAP_TEST_UPSTREAM_REDIRECT");
    if (!allowPrivateTargets)
        return bad(name, QStringLiteral("needs TAP_ALLOW_PRIVATE_TARGETS=1 (tests only)"));
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != u"http" || url.port() <= 0 || !url.userInfo().isEmpty()
        || url.hasQuery() || url.hasFragment() || !QHostAddress(url.host()).isLoopback())
        return bad(name,
                   QStringLiteral("expected http://127.0.0.1:PORT[/path], got \"%1\"").arg(text));
    return url.adjusted(QUrl::StripTrailingSlash);
}

Result<void> parseListen(Config &c, const QString &text)
{
    const qsizetype colon = text.lastIndexOf(u':');
    QString host = colon < 0 ? QString() : text.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const int port = colon < 0 ? -1 : text.mid(colon + 1).toInt(&ok);
    if (colon < 0 || !ok || port < 0 || port > 65535)
        return bad(QStringLiteral("--listen"),
                   QStringLiteral("expected HOST:PORT with a port from 0 to 65535, got \"%1\"")
                           .arg(text));
    if (host == u"localhost")
        host = QStringLiteral("127.0.0.1");
    QHostAddress address;
    if (host.isEmpty() || host == u"*")
        address = QHostAddress(QHostAddress::AnyIPv4);
    else if (!address.setAddress(host))
        return bad(QStringLiteral("--listen"),
                   QStringLiteral("\"%1\" is not an IP address").arg(host));
    c.listenAddress = address;
    c.listenPort = quint16(port);
    return {};
}

QString helpText(const QCommandLineParser &parser)
{
    QString text = parser.helpText();
    text += QStringLiteral("\nEnvironment (flags win):\n");
    for (const Option &o : kOptions)
        text += QStringLiteral("  %1%2\n")
                        .arg(QString::fromLatin1(o.env), -28)
                        .arg(QStringLiteral("--") + QString::fromLatin1(o.flag));
    text += QStringLiteral("  %1(secret: environment only)\n")
                    .arg(QStringLiteral("TAP_MASTER_KEY"), -28);
    text += QStringLiteral("  %1(secret: environment only)\n")
                    .arg(QStringLiteral("TAP_TELEGRAM_BOT_TOKEN"), -28);
    text += QStringLiteral("  %1(open connections per client address, default 128)\n")
                    .arg(QStringLiteral("TAP_MAX_CONNECTIONS_PER_CLIENT"), -28);
    text += QStringLiteral("  %1(secret: environment only)\n")
                    .arg(QStringLiteral("TAP_MATRIX_ACCESS_TOKEN"), -28);
    text += QStringLiteral("  %1(secret: environment only; Telegram updates by webhook)\n")
                    .arg(QStringLiteral("TAP_TELEGRAM_WEBHOOK_SECRET"), -28);
    text += QStringLiteral("  %1(getUpdates long-poll seconds, default 25)\n")
                    .arg(QStringLiteral("TAP_TELEGRAM_POLL_TIMEOUT_S"), -28);
    text += QStringLiteral("  %1(/sync long-poll seconds, default 30)\n")
                    .arg(QStringLiteral("TAP_MATRIX_SYNC_TIMEOUT_S"), -28);
    text += QStringLiteral("  %1(seconds a process's hold on polling a bot lasts unrenewed; "
                           "default 15)\n")
                    .arg(QStringLiteral("TAP_CHAT_LEASE_S"), -28);
    return text;
}

} // namespace

Result<Config::Parsed> Config::parse(const QStringList &arguments, const QProcessEnvironment &env)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("tapd: the TAP credential proxy service."));
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help(QStringList{ QStringLiteral("h"), QStringLiteral("help") },
                                  QStringLiteral("Show this help and exit."));
    const QCommandLineOption version(QStringLiteral("version"),
                                     QStringLiteral("Print the version and exit."));
    const QCommandLineOption check(
            QStringLiteral("check-config"),
            QStringLiteral("Validate the configuration and exit (0 valid, 1 not)."));
    parser.addOptions({ help, version, check });
    for (const Option &o : kOptions)
        parser.addOption(QCommandLineOption(QString::fromLatin1(o.flag),
                                            QString::fromLatin1(o.help),
                                            QString::fromLatin1(o.valueName)));
    if (!parser.parse(QStringList{ QStringLiteral("tapd") } + arguments))
        return Error(ErrorCode::InvalidRequest, parser.errorText());
    if (!parser.positionalArguments().isEmpty())
        return Error(ErrorCode::InvalidRequest,
                     QStringLiteral("Unexpected argument: %1")
                             .arg(parser.positionalArguments().first()));

    Parsed out;
    if (parser.isSet(help)) {
        out.action = Action::Help;
        out.text = helpText(parser);
        return out;
    }
    if (parser.isSet(version)) {
        out.action = Action::Version;
        out.text = QStringLiteral("tapd %1\n").arg(QStringLiteral(TAP_VERSION));
        return out;
    }
    out.action = parser.isSet(check) ? Action::CheckConfig : Action::Run;

    auto value = [&](const char *flag, const char *envName) -> QString {
        const QString f = QString::fromLatin1(flag);
        if (parser.isSet(f))
            return parser.value(f);
        return env.value(QString::fromLatin1(envName));
    };
    Config &c = out.config;
    if (const QString v = value("listen", "TAP_LISTEN"); !v.isEmpty()) {
        if (auto r = parseListen(c, v); !r)
            return r.error();
    }
    c.dataDir = value("data-dir", "TAP_DATA_DIR");
    if (c.dataDir.isEmpty())
        c.dataDir = defaultDataDir(env);
    c.dataDir = QDir::cleanPath(QDir(c.dataDir).absolutePath());

    const QString db = value("database", "TAP_DATABASE_URL");
    auto url = store::DatabaseUrl::parse(
            db.isEmpty() ? QStringLiteral("sqlite:") + c.dataDir + QStringLiteral("/tap.db") : db);
    if (!url)
        return bad(QStringLiteral("--database"), url.error().message());
    c.database = url.value();

    c.masterKeyFile = value("master-key-file", "TAP_MASTER_KEY_FILE");
    if (c.masterKeyFile.isEmpty())
        c.masterKeyFile = c.dataDir + QStringLiteral("/master.key");
    c.masterKeyHex = env.value(QStringLiteral("TAP_MASTER_KEY")).toLatin1();

    const QString listenHost = c.listenAddress.protocol() == QAbstractSocket::IPv6Protocol
            ? u'[' + c.listenAddress.toString() + u']'
            : c.listenAddress.toString();
    const QString publicUrl = value("public-url", "TAP_PUBLIC_URL");
    auto pub = httpUrl(QStringLiteral("--public-url"),
                       publicUrl.isEmpty()
                               ? QStringLiteral("http://%1:%2").arg(listenHost).arg(c.listenPort)
                               : publicUrl);
    if (!pub)
        return pub.error();
    c.publicUrl = pub.value();

    if (const QString smtp = value("smtp-url", "TAP_SMTP_URL"); !smtp.isEmpty()) {
        c.smtpUrl = QUrl(smtp, QUrl::StrictMode);
        if (!c.smtpUrl.isValid()
            || (c.smtpUrl.scheme() != u"smtp" && c.smtpUrl.scheme() != u"smtps")
            || c.smtpUrl.host().isEmpty())
            return bad(QStringLiteral("--smtp-url"),
                       QStringLiteral("expected smtp://user:pass@host:port or smtps://..."));
    }
    c.mailFrom = value("mail-from", "TAP_MAIL_FROM");
    if (c.mailFrom.isEmpty())
        c.mailFrom = QStringLiteral("tap@") + c.publicUrl.host();
    else if (!c.mailFrom.contains(u'@') || c.mailFrom.contains(u'\n') || c.mailFrom.contains(u'\r'))
        return bad(QStringLiteral("--mail-from"), QStringLiteral("expected an email address"));
    c.mailOutbox = value("mail-outbox", "TAP_MAIL_OUTBOX");
    if (c.mailOutbox.isEmpty())
        c.mailOutbox = c.dataDir + QStringLiteral("/outbox");

    auto allow = boolean(QStringLiteral("TAP_ALLOW_PRIVATE_TARGETS"),
                         value("allow-private-targets", "TAP_ALLOW_PRIVATE_TARGETS"));
    if (!allow)
        return allow.error();
    c.allowPrivateTargets = allow.value();

    struct IntOption
    {
        const char *flag;
        const char *env;
        int max;
        int *target;
    };
    int maxBody = int(c.maxBodyBytes);
    int maxResponse = int(c.maxResponseBufferBytes);
    c.workers = qMax(1, QThread::idealThreadCount());
    const IntOption ints[] = {
        { "forward-timeout", "TAP_FORWARD_TIMEOUT_S", 3600, &c.forwardTimeoutS },
        { "approval-timeout", "TAP_APPROVAL_TIMEOUT_S", 30 * 86400, &c.approvalTimeoutS },
        { "max-body-bytes", "TAP_MAX_BODY_BYTES", 1024 * 1024 * 1024, &maxBody },
        { "max-response-buffer-bytes", "TAP_MAX_RESPONSE_BUFFER_BYTES", 256 * 1024 * 1024,
          &maxResponse },
        { "workers", "TAP_WORKERS", 256, &c.workers },
    };
    for (const IntOption &o : ints) {
        const QString v = value(o.flag, o.env);
        if (v.isEmpty())
            continue;
        auto n = positiveInt(QStringLiteral("%1 (--%2)")
                                     .arg(QString::fromLatin1(o.env), QString::fromLatin1(o.flag)),
                             v, o.max);
        if (!n)
            return n.error();
        *o.target = n.value();
    }
    c.maxBodyBytes = maxBody;
    c.maxResponseBufferBytes = maxResponse;
    if (const QString v = value("upstream-proxy", "TAP_UPSTREAM_PROXY"); !v.isEmpty()) {
        auto proxy = proxyUrl(v);
        if (!proxy)
            return proxy.error();
        c.upstreamProxy = proxy.value();
    }
    if (const QString v = env.value(QStringLiteral("TAP_TEST_UPSTREAM_REDIRECT")); !v.isEmpty()) {
        auto redirect = testRedirectUrl(v, c.allowPrivateTargets);
        if (!redirect)
            return redirect.error();
        c.testUpstreamRedirect = redirect.value();
    }
    if (const QString v = env.value(QStringLiteral("TAP_HOUSEKEEPING_INTERVAL_MS")); !v.isEmpty()) {
        auto n = positiveInt(QStringLiteral("TAP_HOUSEKEEPING_INTERVAL_MS"), v, 3600 * 1000);
        if (!n)
            return n.error();
        c.housekeepingMs = qMax(50, n.value());
    }

    if (const QString v = env.value(QStringLiteral("TAP_SIGNUPS_PER_HOUR")); !v.isEmpty()) {
        auto n = positiveInt(QStringLiteral("TAP_SIGNUPS_PER_HOUR"), v, 1000000);
        if (!n)
            return n.error();
        c.signupsPerHour = n.value();
    }

    if (const QString v = env.value(QStringLiteral("TAP_MAX_CONNECTIONS_PER_CLIENT"));
        !v.isEmpty()) {
        auto n = positiveInt(QStringLiteral("TAP_MAX_CONNECTIONS_PER_CLIENT"), v, 1000000);
        if (!n)
            return n.error();
        c.maxConnectionsPerClient = n.value();
    }

    c.telegramBotToken = env.value(QStringLiteral("TAP_TELEGRAM_BOT_TOKEN"));
    const QString tgBase = value("telegram-api-base", "TAP_TELEGRAM_API_BASE");
    auto tg = httpUrl(QStringLiteral("TAP_TELEGRAM_API_BASE"),
                      tgBase.isEmpty() ? QStringLiteral("https://api.telegram.org") : tgBase);
    if (!tg)
        return tg.error();
    c.telegramApiBase = tg.value();
    c.telegramChatId = value("telegram-chat-id", "TAP_TELEGRAM_CHAT_ID");
    if (const QString hs = value("matrix-homeserver", "TAP_MATRIX_HOMESERVER"); !hs.isEmpty()) {
        auto m = httpUrl(QStringLiteral("TAP_MATRIX_HOMESERVER"), hs);
        if (!m)
            return m.error();
        c.matrixHomeserver = m.value();
    }
    c.matrixAccessToken = env.value(QStringLiteral("TAP_MATRIX_ACCESS_TOKEN"));
    // Approval bots: the webhook secret is a secret (environment only); Telegram allows
    // secret_token values of 1-256 characters A-Z, a-z, 0-9, _ and -.
    c.telegramWebhookSecret = env.value(QStringLiteral("TAP_TELEGRAM_WEBHOOK_SECRET"));
    static const QRegularExpression secretRe(QStringLiteral("^[A-Za-z0-9_-]{1,256}$"));
    if (!c.telegramWebhookSecret.isEmpty() && !secretRe.match(c.telegramWebhookSecret).hasMatch())
        return bad(QStringLiteral("TAP_TELEGRAM_WEBHOOK_SECRET"),
                   QStringLiteral("expected 1 to 256 characters A-Z, a-z, 0-9, _ or -"));
    const struct
    {
        const char *env;
        int *target;
    } chatSeconds[] = { { "TAP_TELEGRAM_POLL_TIMEOUT_S", &c.telegramPollTimeoutS },
                        { "TAP_MATRIX_SYNC_TIMEOUT_S", &c.matrixSyncTimeoutS },
                        { "TAP_CHAT_LEASE_S", &c.chatLeaseS } };
    for (const auto &o : chatSeconds) {
        const QString name = QString::fromLatin1(o.env);
        if (const QString v = env.value(name); !v.isEmpty()) {
            auto n = positiveInt(name, v, 300);
            if (!n)
                return n.error();
            *o.target = n.value();
        }
    }
    c.auditFile = value("audit-file", "TAP_AUDIT_FILE");
    return out;
}

} // namespace tap::app
