#include "channels/mailer.h"

#include "channels/mailformat.h"
#include "channels/smtpsession.h"
#include "core/logging.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QSslCertificate>
#include <QSslSocket>
#include <QTimer>
#include <QUrlQuery>

#include <unistd.h>

namespace tap::channels {

Q_LOGGING_CATEGORY(lcMail, "tap.mail")

using namespace Qt::Literals::StringLiterals;
using core::Error;
using core::ErrorCode;

namespace {

// Verification and approval mails are a few lines; anything near this is a bug upstream.
constexpr qsizetype kMaxBodyChars = 1024 * 1024;
constexpr qsizetype kMaxSubjectChars = 998;
// Bounds memory when the SMTP server is down for a long time.
constexpr int kMaxPending = 1000;

Error invalid(const QString &message)
{
    return Error(ErrorCode::InvalidRequest, message);
}

QString cafileOf(const QUrl &url)
{
    return QUrlQuery(url).queryItemValue(u"cafile"_s, QUrl::FullyDecoded);
}

bool isSmtps(const QUrl &url)
{
    return url.scheme().compare(u"smtps"_s, Qt::CaseInsensitive) == 0;
}

} // namespace

Mailer::Mailer(const MailerConfig &config, QObject *parent) : QObject(parent), m_config(config)
{
    if (const auto valid = validate(config); !valid.ok())
        m_configError = valid.error();
    if (m_config.from.trimmed().isEmpty())
        m_config.from = u"tap@localhost"_s;
    if (!m_config.smtpUrl.isEmpty()) {
        m_password =
                core::SecretBytes::adopt(m_config.smtpUrl.password(QUrl::FullyDecoded).toUtf8());
        m_config.smtpUrl.setPassword(QString());
        m_sslConfig = QSslConfiguration::defaultConfiguration();
        const QString cafile = cafileOf(m_config.smtpUrl);
        if (!cafile.isEmpty()) {
            // Added to, not instead of, the system's trust store.
            m_sslConfig.setCaCertificates(QSslConfiguration::systemCaCertificates()
                                          + QSslCertificate::fromPath(cafile, QSsl::Pem));
        }
    }
}

Mailer::~Mailer()
{
    if (const int pending = m_pending.load(); pending > 0) {
        core::logEvent(lcMail(), QtWarningMsg, u"mail.dropped"_s,
                       { { u"reason"_s, u"shutdown"_s }, { u"count"_s, pending } });
    }
}

core::Result<void> Mailer::validate(const MailerConfig &config)
{
    if (config.timeoutMs <= 0)
        return invalid(u"The mail timeout must be positive"_s);
    for (int delay : config.retryDelaysMs) {
        if (delay < 0)
            return invalid(u"Mail retry delays must not be negative"_s);
    }
    if (!config.from.trimmed().isEmpty()) {
        if (auto from = parseMailbox(config.from, u"TAP_MAIL_FROM"_s); !from.ok())
            return from.error();
    }
    const QUrl &url = config.smtpUrl;
    if (url.isEmpty()) {
        if (config.outboxDir.isEmpty())
            return invalid(u"No SMTP URL and no mail outbox directory are set"_s);
        return {};
    }
    // Messages never quote the URL: it may hold the password.
    if (!url.isValid())
        return invalid(u"The SMTP URL is not valid"_s);
    const QString scheme = url.scheme().toLower();
    if (scheme != u"smtp"_s && scheme != u"smtps"_s)
        return invalid(u"The SMTP URL must start with smtp:// or smtps://"_s);
    if (url.host().isEmpty())
        return invalid(u"The SMTP URL has no host"_s);
    if (!url.path().isEmpty() && url.path() != u"/"_s)
        return invalid(u"The SMTP URL must not have a path"_s);
    if (url.hasFragment())
        return invalid(u"The SMTP URL must not have a fragment"_s);
    const auto items = QUrlQuery(url).queryItems(QUrl::FullyDecoded);
    for (const auto &[key, value] : items) {
        if (key != u"cafile"_s)
            return invalid(u"Unknown SMTP URL parameter: "_s + key);
    }
    const QString cafile = cafileOf(url);
    if (isSmtps(url) || !cafile.isEmpty()) {
        if (!QSslSocket::supportsSsl())
            return invalid(u"TLS is not available for SMTP"_s);
    }
    if (!cafile.isEmpty() && QSslCertificate::fromPath(cafile, QSsl::Pem).isEmpty())
        return invalid(u"No PEM certificate could be read from the SMTP cafile "_s + cafile);
    return {};
}

core::Result<void> Mailer::send(const MailMessage &message)
{
    if (m_configError)
        return *m_configError;
    auto from = parseMailbox(m_config.from, u"The sender"_s);
    if (!from.ok())
        return from.error();
    auto to = parseMailbox(message.to, u"The recipient"_s);
    if (!to.ok())
        return to.error();
    if (message.subject.contains(u'\r') || message.subject.contains(u'\n'))
        return invalid(u"The subject must not contain line breaks"_s);
    if (hasControl(message.subject))
        return invalid(u"The subject must not contain control characters"_s);
    if (message.subject.size() > kMaxSubjectChars)
        return invalid(u"The subject is too long"_s);
    if (message.body.size() > kMaxBodyChars)
        return Error(ErrorCode::PayloadTooLarge, u"The mail body is too large"_s);

    Outgoing o;
    o.to = message.to;
    o.fromAddress = from->address;
    o.toAddress = to->address;
    o.createdMs = QDateTime::currentMSecsSinceEpoch();
    const QByteArray domain = from->address.mid(from->address.lastIndexOf('@') + 1);
    o.messageId = '<' + m_random.bytes(16).toHex() + '@' + domain + '>';
    o.headers = "Date: " + rfc5322Date(o.createdMs) + "\r\n" + "From: " + formatMailbox(*from)
            + "\r\n" + "To: " + formatMailbox(*to) + "\r\n"
            + "Subject: " + formatSubject(message.subject) + "\r\n" + "Message-ID: " + o.messageId
            + "\r\n"
            // RFC 3834: keeps vacation responders from answering a verification mail.
            + "Auto-Submitted: auto-generated\r\n" + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n";
    o.body = normaliseBody(message.body);

    if (usesOutbox()) {
        auto written = writeOutbox(o);
        emit delivered(o.to, written.ok());
        return written;
    }
    if (m_pending.fetch_add(1) >= kMaxPending) {
        m_pending.fetch_sub(1);
        return Error(ErrorCode::Unavailable, u"Too many mails are waiting to be sent"_s)
                .setRetryAfterSeconds(60);
    }
    // The queue and the sockets belong to the Mailer's thread.
    QMetaObject::invokeMethod(
            this, [this, o] { enqueue(o); }, Qt::QueuedConnection);
    return {};
}

core::Result<void> Mailer::writeOutbox(const Outgoing &o)
{
    const auto failed = [&](const QString &path, const QString &why) -> core::Result<void> {
        core::logEvent(lcMail(), QtWarningMsg, u"mail.outbox_failed"_s,
                       { { u"path"_s, path }, { u"reason"_s, why } });
        return Error(ErrorCode::Unavailable, u"The mail could not be written to the outbox"_s);
    };
    const QString dirPath = QDir::cleanPath(m_config.outboxDir);
    QDir dir(dirPath);
    if (!dir.exists()) {
        // The outbox holds verification codes: only the service's user may list it.
        const QFileInfo info(dirPath);
        if (!QDir().mkpath(info.absolutePath()))
            return failed(dirPath, u"cannot create the parent directory"_s);
        if (!QDir().mkdir(dirPath, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner)
            && !dir.exists())
            return failed(dirPath, u"cannot create the directory"_s);
    }
    const QString name = QString::number(o.createdMs) + u'-' + m_random.hexToken(8) + u".eml"_s;
    // A dot name without the .eml suffix: readers that pick up "*.eml" never see it half
    // written; the rename below is atomic within the directory.
    const QString tempPath = dir.filePath(u'.' + name + u".tmp"_s);
    const QString finalPath = dir.filePath(name);
    QFile file(tempPath);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, QFile::ReadOwner | QFile::WriteOwner))
        return failed(tempPath, file.errorString());
    const QByteArray data = renderMessage(o.headers, o.body, true).data;
    const bool written =
            file.write(data) == data.size() && file.flush() && ::fsync(file.handle()) == 0;
    const QString writeError = file.errorString();
    file.close();
    if (!written) {
        QFile::remove(tempPath);
        return failed(tempPath, writeError);
    }
    if (!QFile::rename(tempPath, finalPath)) {
        QFile::remove(tempPath);
        return failed(finalPath, u"rename failed"_s);
    }
    core::logEvent(lcMail(), QtInfoMsg, u"mail.outbox"_s,
                   { { u"file"_s, name }, { u"message_id"_s, QString::fromLatin1(o.messageId) } });
    return {};
}

