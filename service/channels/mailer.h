#pragma once

#include "core/random.h"
#include "core/result.h"
#include "core/secretbytes.h"

#include <QList>
#include <QLoggingCategory>
#include <QObject>
#include <QQueue>
#include <QSslConfiguration>
#include <QString>
#include <QUrl>

#include <atomic>
#include <optional>

namespace tap::channels {

Q_DECLARE_LOGGING_CATEGORY(lcMail)

struct MailMessage
{
    QString to; // "addr@example.com" or "Display Name <addr@example.com>"
    QString subject; // one line; CR/LF are refused
    QString body; // plain text; line endings are normalised to CRLF
};

struct MailerConfig
{
    // smtp://[user:pass@]host[:port][?cafile=/path/ca.pem] (port 25, STARTTLS when offered)
    // or smtps://… (implicit TLS, port 465). Empty: messages go to outboxDir as .eml files.
    QUrl smtpUrl;
    QString from; // "addr" or "Name <addr>"; empty means tap@localhost
    QString outboxDir;
    int timeoutMs = 30000; // for every SMTP step (connect, TLS handshake, each reply)
    // Delay before each retry of a transiently failed message; its length is the retry count.
    QList<int> retryDelaysMs = { 1000, 5000, 25000 };
};

// Sends plain-text mails (verification codes, approval notices), either over SMTP or into an
// outbox directory. The object lives in the thread that created it, which must run an event
// loop; SMTP sessions run there, one message per session and one session at a time.
//
// Never logged: the SMTP password, message bodies and subjects (both can carry codes).
class Mailer : public QObject
{
    Q_OBJECT

public:
    explicit Mailer(const MailerConfig &config, QObject *parent = nullptr);
    ~Mailer() override;

    // Checks a configuration without building a Mailer (for --check-config).
    static core::Result<void> validate(const MailerConfig &config);

    bool usesOutbox() const { return m_config.smtpUrl.isEmpty(); }

    // Thread-safe and quick. Outbox mode: the .eml file is written before this returns (an
    // error means it was not). SMTP mode: the message is validated and queued; the outcome
    // arrives later through delivered(). Invalid addresses or header injection are errors in
    // both modes, and then delivered() is not emitted.
    core::Result<void> send(const MailMessage &message);

    // Messages accepted by send() in SMTP mode and not yet finally delivered or failed.
    int pendingCount() const { return m_pending.load(); }

signals:
    // The final outcome of one message accepted by send(): after the server accepted it, or
    // after the last retry failed. In outbox mode it is emitted from the thread that called
    // send(), before send() returns.
    void delivered(const QString &to, bool ok);

private:
    // A validated message, rendered except for its Content-Transfer-Encoding (which depends
    // on whether the SMTP server takes 8-bit data).
    struct Outgoing
    {
        QString to; // as given to send(), for delivered()
        QByteArray fromAddress; // envelope sender
        QByteArray toAddress; // envelope recipient
        QByteArray headers; // CRLF-terminated header lines, without the CTE
        QByteArray body; // UTF-8, CRLF line endings, ends with CRLF
        QByteArray messageId; // "<…@…>", also logged to correlate with the server's logs
        qint64 createdMs = 0;
        int attempt = 0; // attempts made so far
    };

    core::Result<void> writeOutbox(const Outgoing &outgoing);
    void enqueue(Outgoing outgoing);
    void startNext();
    void finishAttempt(Outgoing outgoing, bool ok, bool permanent);

    MailerConfig m_config; // the URL's password is removed; it lives in m_password
    core::SecretBytes m_password;
    std::optional<core::Error> m_configError;
    QSslConfiguration m_sslConfig;
    core::SystemRandom m_random;
    std::atomic<int> m_pending{ 0 };

    // Owned by the Mailer's thread.
    QQueue<Outgoing> m_queue;
    bool m_busy = false;
};

} // namespace tap::channels
