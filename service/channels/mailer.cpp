#include "channels/mailer.h"

#include "core/logging.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QJsonObject>
#include <QNetworkProxy>
#include <QSslCertificate>
#include <QSslSocket>
#include <QTimer>
#include <QUrlQuery>

#include <algorithm>
#include <functional>

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
constexpr qsizetype kMaxMailboxChars = 512;
// Bounds memory when the SMTP server is down for a long time.
constexpr int kMaxPending = 1000;
// RFC 5321 §4.5.3.1.5 allows 512 octets per reply line; a whole EHLO reply stays far below.
constexpr qsizetype kMaxReplyBytes = 64 * 1024;
// RFC 5322 §2.1.1: lines must not exceed 998 octets without the CRLF.
constexpr qsizetype kMaxLineOctets = 998;

Error invalid(const QString &message)
{
    return Error(ErrorCode::InvalidRequest, message);
}

struct Mailbox
{
    QString display;
    QByteArray address;
};

bool isControl(QChar c)
{
    return (c.unicode() < 0x20 && c != u'\t') || c.unicode() == 0x7f;
}

bool hasControl(const QString &s)
{
    return std::any_of(s.cbegin(), s.cend(), isControl);
}

bool isPrintableAscii(const QString &s)
{
    return std::all_of(s.cbegin(), s.cend(),
                       [](QChar c) { return c.unicode() >= 0x20 && c.unicode() < 0x7f; });
}

bool isAtextOrSpace(QChar c)
{
    if (c.unicode() >= 0x80)
        return false;
    return c.isLetterOrNumber() || c == u' ' || QStringView(u"!#$%&'*+-/=?^_`{|}~").contains(c);
}

// A deliberately narrow addr-spec: dot-atom local part and a host-name domain. Nothing TAP
// sends needs quoted local parts or address literals, and the narrower the grammar, the less
// room there is for smuggling SMTP syntax through MAIL FROM / RCPT TO.
bool isValidAddress(const QString &address)
{
    if (address.size() > 254)
        return false;
    const qsizetype at = address.lastIndexOf(u'@');
    if (at <= 0 || at > 64 || at == address.size() - 1)
        return false;
    const QStringView local = QStringView(address).left(at);
    const QStringView domain = QStringView(address).mid(at + 1);
    for (const QStringView part : local.split(u'.')) {
        if (part.isEmpty())
            return false;
        for (QChar c : part) {
            if (c == u' ' || !isAtextOrSpace(c))
                return false;
        }
    }
    for (const QStringView label : domain.split(u'.')) {
        if (label.isEmpty() || label.size() > 63 || label.startsWith(u'-') || label.endsWith(u'-'))
            return false;
        for (QChar c : label) {
            if (c.unicode() >= 0x80 || !(c.isLetterOrNumber() || c == u'-'))
                return false;
        }
    }
    return true;
}

// "addr" or "Display Name <addr>" (the name may be quoted).
core::Result<Mailbox> parseMailbox(const QString &text, const QString &what)
{
    if (text.contains(u'\r') || text.contains(u'\n'))
        return invalid(what + u" must not contain line breaks"_s);
    if (hasControl(text))
        return invalid(what + u" must not contain control characters"_s);
    if (text.size() > kMaxMailboxChars)
        return invalid(what + u" is too long"_s);
    const QString s = text.trimmed();
    Mailbox box;
    QString address = s;
    if (s.endsWith(u'>')) {
        const qsizetype lt = s.lastIndexOf(u'<');
        if (lt < 0)
            return invalid(what + u" is not a valid mail address"_s);
        address = s.mid(lt + 1, s.size() - lt - 2).trimmed();
        box.display = s.left(lt).trimmed();
        if (box.display.size() >= 2 && box.display.startsWith(u'"') && box.display.endsWith(u'"')) {
            box.display = box.display.mid(1, box.display.size() - 2);
            box.display.replace(u"\\\""_s, u"\""_s);
            box.display.replace(u"\\\\"_s, u"\\"_s);
        }
    }
    // Internationalised domains travel as their ACE form (RFC 5890); non-ASCII local parts
    // would need SMTPUTF8, which TAP does not speak.
    if (const qsizetype at = address.lastIndexOf(u'@'); at > 0 && !isPrintableAscii(address)) {
        const QByteArray ace = QUrl::toAce(address.mid(at + 1));
        if (!ace.isEmpty())
            address = address.left(at + 1) + QString::fromLatin1(ace);
    }
    if (!isValidAddress(address))
        return invalid(what + u" is not a valid mail address"_s);
    box.address = address.toLatin1();
    return box;
}

