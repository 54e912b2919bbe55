#include "store/auditjournal.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <array>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tap::store {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

constexpr QByteArrayView kMagic = "TAP-AUDIT-JOURNAL 1 ";

// CRC-32 (IEEE 802.3, the zlib/PNG polynomial), to tell a damaged line from an entry.
constexpr std::array<quint32, 256> crcTable()
{
    std::array<quint32, 256> table{};
    for (quint32 i = 0; i < 256; ++i) {
        quint32 c = i;
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    return table;
}

quint32 crc32(QByteArrayView data)
{
    static constexpr auto table = crcTable();
    quint32 c = 0xFFFFFFFFu;
    for (char ch : data)
        c = table[(c ^ quint8(ch)) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

Error ioError(const QString &what, const QString &path)
{
    return Error(ErrorCode::Unavailable,
                 QStringLiteral("The audit journal %1 cannot be %2: %3")
                         .arg(path, what, QString::fromLocal8Bit(std::strerror(errno))));
}

// Every byte of `data` at the end of `fd` (O_APPEND): one write() unless the kernel takes less.
bool writeAll(int fd, QByteArrayView data)
{
    qsizetype done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, size_t(data.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += n;
    }
    return true;
}

QByteArray readAll(int fd, qint64 size)
{
    QByteArray out(size, Qt::Uninitialized);
    qint64 done = 0;
    while (done < size) {
        const ssize_t n = ::pread(fd, out.data() + done, size_t(size - done), off_t(done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += n;
    }
    out.truncate(done);
    return out;
}

// The record as compact JSON, written by hand: QJsonObject's build-up cost more than the rest of
// a /forward request's audit (this runs on the HTTP worker, before the answer). Strings are
// escaped as RFC 8259 §7 requires (quote, backslash, control characters); read back with
// QJsonDocument (recordFromJson()).
class JsonWriter
{
public:
    explicit JsonWriter(QByteArray &out) : m_out(out) { m_out += '{'; }
    void text(const char *key, const QString &value)
    {
        name(key);
        m_out += '"';
        const QByteArray utf8 = value.toUtf8();
        for (char c : utf8) {
            const auto u = quint8(c);
            if (c == '"' || c == '\\') {
                m_out += '\\';
                m_out += c;
            } else if (u < 0x20) {
                static const char hex[] = "0123456789abcdef";
                m_out += "\\u00";
                m_out += hex[u >> 4];
                m_out += hex[u & 0xF];
            } else {
                m_out += c;
            }
        }
        m_out += '"';
    }
    void number(const char *key, qint64 value)
    {
        name(key);
        m_out += QByteArray::number(value);
    }
    void raw(const char *key, QByteArrayView json)
    {
        name(key);
        m_out += json;
    }
    void end() { m_out += '}'; }

private:
    void name(const char *key)
    {
        if (m_first)
            m_first = false;
        else
            m_out += ',';
        m_out += '"';
        m_out += key;
        m_out += "\":";
    }
    QByteArray &m_out;
    bool m_first = true;
};

QByteArray recordJson(const AuditRecord &r)
{
    QByteArray out;
    out.reserve(512);
    JsonWriter w(out);
    w.number("ts", r.ts);
    w.text("team_id", r.teamId);
    w.text("kind", r.kind);
    w.text("request_id", r.requestId);
    w.text("actor", r.actor);
    w.text("remote_addr", r.remoteAddr);
    w.text("action", r.action);
    w.text("agent_id", r.agentId);
    w.text("agent_home_team_id", r.agentHomeTeamId);
    w.text("credential", r.credential);
    w.text("credential_scope", r.credentialScope);
    w.text("method", r.method);
    w.text("target", r.target);
    w.text("decision", r.decision);
    w.text("reason", r.reason);
    w.text("approver", r.approver);
    w.number("upstream_status", r.upstreamStatus);
    w.number("status", r.status);
    w.number("latency_ms", r.latencyMs);
    w.number("upstream_latency_ms", r.upstreamLatencyMs);
    w.number("redactions", r.redactions);
    w.raw("detail",
          r.detail.isEmpty()
                  ? QByteArrayView("{}")
                  : QByteArrayView(QJsonDocument(r.detail).toJson(QJsonDocument::Compact)));
    w.end();
    return out;
}

std::optional<AuditRecord> recordFromJson(const QJsonObject &o)
{
    if (!o.value(u"ts").isDouble() || !o.value(u"team_id").isString()
        || !o.value(u"kind").isString() || !o.value(u"detail").isObject())
        return std::nullopt;
    AuditRecord r;
    r.ts = qint64(o.value(u"ts").toDouble());
    auto text = [&o](const char *key) { return o.value(QLatin1StringView(key)).toString(); };
    auto number = [&o](const char *key, int none) {
        return o.value(QLatin1StringView(key)).toInt(none);
    };
    r.teamId = text("team_id");
    r.kind = text("kind");
    r.requestId = text("request_id");
    r.actor = text("actor");
    r.remoteAddr = text("remote_addr");
    r.action = text("action");
    r.agentId = text("agent_id");
    r.agentHomeTeamId = text("agent_home_team_id");
    r.credential = text("credential");
    r.credentialScope = text("credential_scope");
    r.method = text("method");
    r.target = text("target");
    r.decision = text("decision");
    r.reason = text("reason");
    r.approver = text("approver");
    r.upstreamStatus = number("upstream_status", 0);
    r.status = number("status", 0);
    r.latencyMs = number("latency_ms", -1);
    r.upstreamLatencyMs = number("upstream_latency_ms", -1);
    r.redactions = number("redactions", -1);
    r.detail = o.value(u"detail").toObject();
    return r;
}

// Locks `fd` for this process; false when another process holds it.
bool lockExclusive(int fd)
{
    int rc;
    do
        rc = ::flock(fd, LOCK_EX | LOCK_NB);
    while (rc < 0 && errno == EINTR);
    return rc == 0;
}

} // namespace

AuditJournal::AuditJournal(int fd, QString path, QString id, qint64 headerSize, qint64 size)
    : m_fd(fd), m_path(std::move(path)), m_id(std::move(id)), m_headerSize(headerSize), m_size(size)
{
}

AuditJournal::~AuditJournal()
{
    if (m_fd >= 0)
        ::close(m_fd); // releases the lock
}

QStringList AuditJournal::files(const QString &dir)
{
    QStringList out;
    const QStringList names = QDir(dir).entryList({ QStringLiteral("audit-*.journal") },
                                                  QDir::Files | QDir::Hidden, QDir::Name);
    for (const QString &name : names)
        out << QDir(dir).filePath(name);
    return out;
}

Result<std::unique_ptr<AuditJournal>> AuditJournal::create(const QString &dir, core::Random &random)
{
    const QString id = random.uuid();
    const QString path = QDir(dir).filePath(QStringLiteral("audit-%1.journal").arg(id));
    const QString fresh = path + QStringLiteral(".new");
    const QByteArray freshName = QFile::encodeName(fresh);
    const int fd =
            ::open(freshName.constData(), O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return ioError(QStringLiteral("created"), fresh);
    const QByteArray header = kMagic.toByteArray() + id.toLatin1() + '\n';
    if (!lockExclusive(fd) || !writeAll(fd, header)
        || ::rename(freshName.constData(), QFile::encodeName(path).constData()) != 0) {
        Error error = ioError(QStringLiteral("created"), fresh);
        ::unlink(freshName.constData());
        ::close(fd);
        return error;
    }
    return std::unique_ptr<AuditJournal>(
            new AuditJournal(fd, path, id, header.size(), header.size()));
}

Result<std::unique_ptr<AuditJournal>> AuditJournal::adopt(const QString &path)
{
    const QByteArray name = QFile::encodeName(path);
    const int fd = ::open(name.constData(), O_RDWR | O_APPEND | O_CLOEXEC);
    if (fd < 0)
        return Error(ErrorCode::Conflict,
                     QStringLiteral("The audit journal %1 is gone.").arg(path));
    auto refuse = [fd](Error error) {
        ::close(fd);
        return error;
    };
    if (!lockExclusive(fd))
        return refuse(Error(
                ErrorCode::Conflict,
                QStringLiteral("The audit journal %1 is in use by another process.").arg(path)));
    // Locked, but is it still the file of that name? (Another process may have replayed and
    // deleted it between our open() and flock().)
    struct stat byFd
    {
    }, byName{};
    if (::fstat(fd, &byFd) != 0 || ::stat(name.constData(), &byName) != 0
        || byFd.st_ino != byName.st_ino || byFd.st_dev != byName.st_dev)
        return refuse(Error(ErrorCode::Conflict,
                            QStringLiteral("The audit journal %1 is gone.").arg(path)));
    const QByteArray head = readAll(fd, qMin<qint64>(byFd.st_size, 256));
    const qsizetype newline = head.indexOf('\n');
    const QByteArray id = newline > 0 ? head.left(newline).mid(kMagic.size()) : QByteArray();
    if (!head.startsWith(kMagic) || id.isEmpty()
        || !path.endsWith(QStringLiteral("audit-%1.journal").arg(QString::fromLatin1(id))))
        return refuse(Error(ErrorCode::InvalidRequest,
                            QStringLiteral("%1 is not an audit journal (bad header).").arg(path)));
    return std::unique_ptr<AuditJournal>(
            new AuditJournal(fd, path, QString::fromLatin1(id), newline + 1, qint64(byFd.st_size)));
}

QByteArray AuditJournal::encodeEntry(qint64 number, const AuditRecord &record)
{
    const QByteArray json = recordJson(record);
    QByteArray line;
    line.reserve(json.size() + 32);
    line += QByteArray::number(number);
    line += ' ';
    line += QByteArray::number(crc32(json), 16).rightJustified(8, '0');
    line += ' ';
    line += json; // every control character is escaped: no newline inside
    line += '\n';
    return line;
}

std::optional<JournalEntry> AuditJournal::decodeEntry(QByteArrayView line)
{
    const qsizetype first = line.indexOf(' ');
    if (first <= 0 || line.size() < first + 10 || line.at(first + 9) != ' ')
        return std::nullopt;
    bool ok = false;
    const qint64 number = line.first(first).toLongLong(&ok);
    if (!ok || number <= 0)
        return std::nullopt;
    const quint32 crc = line.sliced(first + 1, 8).toUInt(&ok, 16);
    const QByteArrayView json = line.sliced(first + 10);
    if (!ok || crc != crc32(json))
        return std::nullopt;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toByteArray());
    auto record = recordFromJson(doc.object());
    if (!doc.isObject() || !record)
        return std::nullopt;
    return JournalEntry{ number, std::move(*record) };
}

Result<void> AuditJournal::append(qint64 number, const AuditRecord &record)
{
    if (m_broken)
        return Error(
                ErrorCode::Unavailable,
                QStringLiteral("The audit journal %1 has a torn entry at its end.").arg(m_path));
    const QByteArray line = encodeEntry(number, record);
    if (!writeAll(m_fd, line)) {
        // A short write leaves a torn line: cut it off, so that later entries start on a line
        // of their own (a replay skips it either way).
        // If that fails too, nothing more is appended: an entry after the torn bytes would be
        // on their line and lost to a replay.
        const Error error = ioError(QStringLiteral("written"), m_path);
        if (::ftruncate(m_fd, off_t(m_size)) != 0)
            m_broken = true;
        return error;
    }
    m_size += line.size();
    return {};
}

Result<JournalContents> AuditJournal::read() const
{
    struct stat st
    {
    };
    if (::fstat(m_fd, &st) != 0)
        return ioError(QStringLiteral("read"), m_path);
    const QByteArray all = readAll(m_fd, qint64(st.st_size));
    JournalContents out;
    qsizetype at = m_headerSize;
    while (at < all.size()) {
        const qsizetype end = all.indexOf('\n', at);
        if (end < 0) {
            out.tornTail = true;
            break;
        }
        if (auto entry = decodeEntry(QByteArrayView(all).sliced(at, end - at)))
            out.entries.append(std::move(*entry));
        else
            ++out.damagedLines;
        at = end + 1;
    }
    return out;
}

Result<void> AuditJournal::truncate()
{
    if (::ftruncate(m_fd, off_t(m_headerSize)) != 0)
        return ioError(QStringLiteral("truncated"), m_path);
    m_size = m_headerSize;
    m_broken = false;
    return {};
}

Result<void> AuditJournal::remove()
{
    if (::unlink(QFile::encodeName(m_path).constData()) != 0)
        return ioError(QStringLiteral("removed"), m_path);
    ::close(m_fd);
    m_fd = -1;
    return {};
}

} // namespace tap::store
