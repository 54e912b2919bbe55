#include "channels/smtpsession.h"

#include "channels/mailer.h"
#include "channels/mailformat.h"
#include "core/logging.h"

#include <QHostAddress>
#include <QJsonObject>
#include <QNetworkProxy>
#include <QSslCertificate>
#include <QSslSocket>

namespace tap::channels {

using namespace Qt::Literals::StringLiterals;

namespace {

// RFC 5321 §4.5.3.1.5 allows 512 octets per reply line; a whole EHLO reply stays far below.
constexpr qsizetype kMaxReplyBytes = 64 * 1024;

} // namespace

QString SmtpSession::stepName(Step step)
{
    switch (step) {
    case Step::Connect:
        return u"connect"_s;
    case Step::TlsHandshake:
        return u"tls_handshake"_s;
    case Step::Greeting:
        return u"greeting"_s;
    case Step::Ehlo:
        return u"ehlo"_s;
    case Step::Helo:
        return u"helo"_s;
    case Step::StartTls:
        return u"starttls"_s;
    case Step::AuthPlain:
    case Step::AuthLoginUser:
    case Step::AuthLoginPassword:
    case Step::AuthLoginDone:
        return u"auth"_s;
    case Step::MailFrom:
        return u"mail_from"_s;
    case Step::RcptTo:
        return u"rcpt_to"_s;
    case Step::Data:
        return u"data"_s;
    case Step::Body:
        return u"message"_s;
    case Step::Quit:
        return u"quit"_s;
    case Step::Closed:
        return u"closed"_s;
    }
    return u"unknown"_s;
}

void SmtpSession::start()
{
    m_socket = new QSslSocket(this);
    // SMTP through an HTTP or SOCKS proxy is not a thing; be explicit so that no application
    // proxy setting reroutes mail.
    m_socket->setProxy(QNetworkProxy::NoProxy);
    m_socket->setSslConfiguration(m_p.ssl);
    m_socket->setPeerVerifyMode(QSslSocket::VerifyPeer);
    connect(m_socket, &QSslSocket::connected, this, &SmtpSession::onConnected);
    connect(m_socket, &QSslSocket::encrypted, this, &SmtpSession::onEncrypted);
    connect(m_socket, &QSslSocket::readyRead, this, &SmtpSession::onReadyRead);
    connect(m_socket, &QSslSocket::errorOccurred, this, &SmtpSession::onSocketError);
    connect(m_socket, &QSslSocket::disconnected, this, &SmtpSession::onDisconnected);
    connect(m_socket, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        QStringList texts;
        for (const QSslError &e : errors)
            texts.append(e.errorString());
        m_sslErrors = texts.join(u"; "_s);
    });
    connect(&m_timer, &QTimer::timeout, this, &SmtpSession::onTimeout);
    m_timer.setSingleShot(true);

    m_step = Step::Connect;
    arm();
    if (m_p.implicitTls)
        m_socket->connectToHostEncrypted(m_p.host, m_p.port);
    else
        m_socket->connectToHost(m_p.host, m_p.port);
}

void SmtpSession::sendLine(const QByteArray &line)
{
    m_socket->write(QByteArray(line + "\r\n"));
    arm();
}

void SmtpSession::sendSecretLine(QByteArray line)
{
    line += "\r\n";
    m_socket->write(line);
    core::wipe(line);
    arm();
}

void SmtpSession::sendEhlo()
{
    // RFC 5321 §4.1.4: an address literal is fine when there is no meaningful host name, and
    // it avoids announcing the machine's name.
    QHostAddress local = m_socket->localAddress();
    bool isV4 = false;
    const quint32 v4 = local.toIPv4Address(&isV4);
    QByteArray literal;
    if (isV4)
        literal = '[' + QHostAddress(v4).toString().toLatin1() + ']';
    else
        literal = "[IPv6:" + local.toString().toLatin1() + ']';
    m_step = m_triedHelo ? Step::Helo : Step::Ehlo;
    sendLine((m_triedHelo ? "HELO " : "EHLO ") + literal);
}

void SmtpSession::onConnected()
{
    if (m_p.implicitTls) {
        m_step = Step::TlsHandshake;
        arm();
        return;
    }
    m_step = Step::Greeting;
    arm();
}

void SmtpSession::onEncrypted()
{
    if (m_step != Step::TlsHandshake)
        return;
    if (!m_greeted) { // smtps: TLS first, then the greeting
        m_step = Step::Greeting;
        arm();
        return;
    }
    // RFC 3207 §4.2: forget everything learnt before TLS and greet again.
    m_capabilities.clear();
    m_triedHelo = false;
    sendEhlo();
}