void Mailer::enqueue(Outgoing outgoing)
{
    m_queue.enqueue(std::move(outgoing));
    startNext();
}

void Mailer::startNext()
{
    if (m_busy || m_queue.isEmpty())
        return;
    Outgoing o = m_queue.dequeue();
    ++o.attempt;
    m_busy = true;

    SmtpSession::Params p;
    p.host = m_config.smtpUrl.host();
    p.implicitTls = isSmtps(m_config.smtpUrl);
    p.port = quint16(m_config.smtpUrl.port(p.implicitTls ? 465 : 25));
    p.user = m_config.smtpUrl.userName(QUrl::FullyDecoded);
    p.password = m_password;
    p.ssl = m_sslConfig;
    p.timeoutMs = m_config.timeoutMs;
    p.fromAddress = o.fromAddress;
    p.toAddress = o.toAddress;
    p.headers = o.headers;
    p.body = o.body;
    p.messageId = o.messageId;
    p.attempt = o.attempt;
    auto *session = new SmtpSession(
            std::move(p),
            [this, o](bool ok, bool permanent) {
                // Deferred: a slot connected to delivered() may do anything, even delete the Mailer,
                // and the session is still on the stack here.
                QMetaObject::invokeMethod(
                        this,
                        [this, o, ok, permanent] {
                            m_busy = false;
                            finishAttempt(o, ok, permanent);
                            startNext();
                        },
                        Qt::QueuedConnection);
            },
            this);
    session->start();
}

void Mailer::finishAttempt(Outgoing o, bool ok, bool permanent)
{
    if (ok) {
        m_pending.fetch_sub(1);
        emit delivered(o.to, true);
        return;
    }
    if (!permanent && o.attempt <= m_config.retryDelaysMs.size()) {
        const int delay = m_config.retryDelaysMs.at(o.attempt - 1);
        core::logEvent(lcMail(), QtInfoMsg, u"mail.retry_scheduled"_s,
                       { { u"message_id"_s, QString::fromLatin1(o.messageId) },
                         { u"attempt"_s, o.attempt },
                         { u"delay_ms"_s, delay } });
        QTimer::singleShot(delay, this, [this, o] { enqueue(o); });
        return;
    }
    core::logEvent(lcMail(), QtWarningMsg, u"mail.failed"_s,
                   { { u"message_id"_s, QString::fromLatin1(o.messageId) },
                     { u"attempts"_s, o.attempt },
                     { u"permanent"_s, permanent } });
    m_pending.fetch_sub(1);
    emit delivered(o.to, false);
}

} // namespace tap::channels
