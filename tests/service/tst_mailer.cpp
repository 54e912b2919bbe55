// Tests for the mail sender: outbox files, and SMTP against a real server
// (tests/support/smtp_server.py, aiosmtpd) in plain, STARTTLS and implicit TLS modes.
#include "channels/mailer.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QNetworkInterface>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUrlQuery>

#include <cstdio>
#include <memory>

#include <sys/stat.h>

using namespace Qt::Literals::StringLiterals;
using tap::channels::Mailer;
using tap::channels::MailerConfig;
using tap::channels::MailMessage;

namespace {

constexpr int kDeliveryTimeoutMs = 20000;

// Captures every log message while alive, to prove what is and is not logged.
class LogCapture
{
public:
    LogCapture()
    {
        QMutexLocker lock(&s_mutex);
        s_text.clear();
        m_previous = qInstallMessageHandler(handler);
    }
    ~LogCapture()
    {
        qInstallMessageHandler(m_previous);
        if (qEnvironmentVariableIsSet("TAP_TEST_SHOW_LOGS"))
            std::fputs(text().toUtf8().constData(), stderr);
    }

    QString text() const
    {
        QMutexLocker lock(&s_mutex);
        return s_text;
    }
    int count(const QString &needle) const { return int(text().count(needle)); }

private:
    static void handler(QtMsgType, const QMessageLogContext &context, const QString &message)
    {
        QMutexLocker lock(&s_mutex);
        s_text += QString::fromLatin1(context.category ? context.category : "default") + u' '
                + message + u'\n';
    }

    static inline QMutex s_mutex;
    static inline QString s_text;
    QtMessageHandler m_previous = nullptr;
};

struct ParsedMail
{
    QMap<QString, QString> headers; // lower-case name → unfolded value
    QByteArray rawHeaders;
    QByteArray body;
};

ParsedMail parseMail(const QByteArray &data)
{
    ParsedMail mail;
    const qsizetype split = data.indexOf("\r\n\r\n");
    if (split < 0)
        return mail;
    mail.rawHeaders = data.left(split + 2);
    mail.body = data.mid(split + 4);
    QByteArray unfolded = mail.rawHeaders;
    unfolded.replace("\r\n ", " ").replace("\r\n\t", " ");
    for (const QByteArray &line : unfolded.split('\n')) {
        const QByteArray trimmed = line.trimmed();
        const qsizetype colon = trimmed.indexOf(':');
        if (colon <= 0)
            continue;
        mail.headers.insert(QString::fromLatin1(trimmed.left(colon)).toLower(),
                            QString::fromLatin1(trimmed.mid(colon + 1).trimmed()));
    }
    return mail;
}

// RFC 2047 for the one form the mailer produces: whitespace-separated "B" words in UTF-8.
QString decodeEncodedWords(const QString &value)
{
    static const QRegularExpression word(u"^=\\?UTF-8\\?B\\?([A-Za-z0-9+/=]*)\\?=$"_s);
    QByteArray bytes;
    for (const QString &part : value.split(u' ', Qt::SkipEmptyParts)) {
        const auto match = word.match(part);
        if (!match.hasMatch())
            return u"<not an encoded word: "_s + part + u'>';
        bytes += QByteArray::fromBase64(match.captured(1).toLatin1());
    }
    return QString::fromUtf8(bytes);
}

QByteArray decodeQuotedPrintable(QByteArray text)
{
    text.replace("=\r\n", "");
    QByteArray out;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i) == '=' && i + 2 < text.size()) {
            out += char(text.mid(i + 1, 2).toInt(nullptr, 16));
            i += 2;
        } else {
            out += text.at(i);
        }
    }
    return out;
}

int fileMode(const QString &path)
{
    struct stat st = {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 07777);
}

QString pythonPath()
{
    const QString fromEnv = qEnvironmentVariable("TAP_TEST_PYTHON");
    if (!fromEnv.isEmpty())
        return fromEnv;
    // Debian's interpreter is the one with python3-aiosmtpd, whatever is first on PATH.
    if (QFile::exists(u"/usr/bin/python3"_s))
        return u"/usr/bin/python3"_s;
    return u"python3"_s;
}

QString supportDir()
{
    const QString fromEnv = qEnvironmentVariable("TAP_TEST_SUPPORT");
    if (!fromEnv.isEmpty())
        return fromEnv;
    const QString data = qEnvironmentVariable("TAP_TEST_DATA");
    if (!data.isEmpty())
        return QDir::cleanPath(data + u"/../support"_s);
    return QDir::cleanPath(QFileInfo(QString::fromUtf8(__FILE__)).absolutePath()
                           + u"/../support"_s);
}

