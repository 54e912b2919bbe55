#include "localsetup.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tap::cli::local {

using namespace Qt::StringLiterals;

namespace {

Step failed(const QString &error)
{
    Step s;
    s.ok = false;
    s.error = error;
    return s;
}

QString mode(mode_t m)
{
    return u"%1"_s.arg(uint(m & 0777), 4, 8, QLatin1Char('0'));
}

// Root creating tapd's files would leave them root's, which a tapd running as its own user
// (packaging/tapd.service: User=tap) could not use.
bool rootWouldOwn(const QString &path)
{
    if (::geteuid() != 0)
        return false;
    QString existing = QDir::cleanPath(QDir(path).absolutePath());
    struct stat st = {};
    while (::stat(QFile::encodeName(existing).constData(), &st) != 0 && existing != u"/"_s)
        existing = QFileInfo(existing).absolutePath(); // the nearest existing ancestor
    return st.st_uid != 0;
}

const QString kAsServiceUser = u"run 'tap init' as the user tapd runs as"_s;

void wipe(QByteArray &b)
{
    b.fill('\0');
    b.clear();
}

bool isHexKey(const QByteArray &hex)
{
    static const QRegularExpression re(u"^[0-9a-fA-F]{64}$"_s);
    return re.match(QString::fromLatin1(hex)).hasMatch();
}

Step createKey(const QString &file)
{
    if (rootWouldOwn(QFileInfo(file).absolutePath()))
        return failed(u"refusing to create %1 as root: %2, or start tapd first (it creates "
                      "the key)"_s.arg(file, kAsServiceUser));
    const QByteArray native = QFile::encodeName(file);
    const int fd = ::open(native.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return failed(u"cannot create %1: %2"_s.arg(file, QString::fromLocal8Bit(strerror(errno))));
    QByteArray raw(32, '\0');
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(raw.data()),
                                         reinterpret_cast<quint32 *>(raw.data() + raw.size()));
    QByteArray hex = raw.toHex() + '\n';
    const bool ok =
            ::write(fd, hex.constData(), size_t(hex.size())) == hex.size() && ::fsync(fd) == 0;
    ::close(fd);
    Step s;
    s.fingerprint = fingerprint(raw);
    wipe(hex);
    wipe(raw);
    if (!ok) {
        ::unlink(native.constData());
        return failed(u"cannot write %1"_s.arg(file));
    }
    s.changed = true;
    s.status = u"created"_s;
    return s;
}

Step checkKey(const QString &file)
{
    struct stat st = {};
    if (::stat(QFile::encodeName(file).constData(), &st) != 0 || !S_ISREG(st.st_mode))
        return failed(u"the master key %1 is not a regular file"_s.arg(file));
    if ((st.st_mode & 077) != 0)
        return failed(u"the master key %1 is readable by other users (mode %2); tapd refuses "
                      "it too: run chmod 600 %1"_s.arg(file, mode(st.st_mode)));
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return failed(u"cannot read the master key %1 (%2); %3"_s.arg(file, f.errorString(),
                                                                      kAsServiceUser));
    QByteArray hex = f.read(200).trimmed();
    Step s;
    s.status = u"in_place"_s;
    if (!isHexKey(hex))
        s = failed(u"the master key %1 is malformed: tapd expects 64 hex digits"_s.arg(file));
    else
        s.fingerprint = fingerprint(QByteArray::fromHex(hex));
    wipe(hex);
    return s;
}

QString decodeQuotedPrintable(const QByteArray &in)
{
    QByteArray out;
    for (qsizetype i = 0; i < in.size(); ++i) {
        if (in.at(i) != '=' || i + 2 >= in.size()) {
            out += in.at(i);
            continue;
        }
        const QByteArray next = in.mid(i + 1, 2);
        if (next != "\r\n") // "=\r\n" is a soft line break
            out += QByteArray::fromHex(next);
        i += 2;
    }
    return QString::fromUtf8(out);
}

// The code of one outbox mail, if it is a verification mail to `email`.
QString codeIn(const QByteArray &mail, const QString &email)
{
    static const QRegularExpression re(u"Your TAP verification code is (\\d{6})\\."_s);
    const qsizetype split = mail.indexOf("\r\n\r\n");
    if (split < 0)
        return {};
    const QByteArray head = mail.left(split).toLower();
    const QByteArray to = email.toLower().toUtf8();
    static const QRegularExpression toLine(u"^to:\\s*(.*)$"_s, QRegularExpression::MultilineOption);
    const QString recipient = toLine.match(QString::fromUtf8(head).remove(u'\r')).captured(1);
    if (recipient != QString::fromUtf8(to) && !recipient.contains(u'<' + email.toLower() + u'>'))
        return {};
    const QByteArray body = mail.mid(split + 4);
    const QString text = head.contains("quoted-printable") ? decodeQuotedPrintable(body)
                                                           : QString::fromUtf8(body);
    return re.match(text).captured(1);
}

} // namespace