// RFC 2047 "B" encoded words of at most 39 UTF-8 bytes each (64 characters per word), split
// between code points so that every word decodes on its own.
QList<QByteArray> encodedWords(const QString &text)
{
    QList<QByteArray> words;
    QByteArray chunk;
    const auto flush = [&] {
        if (!chunk.isEmpty())
            words.append("=?UTF-8?B?" + chunk.toBase64() + "?=");
        chunk.clear();
    };
    for (qsizetype i = 0; i < text.size();) {
        const qsizetype n = (text.at(i).isHighSurrogate() && i + 1 < text.size()
                             && text.at(i + 1).isLowSurrogate())
                ? 2
                : 1;
        const QByteArray utf8 = QStringView(text).mid(i, n).toUtf8();
        if (chunk.size() + utf8.size() > 39)
            flush();
        chunk += utf8;
        i += n;
    }
    flush();
    return words;
}

QByteArray formatMailbox(const Mailbox &box)
{
    if (box.display.isEmpty())
        return box.address;
    QByteArray name;
    if (!isPrintableAscii(box.display)) {
        name = encodedWords(box.display).join("\r\n ");
    } else if (std::all_of(box.display.cbegin(), box.display.cend(), isAtextOrSpace)) {
        name = box.display.toLatin1();
    } else {
        QByteArray escaped = box.display.toLatin1();
        escaped.replace('\\', "\\\\").replace('"', "\\\"");
        name = '"' + escaped + '"';
    }
    return name + " <" + box.address + '>';
}

QByteArray formatSubject(const QString &subject)
{
    // "=?" in plain text could be read as an encoded word by the receiving client.
    if (isPrintableAscii(subject) && !subject.contains(u"=?"_s) && subject.size() <= 900)
        return subject.toLatin1();
    return encodedWords(subject).join("\r\n ");
}

// RFC 5322 §3.3, in UTC and with English names whatever the locale.
QByteArray rfc5322Date(qint64 epochMs)
{
    static constexpr const char *kDays[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
    static constexpr const char *kMonths[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(epochMs, Qt::UTC);
    const QDate d = t.date();
    const QTime time = t.time();
    return QString::asprintf("%s, %d %s %04d %02d:%02d:%02d +0000", kDays[d.dayOfWeek() - 1],
                             d.day(), kMonths[d.month() - 1], d.year(), time.hour(), time.minute(),
                             time.second())
            .toLatin1();
}

QByteArray normaliseBody(const QString &body)
{
    QString text = body;
    text.replace(u"\r\n"_s, u"\n"_s);
    text.replace(u'\r', u'\n');
    QByteArray utf8 = text.toUtf8();
    utf8.replace('\n', "\r\n");
    if (!utf8.endsWith("\r\n"))
        utf8 += "\r\n";
    return utf8;
}

// RFC 2045 §6.7 for CRLF text: lines of at most 76 characters, soft breaks as "=".
QByteArray quotedPrintable(const QByteArray &text)
{
    static constexpr char kHex[] = "0123456789ABCDEF";
    QByteArray out;
    out.reserve(text.size() * 3 / 2);
    qsizetype start = 0;
    while (start < text.size()) {
        qsizetype end = text.indexOf("\r\n", start);
        if (end < 0)
            end = text.size();
        int column = 0;
        for (qsizetype i = start; i < end; ++i) {
            const auto c = uchar(text.at(i));
            const bool lastInLine = i == end - 1;
            char token[3];
            int length = 1;
            if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !lastInLine)) {
                token[0] = char(c);
            } else {
                token[0] = '=';
                token[1] = kHex[c >> 4];
                token[2] = kHex[c & 0xf];
                length = 3;
            }
            if (column + length > 75) {
                out += "=\r\n";
                column = 0;
            }
            out.append(token, length);
            column += length;
        }
        out += "\r\n";
        start = end + 2;
    }
    return out;
}

struct Rendered
{
    QByteArray data;
    bool eightBit = false; // needs BODY=8BITMIME
};