// tests/support/smtp_server.py in a child process, stopped with the object.
class SmtpServer
{
public:
    ~SmtpServer()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(5000)) {
                m_process.kill();
                m_process.waitForFinished(5000);
            }
        }
    }

    bool start(const QStringList &extraArgs = {})
    {
        m_maildir = m_dir.filePath(u"mail"_s);
        m_process.setProgram(pythonPath());
        m_process.setArguments(QStringList{ supportDir() + u"/smtp_server.py"_s, u"--port"_s,
                                            u"0"_s, u"--maildir"_s, m_maildir }
                               + extraArgs);
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start();
        if (!m_process.waitForStarted(10000))
            return false;
        QElapsedTimer timer;
        timer.start();
        while (!m_process.canReadLine() && timer.elapsed() < 20000
               && m_process.state() == QProcess::Running) {
            m_process.waitForReadyRead(200);
        }
        const QByteArray line = m_process.readLine().trimmed();
        if (!line.startsWith("PORT "))
            return false;
        m_port = quint16(line.mid(5).toUInt());
        return m_port != 0;
    }

    quint16 port() const { return m_port; }

    struct Received
    {
        QJsonObject envelope;
        QByteArray data;
    };
    QList<Received> messages() const
    {
        QList<Received> out;
        const QDir dir(m_maildir);
        for (const QString &name : dir.entryList({ u"*.json"_s }, QDir::Files, QDir::Name)) {
            QFile meta(dir.filePath(name));
            QFile eml(dir.filePath(name.chopped(5) + u".eml"_s));
            if (!meta.open(QIODevice::ReadOnly) || !eml.open(QIODevice::ReadOnly))
                continue;
            out.append({ QJsonDocument::fromJson(meta.readAll()).object(), eml.readAll() });
        }
        return out;
    }

private:
    QTemporaryDir m_dir;
    QString m_maildir;
    QProcess m_process;
    quint16 m_port = 0;
};

// A port on which nothing listens (bound, then released).
quint16 closedPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost))
        return 0;
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