QString defaultDataDir()
{
    QString dir = qEnvironmentVariable("TAP_DATA_DIR");
    if (dir.isEmpty()) {
        QString base = qEnvironmentVariable("XDG_DATA_HOME");
        if (base.isEmpty())
            base = QDir::homePath() + u"/.local/share"_s;
        dir = base + u"/tap"_s;
    }
    return QDir::cleanPath(QDir(dir).absolutePath());
}

QString masterKeyFile(const QString &dataDir)
{
    const QString file = qEnvironmentVariable("TAP_MASTER_KEY_FILE");
    return file.isEmpty() ? dataDir + u"/master.key"_s : file;
}

QString outboxDir(const QString &dataDir)
{
    const QString dir = qEnvironmentVariable("TAP_MAIL_OUTBOX");
    return dir.isEmpty() ? dataDir + u"/outbox"_s : dir;
}

QString sqliteFile(const QString &dataDir)
{
    const QString url = qEnvironmentVariable("TAP_DATABASE_URL");
    if (url.isEmpty())
        return dataDir + u"/tap.db"_s;
    return url.startsWith(u"sqlite:"_s) ? url.mid(7) : QString();
}

Step ensureDataDir(const QString &dir)
{
    const QByteArray native = QFile::encodeName(dir);
    struct stat st = {};
    if (::stat(native.constData(), &st) != 0) {
        if (rootWouldOwn(QFileInfo(dir).absolutePath()))
            return failed(u"refusing to create %1 as root: %2, or start tapd first (it "
                          "creates its data directory)"_s.arg(dir, kAsServiceUser));
        if (!QDir().mkpath(dir) || ::chmod(native.constData(), 0700) != 0)
            return failed(u"cannot create the data directory %1"_s.arg(dir));
        Step s;
        s.changed = true;
        s.status = u"created"_s;
        return s;
    }
    if (!S_ISDIR(st.st_mode))
        return failed(u"the data directory %1 is not a directory"_s.arg(dir));
    if (st.st_uid != ::geteuid() && ::geteuid() != 0)
        return failed(u"the data directory %1 belongs to another user (uid %2): %3"_s.arg(
                dir, QString::number(st.st_uid), kAsServiceUser));
    Step s;
    s.status = u"in_place"_s;
    if ((st.st_mode & 077) != 0) {
        if (::chmod(native.constData(), 0700) != 0)
            return failed(u"cannot set mode 0700 on %1"_s.arg(dir));
        s.changed = true;
        s.status = u"tightened"_s;
    }
    return s;
}

Step ensureMasterKey(const QString &keyFile, const QString &databaseFile)
{
    QByteArray fromEnv = qgetenv("TAP_MASTER_KEY").trimmed();
    if (!fromEnv.isEmpty()) {
        Step s;
        s.status = u"environment"_s;
        if (!isHexKey(fromEnv))
            s = failed(u"TAP_MASTER_KEY must be exactly 64 hex digits"_s);
        else
            s.fingerprint = fingerprint(QByteArray::fromHex(fromEnv));
        wipe(fromEnv);
        return s;
    }
    if (QFileInfo::exists(keyFile) || QFileInfo(keyFile).isSymLink())
        return checkKey(keyFile);
    if (!databaseFile.isEmpty() && QFileInfo::exists(databaseFile))
        return failed(u"the database %1 exists but the master key %2 does not; restore the key "
                      "from your backup (a new key cannot open the stored secrets)"_s.arg(
                              databaseFile, keyFile));
    return createKey(keyFile);
}

QString fingerprint(const QByteArray &rawKey)
{
    return u"sha256:"_s
            + QString::fromLatin1(
                    QCryptographicHash::hash(rawKey, QCryptographicHash::Sha256).toHex().left(16));
}

Mail latestCode(const QString &outbox, const QString &email, QString *error)
{
    const QDir dir(outbox);
    Mail found;
    if (!dir.exists())
        return found;
    if (!QFileInfo(outbox).isReadable() || !QFileInfo(outbox).isExecutable()) {
        *error = u"cannot read tapd's mail outbox %1: %2"_s.arg(outbox, kAsServiceUser);
        return found;
    }
    // Names are "<milliseconds>-<hex>.eml": name order is time order.
    for (const QString &name : dir.entryList({ u"*.eml"_s }, QDir::Files, QDir::Name)) {
        QFile f(dir.filePath(name));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QString code = codeIn(f.read(1 << 20), email);
        if (!code.isEmpty())
            found = { name, code };
    }
    return found;
}

} // namespace tap::cli::local