void SmtpSession::onReadyRead()
{
    m_buffer += m_socket->readAll();
    if (m_step == Step::Closed) {
        m_buffer.clear();
        return;
    }
    while (m_step != Step::Closed) {
        const qsizetype newline = m_buffer.indexOf('\n');
        if (newline < 0)
            break;
        QByteArray line = m_buffer.left(newline);
        m_buffer.remove(0, newline + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        bool isNumber = false;
        const int code = line.left(3).toInt(&isNumber);
        if (line.size() < 3 || !isNumber || code < 200 || code > 599
            || (line.size() > 3 && line.at(3) != '-' && line.at(3) != ' ')) {
            fail(u"malformed SMTP reply"_s, false);
            return;
        }
        m_replyLines.append(line.mid(4));
        m_replyBytes += line.size();
        if (line.size() > 3 && line.at(3) == '-')
            continue;
        m_replyBytes = 0;
        handleReply(code, std::exchange(m_replyLines, {}));
    }
    if (m_step != Step::Closed && m_buffer.size() + m_replyBytes > kMaxReplyBytes)
        fail(u"SMTP reply too long"_s, false);
}

void SmtpSession::handleReply(int code, const QList<QByteArray> &lines)
{
    switch (m_step) {
    case Step::Greeting:
        if (code != 220)
            return failReply(code, lines);
        m_greeted = true;
        return sendEhlo();
    case Step::Ehlo:
        if (code == 250) {
            m_capabilities.clear();
            for (qsizetype i = 1; i < lines.size(); ++i)
                m_capabilities.append(lines.at(i).trimmed().toUpper());
            return afterHello();
        }
        if (code >= 500 && code <= 504) { // not an ESMTP server: RFC 5321 §3.2
            m_triedHelo = true;
            return sendEhlo();
        }
        return failReply(code, lines);
    case Step::Helo:
        if (code != 250)
            return failReply(code, lines);
        m_capabilities.clear();
        return afterHello();
    case Step::StartTls:
        if (code != 220)
            return failReply(code, lines);
        // RFC 3207 §4.2 / CVE-2011-0411: anything the server sent after its 220 arrived in
        // clear and could have been injected; it must not be read as a reply after TLS.
        if (!m_buffer.isEmpty())
            return fail(u"data after the STARTTLS reply"_s, true);
        m_step = Step::TlsHandshake;
        arm();
        m_socket->startClientEncryption();
        return;
    case Step::AuthPlain:
    case Step::AuthLoginDone:
        if (code != 235)
            return failReply(code, lines);
        return sendMailFrom();
    case Step::AuthLoginUser: {
        if (code != 334)
            return failReply(code, lines);
        m_step = Step::AuthLoginPassword;
        QByteArray user = m_p.user.toUtf8();
        sendSecretLine(user.toBase64());
        core::wipe(user);
        return;
    }
    case Step::AuthLoginPassword: {
        if (code != 334)
            return failReply(code, lines);
        m_step = Step::AuthLoginDone;
        QByteArray password = m_p.password.exposeCopy();
        QByteArray encoded = password.toBase64();
        sendSecretLine(encoded);
        core::wipe(password);
        core::wipe(encoded);
        return;
    }
    case Step::MailFrom:
        if (code != 250)
            return failReply(code, lines);
        m_step = Step::RcptTo;
        return sendLine("RCPT TO:<" + m_p.toAddress + '>');
    case Step::RcptTo:
        if (code != 250 && code != 251)
            return failReply(code, lines);
        m_step = Step::Data;
        return sendLine("DATA");
    case Step::Data: {
        if (code != 354)
            return failReply(code, lines);
        m_step = Step::Body;
        const bool allow8bit = m_capabilities.contains("8BITMIME");
        m_socket->write(dotStuff(renderMessage(m_p.headers, m_p.body, allow8bit).data));
        arm();
        return;
    }
    case Step::Body:
        if (code != 250)
            return failReply(code, lines);
        return succeed();
    case Step::Quit:
        return close();
    case Step::Connect:
    case Step::TlsHandshake:
    case Step::Closed:
        return fail(u"unexpected SMTP reply"_s, false, code);
    }
}

void SmtpSession::afterHello()
{
    if (!m_socket->isEncrypted() && m_capabilities.contains("STARTTLS")
        && QSslSocket::supportsSsl()) {
        m_step = Step::StartTls;
        return sendLine("STARTTLS");
    }
    if (!m_p.user.isEmpty())
        return startAuth();
    sendMailFrom();
}

void SmtpSession::startAuth()
{
    m_step = Step::AuthPlain; // so that a failure below is logged as step "auth"
    // A password in clear is only acceptable when it never leaves the machine. This also
    // stops a man in the middle who strips STARTTLS from the server's EHLO reply.
    if (!m_socket->isEncrypted() && !m_socket->peerAddress().isLoopback())
        return fail(u"refusing to send SMTP credentials without TLS to a remote host"_s, true);
    QList<QByteArray> mechanisms;
    for (const QByteArray &capability : std::as_const(m_capabilities)) {
        if (capability.startsWith("AUTH ") || capability.startsWith("AUTH="))
            mechanisms += capability.mid(5).simplified().split(' ');
    }
    if (mechanisms.contains("PLAIN")) {
        // RFC 4616: authzid NUL authcid NUL password, as the initial response.
        QByteArray user = m_p.user.toUtf8();
        QByteArray password = m_p.password.exposeCopy();
        QByteArray raw = '\0' + user + '\0' + password;
        QByteArray encoded = raw.toBase64();
        m_step = Step::AuthPlain;
        sendSecretLine("AUTH PLAIN " + encoded);
        core::wipe(user);
        core::wipe(password);
        core::wipe(raw);
        core::wipe(encoded);
        return;
    }
    if (mechanisms.contains("LOGIN")) {
        m_step = Step::AuthLoginUser;
        return sendLine("AUTH LOGIN");
    }
    fail(u"the SMTP server offers neither AUTH PLAIN nor AUTH LOGIN"_s, true);
}

void SmtpSession::sendMailFrom()
{
    const bool allow8bit = m_capabilities.contains("8BITMIME");
    const bool eightBit = renderMessage(m_p.headers, m_p.body, allow8bit).eightBit;
    m_step = Step::MailFrom;
    sendLine("MAIL FROM:<" + m_p.fromAddress + '>' + (eightBit ? " BODY=8BITMIME" : ""));
}

void SmtpSession::onSocketError(QAbstractSocket::SocketError error)
{
    if (m_reported) {
        close();
        return;
    }
    QString reason = m_socket->errorString();
    if (!m_sslErrors.isEmpty() && !reason.contains(m_sslErrors))
        reason += u": "_s + m_sslErrors;
    // A certificate that does not verify will not verify on the next attempt either.
    const bool permanent = error == QAbstractSocket::SslHandshakeFailedError;
    fail(reason, permanent);
}

void SmtpSession::onDisconnected()
{
    if (!m_reported)
        fail(u"connection closed by the SMTP server"_s, false);
    else
        close();
}

void SmtpSession::onTimeout()
{
    if (!m_reported)
        fail(u"timeout"_s, false);
    else
        close();
}

void SmtpSession::succeed()
{
    core::logEvent(lcMail(), QtInfoMsg, u"mail.sent"_s,
                   { { u"host"_s, m_p.host },
                     { u"port"_s, int(m_p.port) },
                     { u"message_id"_s, QString::fromLatin1(m_p.messageId) },
                     { u"attempt"_s, m_p.attempt },
                     { u"tls"_s, m_socket->isEncrypted() } });
    report(true, false);
    m_step = Step::Quit;
    sendLine("QUIT");
}

void SmtpSession::failReply(int code, const QList<QByteArray> &lines)
{
    // The reply text helps operators ("relay denied"), but after AUTH a confused server may
    // echo what it was sent, so it is dropped there.
    QString text;
    if (!isAuthStep(m_step)) {
        for (const QByteArray &line : lines) {
            for (char c : line)
                text += (uchar(c) >= 0x20 && uchar(c) < 0x7f) ? QChar::fromLatin1(c) : u'?';
            text += u' ';
        }
        text = text.trimmed().left(200);
    }
    // RFC 5321 §4.2.1: 5yz is a permanent failure, 4yz transient.
    fail(u"SMTP server refused"_s, code >= 500, code, text);
    if (m_socket->state() == QAbstractSocket::ConnectedState) {
        m_step = Step::Quit;
        sendLine("QUIT");
    }
}

void SmtpSession::fail(const QString &reason, bool permanent, int code, const QString &reply)
{
    QJsonObject fields{ { u"host"_s, m_p.host },
                        { u"port"_s, int(m_p.port) },
                        { u"step"_s, stepName(m_step) },
                        { u"reason"_s, reason },
                        { u"message_id"_s, QString::fromLatin1(m_p.messageId) },
                        { u"attempt"_s, m_p.attempt },
                        { u"permanent"_s, permanent } };
    if (code)
        fields.insert(u"smtp_code"_s, code);
    if (!reply.isEmpty())
        fields.insert(u"smtp_reply"_s, reply);
    core::logEvent(lcMail(), QtWarningMsg, u"mail.attempt_failed"_s, fields);
    report(false, permanent);
    m_step = Step::Closed;
    m_timer.start(m_p.timeoutMs); // for the QUIT that failReply() may still send
    if (!code)
        close();
}

void SmtpSession::report(bool ok, bool permanent)
{
    if (m_reported)
        return;
    m_reported = true;
    m_p.password.clear();
    if (m_done)
        m_done(ok, permanent);
}

void SmtpSession::close()
{
    if (m_closed)
        return;
    m_closed = true;
    m_step = Step::Closed;
    m_timer.stop();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
    deleteLater();
}

} // namespace tap::channels