// Picks the lightest Content-Transfer-Encoding the body and the transport allow: 7bit for
// short-lined ASCII, 8bit for UTF-8 when allowed (keeps outbox files readable: a link with
// "?code=…" stays intact), quoted-printable otherwise.
Rendered renderMessage(const QByteArray &headers, const QByteArray &body, bool allow8bit)
{
    bool ascii = true;
    bool fits = !body.contains('\0');
    qsizetype lineStart = 0;
    for (qsizetype i = 0; i < body.size(); ++i) {
        const char c = body.at(i);
        if (uchar(c) >= 0x80)
            ascii = false;
        if (c == '\n') {
            if (i - 1 - lineStart > kMaxLineOctets)
                fits = false;
            lineStart = i + 1;
        }
    }
    Rendered r;
    QByteArray encoding;
    QByteArray encodedBody = body;
    if (fits && ascii) {
        encoding = "7bit";
    } else if (fits && allow8bit) {
        encoding = "8bit";
        r.eightBit = true;
    } else {
        encoding = "quoted-printable";
        encodedBody = quotedPrintable(body);
    }
    r.data = headers + "Content-Transfer-Encoding: " + encoding + "\r\n\r\n" + encodedBody;
    return r;
}

// RFC 5321 §4.5.2, plus the terminating ".". The message always ends with CRLF.
QByteArray dotStuff(const QByteArray &message)
{
    QByteArray out;
    out.reserve(message.size() + message.size() / 64 + 3);
    bool lineStart = true;
    for (char c : message) {
        if (lineStart && c == '.')
            out += '.';
        out += c;
        lineStart = c == '\n';
    }
    out += ".\r\n";
    return out;
}

QString cafileOf(const QUrl &url)
{
    return QUrlQuery(url).queryItemValue(u"cafile"_s, QUrl::FullyDecoded);
}

bool isSmtps(const QUrl &url)
{
    return url.scheme().compare(u"smtps"_s, Qt::CaseInsensitive) == 0;
}

// One SMTP session delivering one message. It reports its outcome once through `done` and then
// closes the connection (QUIT) on its own and deletes itself.
class SmtpSession : public QObject
{
public:
    struct Params
    {
        QString host;
        quint16 port = 0;
        bool implicitTls = false;
        QString user;
        core::SecretBytes password;
        QSslConfiguration ssl;
        int timeoutMs = 30000;
        QByteArray fromAddress;
        QByteArray toAddress;
        QByteArray headers;
        QByteArray body;
        QByteArray messageId;
        int attempt = 1;
    };
    using Done = std::function<void(bool ok, bool permanent)>;

    SmtpSession(Params params, Done done, QObject *parent)
        : QObject(parent), m_p(std::move(params)), m_done(std::move(done)), m_timer(this)
    {
    }

    ~SmtpSession() override
    {
        if (m_socket) {
            m_socket->disconnect(this);
            m_socket->abort();
        }
    }

    void start();

private:
    enum class Step {
        Connect,
        TlsHandshake,
        Greeting,
        Ehlo,
        Helo,
        StartTls,
        AuthPlain,
        AuthLoginUser,
        AuthLoginPassword,
        AuthLoginDone,
        MailFrom,
        RcptTo,
        Data,
        Body,
        Quit,
        Closed,
    };

    static QString stepName(Step step);
    static bool isAuthStep(Step step)
    {
        return step == Step::AuthPlain || step == Step::AuthLoginUser
                || step == Step::AuthLoginPassword || step == Step::AuthLoginDone;
    }

    void arm() { m_timer.start(m_p.timeoutMs); }
    void sendLine(const QByteArray &line);
    void sendSecretLine(QByteArray line);
    void sendEhlo();
    void afterHello();
    void startAuth();
    void sendMailFrom();

    void onConnected();
    void onEncrypted();
    void onReadyRead();
    void onSocketError(QAbstractSocket::SocketError error);
    void onDisconnected();
    void onTimeout();
    void handleReply(int code, const QList<QByteArray> &lines);

    void succeed();
    void failReply(int code, const QList<QByteArray> &lines);
    void fail(const QString &reason, bool permanent, int code = 0, const QString &reply = {});
    void report(bool ok, bool permanent);
    void close();

    Params m_p;
    Done m_done;
    QTimer m_timer;
    QSslSocket *m_socket = nullptr;
    Step m_step = Step::Connect;
    bool m_reported = false;
    bool m_closed = false;
    bool m_greeted = false;
    bool m_triedHelo = false;
    qsizetype m_replyBytes = 0;
    QByteArray m_buffer;
    QList<QByteArray> m_replyLines;
    QList<QByteArray> m_capabilities; // EHLO keywords and parameters, upper case
    QString m_sslErrors;
};

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