QString outboxFile(const QString &dir)
{
    const QStringList files = QDir(dir).entryList({ u"*.eml"_s }, QDir::Files);
    return files.size() == 1 ? QDir(dir).filePath(files.first()) : QString();
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestMailer : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_certDir;
    QString m_certPath;
    QString m_keyPath;

    MailerConfig outboxConfig(const QString &dir) const
    {
        MailerConfig c;
        c.from = u"TAP <tap@example.test>"_s;
        c.outboxDir = dir;
        return c;
    }

    static MailerConfig smtpConfig(QUrl url)
    {
        MailerConfig c;
        c.smtpUrl = std::move(url);
        c.from = u"TAP <tap@example.test>"_s;
        c.timeoutMs = 5000;
        c.retryDelaysMs = { 50, 50, 50 };
        return c;
    }

    static QUrl smtpUrl(const QString &scheme, quint16 port, const QString &user = {},
                        const QString &password = {}, const QString &cafile = {})
    {
        QUrl url;
        url.setScheme(scheme);
        url.setHost(u"127.0.0.1"_s);
        url.setPort(port);
        if (!user.isEmpty()) {
            url.setUserName(user);
            url.setPassword(password);
        }
        if (!cafile.isEmpty()) {
            QUrlQuery q;
            q.addQueryItem(u"cafile"_s, cafile);
            url.setQuery(q);
        }
        return url;
    }

    QStringList tlsArgs() const
    {
        return { u"--tls-cert"_s, m_certPath, u"--tls-key"_s, m_keyPath };
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_certDir.isValid());
        QVERIFY2(QSslSocket::supportsSsl(), "Qt has no TLS backend");

        QProcess check;
        check.start(pythonPath(), { u"-c"_s, u"import aiosmtpd"_s });
        QVERIFY(check.waitForFinished(30000));
        QVERIFY2(check.exitCode() == 0,
                 "python3-aiosmtpd is missing: apt-get install -y python3-aiosmtpd");
        QVERIFY2(QFile::exists(supportDir() + u"/smtp_server.py"_s),
                 qPrintable(u"no smtp_server.py in "_s + supportDir()));

        // A self-signed certificate for 127.0.0.1 that the mailer trusts only via ?cafile=.
        m_certPath = m_certDir.filePath(u"cert.pem"_s);
        m_keyPath = m_certDir.filePath(u"key.pem"_s);
        QProcess openssl;
        openssl.setProcessChannelMode(QProcess::MergedChannels);
        openssl.start(u"openssl"_s,
                      { u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s, u"-days"_s,
                        u"2"_s, u"-subj"_s, u"/CN=127.0.0.1"_s, u"-addext"_s,
                        u"subjectAltName=IP:127.0.0.1"_s, u"-keyout"_s, m_keyPath, u"-out"_s,
                        m_certPath });
        QVERIFY(openssl.waitForFinished(60000));
        QVERIFY2(openssl.exitCode() == 0, openssl.readAll().constData());
    }

    // --- outbox ------------------------------------------------------------------------------

    void outboxWritesMessage()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath(u"outbox"_s); // does not exist yet
        Mailer mailer(outboxConfig(dir));
        QVERIFY(mailer.usesOutbox());
        QSignalSpy spy(&mailer, &Mailer::delivered);

        const qint64 before = QDateTime::currentSecsSinceEpoch();
        const auto sent =
                mailer.send({ u"Alice <alice@example.test>"_s, u"Your TAP verification code"_s,
                              u"Your code is 123456.\n.hidden\nend"_s });
        QVERIFY2(sent.ok(), qPrintable(sent.ok() ? QString() : sent.error().message()));
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).toString(), u"Alice <alice@example.test>"_s);
        QCOMPARE(spy.at(0).at(1).toBool(), true);

        QCOMPARE(fileMode(dir), 0700);
        const QString path = outboxFile(dir);
        QVERIFY(!path.isEmpty());
        QVERIFY(QRegularExpression(u"^\\d{13}-[0-9a-f]{16}\\.eml$"_s)
                        .match(QFileInfo(path).fileName())
                        .hasMatch());
        QCOMPARE(fileMode(path), 0600);
        QCOMPARE(QDir(dir).entryList(QDir::Files | QDir::Hidden).size(), 1); // no temp file left

        const QByteArray data = readAll(path);
        QVERIFY(!data.contains("\n\n")); // CRLF throughout
        QCOMPARE(data.count('\n'), data.count("\r\n"));
        const ParsedMail mail = parseMail(data);
        QCOMPARE(mail.headers.value(u"from"_s), u"TAP <tap@example.test>"_s);
        QCOMPARE(mail.headers.value(u"to"_s), u"Alice <alice@example.test>"_s);
        QCOMPARE(mail.headers.value(u"subject"_s), u"Your TAP verification code"_s);
        QCOMPARE(mail.headers.value(u"mime-version"_s), u"1.0"_s);
        QCOMPARE(mail.headers.value(u"content-type"_s), u"text/plain; charset=utf-8"_s);
        QCOMPARE(mail.headers.value(u"content-transfer-encoding"_s), u"7bit"_s);
        QVERIFY(QRegularExpression(u"^<[0-9a-f]{32}@example\\.test>$"_s)
                        .match(mail.headers.value(u"message-id"_s))
                        .hasMatch());
        const QString dateText = mail.headers.value(u"date"_s);
        QVERIFY2(QRegularExpression(u"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{1,2} "
                                    "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4} "
                                    "\\d\\d:\\d\\d:\\d\\d \\+0000$"_s)
                         .match(dateText)
                         .hasMatch(),
                 qPrintable(dateText));
        const QDateTime date = QDateTime::fromString(dateText, Qt::RFC2822Date);
        QVERIFY(date.isValid());
        QVERIFY(date.toSecsSinceEpoch() >= before - 1);
        QVERIFY(date.toSecsSinceEpoch() <= QDateTime::currentSecsSinceEpoch() + 1);
        // The file is the message itself: no dot-stuffing (that belongs to the SMTP transport).
        QCOMPARE(mail.body, QByteArray("Your code is 123456.\r\n.hidden\r\nend\r\n"));
    }

    void outboxUniqueNames()
    {
        QTemporaryDir tmp;
        Mailer mailer(outboxConfig(tmp.path()));
        LogCapture quiet;
        for (int i = 0; i < 50; ++i)
            QVERIFY(mailer.send({ u"bob@example.test"_s, u"n"_s, QString::number(i) }).ok());
        const QStringList files = QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden);
        QCOMPARE(files.size(), 50);
        QSet<QByteArray> bodies;
        for (const QString &f : files) {
            QVERIFY(f.endsWith(u".eml"_s));
            bodies.insert(parseMail(readAll(QDir(tmp.path()).filePath(f))).body);
        }
        QCOMPARE(bodies.size(), 50);
    }

    void outboxNonAscii()
    {
        QTemporaryDir tmp;
        MailerConfig config = outboxConfig(tmp.path());
        config.from = u"Équipe TAP <tap@example.test>"_s;
        Mailer mailer(config);
        const QString subject =
                u"Ваш код подтверждения TAP — 123456 ✓ 🔐 with a fairly long tail of text"_s;
        const QString body = u"Grüße! Код: 123456 🔐\nhttps://tap.example/verify?code=123456"_s;
        QVERIFY(mailer.send({ u"Zoë \"Z\" Ünal <zoe@example.test>"_s, subject, body }).ok());

        const QByteArray data = readAll(outboxFile(tmp.path()));
        const ParsedMail mail = parseMail(data);
        // Headers are pure ASCII with short lines; the words decode to the original text.
        for (const QByteArray &line : mail.rawHeaders.split('\n')) {
            QVERIFY2(line.size() <= 79, line.constData());
            for (char c : line)
                QVERIFY(uchar(c) < 0x80);
        }
        QVERIFY(mail.rawHeaders.contains("Subject: =?UTF-8?B?"));
        QCOMPARE(decodeEncodedWords(mail.headers.value(u"subject"_s)), subject);
        const QString from = mail.headers.value(u"from"_s);
        QVERIFY(from.endsWith(u" <tap@example.test>"_s));
        QCOMPARE(decodeEncodedWords(from.chopped(19)), u"Équipe TAP"_s);
        const QString to = mail.headers.value(u"to"_s);
        QVERIFY(to.endsWith(u" <zoe@example.test>"_s));
        QCOMPARE(decodeEncodedWords(to.chopped(19)), u"Zoë \"Z\" Ünal"_s);
        // 8bit keeps the outbox readable (quoted-printable would turn "code=" into "code=3D").
        QCOMPARE(mail.headers.value(u"content-transfer-encoding"_s), u"8bit"_s);
        QCOMPARE(QString::fromUtf8(mail.body), QString(body + u'\n').replace(u"\n"_s, u"\r\n"_s));
    }

    void outboxLongLineIsQuotedPrintable()
    {
        QTemporaryDir tmp;
        Mailer mailer(outboxConfig(tmp.path()));
        const QString body = u"start "_s + QString(1500, u'x') + u" = é end\r\nsecond line \n"_s;
        QVERIFY(mailer.send({ u"bob@example.test"_s, u"long"_s, body }).ok());
        const ParsedMail mail = parseMail(readAll(outboxFile(tmp.path())));
        QCOMPARE(mail.headers.value(u"content-transfer-encoding"_s), u"quoted-printable"_s);
        for (const QByteArray &line : mail.body.split('\n'))
            QVERIFY(line.size() <= 77); // 76 + CR
        QCOMPARE(QString::fromUtf8(decodeQuotedPrintable(mail.body)),
                 u"start "_s + QString(1500, u'x') + u" = é end\r\nsecond line \r\n"_s);
    }

    void outboxUnwritable()
    {
        QTemporaryDir tmp;
        QFile blocker(tmp.filePath(u"file"_s));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        // A directory below a regular file cannot exist, even for root.
        Mailer mailer(outboxConfig(tmp.filePath(u"file/outbox"_s)));
        QSignalSpy spy(&mailer, &Mailer::delivered);
        const auto sent = mailer.send({ u"bob@example.test"_s, u"s"_s, u"b"_s });
        QVERIFY(!sent.ok());
        QCOMPARE(sent.error().code(), tap::core::ErrorCode::Unavailable);
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(1).toBool(), false);
    }

    // --- validation --------------------------------------------------------------------------

    void headerInjectionRejected()
    {
        QTemporaryDir tmp;
        Mailer outbox(outboxConfig(tmp.path()));
        Mailer smtp(smtpConfig(smtpUrl(u"smtp"_s, closedPort())));
        const QList<MailMessage> bad = {
            { u"bob@example.test\r\nBcc: eve@example.test"_s, u"s"_s, u"b"_s },
            { u"bob@example.test\nBcc: eve@example.test"_s, u"s"_s, u"b"_s },
            { u"bob@example.test"_s, u"hello\r\nBcc: eve@example.test"_s, u"b"_s },
            { u"bob@example.test"_s, u"hello\rX-Evil: 1"_s, u"b"_s },
            { u"bob@example.test"_s, u"nul\u0000byte"_s, u"b"_s },
            { u"bob@example.test>\r\nRCPT TO:<eve@example.test"_s, u"s"_s, u"b"_s },
            { u"bob@example.test> NOTIFY=NEVER"_s, u"s"_s, u"b"_s },
            { u"not an address"_s, u"s"_s, u"b"_s },
            { QString(), u"s"_s, u"b"_s },
        };
        for (Mailer *mailer : { &outbox, &smtp }) {
            QSignalSpy spy(mailer, &Mailer::delivered);
            for (const MailMessage &m : bad) {
                const auto sent = mailer->send(m);
                QVERIFY2(!sent.ok(), qPrintable(m.to + u" / "_s + m.subject));
                QCOMPARE(sent.error().code(), tap::core::ErrorCode::InvalidRequest);
            }
            QTest::qWait(50);
            QCOMPARE(spy.count(), 0);
            QCOMPARE(mailer->pendingCount(), 0);
        }
        QCOMPARE(QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden).size(), 0);

        // A configured sender with a line break is refused as well.
        MailerConfig config = outboxConfig(tmp.path());
        config.from = u"tap@example.test\r\nBcc: eve@example.test"_s;
        QVERIFY(!Mailer::validate(config).ok());
        Mailer badFrom(config);
        QVERIFY(!badFrom.send({ u"bob@example.test"_s, u"s"_s, u"b"_s }).ok());
    }

    void configValidation()
    {
        const auto check = [](const QString &url) {
            return Mailer::validate(smtpConfig(QUrl(url)));
        };
        QVERIFY(check(u"smtp://u:p@mail.example.test:587"_s).ok());
        QVERIFY(check(u"smtps://mail.example.test"_s).ok());
        QVERIFY(!check(u"http://mail.example.test"_s).ok());
        QVERIFY(!check(u"smtp:///nohost"_s).ok());
        QVERIFY(!check(u"smtp://mail.example.test/path"_s).ok());
        QVERIFY(!check(u"smtp://mail.example.test?insecure=1"_s).ok());
        const auto missingCa =
                check(u"smtp://u:hunter2pw@h.example.test?cafile=/nonexistent.pem"_s);
        QVERIFY(!missingCa.ok());
        QVERIFY(!missingCa.error().message().contains(u"hunter2pw"_s));
        QVERIFY(check(u"smtp://h.example.test?cafile="_s + m_certPath).ok());

        MailerConfig noOutbox;
        QVERIFY(!Mailer::validate(noOutbox).ok());

        // An invalid configuration makes every send() fail instead of failing later.
        Mailer mailer(smtpConfig(QUrl(u"ftp://x.example.test"_s)));
        QVERIFY(!mailer.send({ u"bob@example.test"_s, u"s"_s, u"b"_s }).ok());
    }

    // --- SMTP --------------------------------------------------------------------------------

    void smtpPlain()
    {
        SmtpServer server;
        QVERIFY(server.start());
        Mailer mailer(smtpConfig(smtpUrl(u"smtp"_s, server.port())));
        QVERIFY(!mailer.usesOutbox());
        QSignalSpy spy(&mailer, &Mailer::delivered);

        const QString body = u"Code 654321\n.leading dot\n..two dots\n.\nlast"_s;
        QVERIFY(mailer.send({ u"Bob <bob@example.test>"_s, u"Hello"_s, body }).ok());
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kDeliveryTimeoutMs);
        QCOMPARE(spy.at(0).at(0).toString(), u"Bob <bob@example.test>"_s);
        QCOMPARE(spy.at(0).at(1).toBool(), true);
        QCOMPARE(mailer.pendingCount(), 0);

        const auto received = server.messages();
        QCOMPARE(received.size(), 1);
        const QJsonObject envelope = received.first().envelope;
        QCOMPARE(envelope.value(u"mail_from"_s).toString(), u"tap@example.test"_s);
        QCOMPARE(envelope.value(u"rcpt_tos"_s).toArray(), QJsonArray({ u"bob@example.test"_s }));
        QCOMPARE(envelope.value(u"tls"_s).toBool(), false);
        const ParsedMail mail = parseMail(received.first().data);
        QCOMPARE(mail.headers.value(u"subject"_s), u"Hello"_s);
        QCOMPARE(mail.headers.value(u"to"_s), u"Bob <bob@example.test>"_s);
        // The server undid the dot-stuffing: the lines arrive exactly as written.
        QCOMPARE(mail.body,
                 QByteArray("Code 654321\r\n.leading dot\r\n..two dots\r\n.\r\nlast\r\n"));
    }

    void smtpEightBitMime()
    {
        SmtpServer server;
        QVERIFY(server.start());
        Mailer mailer(smtpConfig(smtpUrl(u"smtp"_s, server.port())));
        QSignalSpy spy(&mailer, &Mailer::delivered);
        const QString body = u"Grüße, код 777"_s;
        QVERIFY(mailer.send({ u"Jörg <jorg@bücher.example>"_s, u"Grüße"_s, body }).ok());
        QVERIFY(!mailer.send({ u"jörg@example.test"_s, u"s"_s, u"b"_s }).ok()); // needs SMTPUTF8
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kDeliveryTimeoutMs);
        QVERIFY(spy.at(0).at(1).toBool());
        const auto received = server.messages();
        QCOMPARE(received.size(), 1);
        QVERIFY(received.first()
                        .envelope.value(u"mail_options"_s)
                        .toArray()
                        .contains(u"BODY=8BITMIME"_s));
        QCOMPARE(received.first().envelope.value(u"rcpt_tos"_s).toArray(),
                 QJsonArray({ u"jorg@xn--bcher-kva.example"_s }));
        const ParsedMail mail = parseMail(received.first().data);
        QCOMPARE(decodeEncodedWords(mail.headers.value(u"subject"_s)), u"Grüße"_s);
        QCOMPARE(QString::fromUtf8(mail.body), body + u"\r\n"_s);
    }

    void smtpStartTlsWithAuth()
    {
        SmtpServer server;
        QVERIFY(server.start(tlsArgs()
                             + QStringList{ u"--require-starttls"_s, u"--auth-user"_s, u"alice"_s,
                                            u"--auth-pass"_s, u"S3cret-Pa55word"_s }));
        Mailer mailer(smtpConfig(
                smtpUrl(u"smtp"_s, server.port(), u"alice"_s, u"S3cret-Pa55word"_s, m_certPath)));
        QSignalSpy spy(&mailer, &Mailer::delivered);
        LogCapture logs;
        QVERIFY(mailer.send({ u"bob@example.test"_s, u"Over TLS"_s, u"secret code 111222"_s })
                        .ok());
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kDeliveryTimeoutMs);
        QVERIFY2(spy.at(0).at(1).toBool(), qPrintable(logs.text()));
        const auto received = server.messages();
        QCOMPARE(received.size(), 1);
        QCOMPARE(received.first().envelope.value(u"tls"_s).toBool(), true);
        QCOMPARE(received.first().envelope.value(u"auth_user"_s).toString(), u"alice"_s);
        QVERIFY(!logs.text().contains(u"S3cret-Pa55word"_s));
        QVERIFY(!logs.text().contains(u"111222"_s));
    }

    void smtpImplicitTls()
    {
        SmtpServer server;
        QVERIFY(server.start(tlsArgs()
                             + QStringList{ u"--implicit-tls"_s, u"--auth-user"_s, u"alice"_s,
                                            u"--auth-pass"_s, u"pw-implicit"_s }));
        Mailer mailer(smtpConfig(
                smtpUrl(u"smtps"_s, server.port(), u"alice"_s, u"pw-implicit"_s, m_certPath)));
        QSignalSpy spy(&mailer, &Mailer::delivered);
        QVERIFY(mailer.send({ u"bob@example.test"_s, u"smtps"_s, u"hello"_s }).ok());
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kDeliveryTimeoutMs);
        QVERIFY(spy.at(0).at(1).toBool());
        const auto received = server.messages();
        QCOMPARE(received.size(), 1);
        QCOMPARE(received.first().envelope.value(u"tls"_s).toBool(), true);
        QCOMPARE(received.first().envelope.value(u"auth_user"_s).toString(), u"alice"_s);
    }

    void smtpUntrustedCertificateFails()
    {
        SmtpServer server;
        QVERIFY(server.start(tlsArgs() + QStringList{ u"--require-starttls"_s }));
        // No cafile: the self-signed certificate must not be accepted, STARTTLS or not.
        Mailer mailer(smtpConfig(smtpUrl(u"smtp"_s, server.port())));
        QSignalSpy spy(&mailer, &Mailer::delivered);
        LogCapture logs;
        QVERIFY(mailer.send({ u"bob@example.test"_s, u"s"_s, u"b"_s }).ok());
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kDeliveryTimeoutMs);
        QCOMPARE(spy.at(0).at(1).toBool(), false);
        QCOMPARE(server.messages().size(), 0);
        QCOMPARE(logs.count(u"mail.attempt_failed"_s), 1); // not retried: it would fail again
        QVERIFY(logs.text().contains(u"tls_handshake"_s));
    }

    void smtpWrongPasswordFailsWithoutLoggingIt()
    {
        SmtpServer server;
        QVERIFY(server.start(tlsArgs()
                             + QStringList{ u"--auth-user"_s, u"alice"_s, u"--auth-pass"_s,
                                            u"right-password"_s }));
        const QString wrong = u"Wr0ng-Passw0rd-xyz"_s;
        Mailer mailer(smtpConfig(smtpUrl(u"smtp"_s, server.port(), u"alice"_s, wrong, m_certPath)));
        QSignalSpy spy(&mailer, &Mailer::delivered);
        LogCapture logs;
        QVERIFY(mailer.send({ u"bob@example.test"_s, u"Code"_s, u"verification 987654"_s }).ok());
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kDeliveryTimeoutMs);
        QCOMPARE(spy.at(0).at(1).toBool(), false);
        QCOMPARE(server.messages().size(), 0);

        const QString text = logs.text();
        QVERIFY2(text.contains(u"\"smtp_code\":535"_s), qPrintable(text));
        QVERIFY(text.contains(QString::number(server.port())));
        QVERIFY(!text.contains(wrong));
        QVERIFY(!text.contains(QString::fromLatin1(wrong.toUtf8().toBase64())));
        QVERIFY(!text.contains(
                QString::fromLatin1(QByteArray("\0alice\0" + wrong.toUtf8()).toBase64())));
        QVERIFY(!text.contains(u"987654"_s));
        QCOMPARE(logs.count(u"mail.attempt_failed"_s), 1); // 5xx is permanent
    }

    void smtpAuthLogin()
    {
        SmtpServer server;
        QVERIFY(server.start(tlsArgs()
                             + QStringList{ u"--auth-user"_s, u"dave"_s, u"--auth-pass"_s,
                                            u"login-pw"_s, u"--auth-exclude"_s, u"PLAIN"_s }));
        Mailer mailer(smtpConfig(
                smtpUrl(u"smtp"_s, server.port(), u"dave"_s, u"login-pw"_s, m_certPath)));
        QSignalSpy spy(&mailer, &Mailer::delivered);
        LogCapture logs;
        QVERIFY(mailer.send({ u"bob@example.test"_s, u"s"_s, u"b"_s }).ok());
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kDeliveryTimeoutMs);
        QVERIFY2(spy.at(0).at(1).toBool(), qPrintable(logs.text()));
        const auto received = server.messages();
        QCOMPARE(received.size(), 1);
        QCOMPARE(received.first().envelope.value(u"auth_user"_s).toString(), u"dave"_s);
        QVERIFY(!logs.text().contains(u"login-pw"_s));
    }

    void smtpCleartextAuthOnLoopback()
    {
        // A password may go in clear only when it never leaves the machine (a local relay).
        SmtpServer server;
        QVERIFY(server.start({ u"--auth-user"_s, u"carol"_s, u"--auth-pass"_s, u"local-pw"_s,
                               u"--auth-allow-cleartext"_s }));
        Mailer mailer(smtpConfig(smtpUrl(u"smtp"_s, server.port(), u"carol"_s, u"local-pw"_s)));
        QSignalSpy spy(&mailer, &Mailer::delivered);
        QVERIFY(mailer.send({ u"bob@example.test"_s, u"s"_s, u"b"_s }).ok());
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kDeliveryTimeoutMs);
        QVERIFY(spy.at(0).at(1).toBool());
        const auto received = server.messages();
        QCOMPARE(received.size(), 1);
        QCOMPARE(received.first().envelope.value(u"tls"_s).toBool(), false);
        QCOMPARE(received.first().envelope.value(u"auth_user"_s).toString(), u"carol"_s);
    }

    void smtpRefusesCleartextPasswordToRemoteHost()
    {
        // A non-loopback address of this machine stands in for a remote host.
        QHostAddress external;
        for (const QHostAddress &a : QNetworkInterface::allAddresses()) {
            if (a.protocol() == QAbstractSocket::IPv4Protocol && !a.isLoopback()) {
                external = a;
                break;
            }
        }
        if (external.isNull())
            QSKIP("no non-loopback IPv4 address on this machine");
        SmtpServer server;
        QVERIFY(server.start({ u"--host"_s, external.toString(), u"--auth-user"_s, u"carol"_s,
                               u"--auth-pass"_s, u"remote-pw"_s, u"--auth-allow-cleartext"_s }));
        QUrl url = smtpUrl(u"smtp"_s, server.port(), u"carol"_s, u"remote-pw"_s);
        url.setHost(external.toString());
        Mailer mailer(smtpConfig(url));
        QSignalSpy spy(&mailer, &Mailer::delivered);
        LogCapture logs;
        QVERIFY(mailer.send({ u"bob@example.test"_s, u"s"_s, u"b"_s }).ok());
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kDeliveryTimeoutMs);
        QCOMPARE(spy.at(0).at(1).toBool(), false);
        QCOMPARE(server.messages().size(), 0);
        QVERIFY2(logs.text().contains(u"without TLS"_s), qPrintable(logs.text()));
        QVERIFY(!logs.text().contains(u"remote-pw"_s));
    }

    void smtpRetriesTransientFailure()
    {
        SmtpServer server;
        QVERIFY(server.start({ u"--tempfail"_s, u"2"_s }));
        Mailer mailer(smtpConfig(smtpUrl(u"smtp"_s, server.port())));
        QSignalSpy spy(&mailer, &Mailer::delivered);
        LogCapture logs;
        QVERIFY(mailer.send({ u"bob@example.test"_s, u"s"_s, u"b"_s }).ok());
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kDeliveryTimeoutMs);
        QVERIFY(spy.at(0).at(1).toBool());
        QCOMPARE(server.messages().size(), 1);
        QCOMPARE(logs.count(u"\"smtp_code\":451"_s), 2);
        QCOMPARE(logs.count(u"mail.retry_scheduled"_s), 2);
    }

    void smtpUnreachableFailsAfterRetries()
    {
        Mailer mailer(smtpConfig(smtpUrl(u"smtp"_s, closedPort())));
        QSignalSpy spy(&mailer, &Mailer::delivered);
        LogCapture logs;
        QElapsedTimer timer;
        timer.start();
        QVERIFY(mailer.send({ u"bob@example.test"_s, u"s"_s, u"b"_s }).ok());
        QVERIFY(timer.elapsed() < 1000); // send() only queues
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, kDeliveryTimeoutMs);
        QCOMPARE(spy.at(0).at(1).toBool(), false);
        QCOMPARE(logs.count(u"mail.attempt_failed"_s), 4); // first try + 3 retries
        QCOMPARE(logs.count(u"mail.failed"_s), 1);
        QCOMPARE(mailer.pendingCount(), 0);
        QTest::qWait(300);
        QCOMPARE(spy.count(), 1); // exactly one final outcome
    }

    void smtpSilentServerTimesOut()
    {
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        QList<QTcpSocket *> accepted; // kept open, never answered
        connect(&silent, &QTcpServer::newConnection, this,
                [&] { accepted.append(silent.nextPendingConnection()); });
        MailerConfig config = smtpConfig(smtpUrl(u"smtp"_s, silent.serverPort()));
        config.timeoutMs = 300;
        config.retryDelaysMs = {};
        Mailer mailer(config);
        QSignalSpy spy(&mailer, &Mailer::delivered);
        LogCapture logs;
        QVERIFY(mailer.send({ u"bob@example.test"_s, u"s"_s, u"b"_s }).ok());
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, 5000);
        QCOMPARE(spy.at(0).at(1).toBool(), false);
        QVERIFY(logs.text().contains(u"\"step\":\"greeting\""_s));
        QVERIFY(logs.text().contains(u"timeout"_s));
        QVERIFY(!accepted.isEmpty());
    }

    void sendFromOtherThreads()
    {
        SmtpServer server;
        QVERIFY(server.start());
        Mailer mailer(smtpConfig(smtpUrl(u"smtp"_s, server.port())));
        QSignalSpy spy(&mailer, &Mailer::delivered);

        constexpr int kThreads = 3;
        constexpr int kPerThread = 3;
        std::atomic<int> accepted{ 0 };
        std::vector<std::unique_ptr<QThread>> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back(QThread::create([&mailer, &accepted, t] {
                for (int i = 0; i < kPerThread; ++i) {
                    const QString to = u"user%1-%2@example.test"_s.arg(t).arg(i);
                    if (mailer.send({ to, u"threaded"_s, u"body"_s }).ok())
                        ++accepted;
                }
            }));
            threads.back()->start();
        }
        for (auto &thread : threads)
            QVERIFY(thread->wait(10000));
        QCOMPARE(accepted.load(), kThreads * kPerThread);

        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), kThreads * kPerThread, kDeliveryTimeoutMs);
        QSet<QString> recipients;
        for (const auto &args : spy) {
            QVERIFY(args.at(1).toBool());
            recipients.insert(args.at(0).toString());
        }
        QCOMPARE(recipients.size(), kThreads * kPerThread);
        QCOMPARE(server.messages().size(), kThreads * kPerThread);

        // Outbox mode from another thread writes synchronously there.
        QTemporaryDir tmp;
        Mailer outbox(outboxConfig(tmp.path()));
        bool ok = false;
        std::unique_ptr<QThread> thread(QThread::create([&] {
            ok = outbox.send({ u"bob@example.test"_s, u"s"_s, u"b"_s }).ok();
        }));
        thread->start();
        QVERIFY(thread->wait(10000));
        QVERIFY(ok);
        QVERIFY(!outboxFile(tmp.path()).isEmpty());
    }

    void destroyWithPendingMessages()
    {
        // Deleting the Mailer mid-session must not crash or emit afterwards.
        SmtpServer server;
        QVERIFY(server.start());
        auto mailer = std::make_unique<Mailer>(smtpConfig(smtpUrl(u"smtp"_s, server.port())));
        for (int i = 0; i < 5; ++i)
            QVERIFY(mailer->send({ u"bob@example.test"_s, u"s"_s, u"b"_s }).ok());
        QSignalSpy spy(mailer.get(), &Mailer::delivered);
        QTRY_VERIFY_WITH_TIMEOUT(spy.count() >= 1, kDeliveryTimeoutMs);
        mailer.reset();
        QTest::qWait(200);
    }
};

QTEST_GUILESS_MAIN(TestMailer)
#include "tst_mailer.moc"
