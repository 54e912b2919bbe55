#pragma once

#include "core/random.h"
#include "core/result.h"
#include "store/auditstore.h"

#include <QList>
#include <QString>

#include <memory>
#include <optional>

namespace tap::store {

// One numbered entry of an audit journal.
struct JournalEntry
{
    qint64 number = 0;
    AuditRecord record;
};

// What a journal file holds: its entries in file order, and the lines that could not be read
// (a torn write at the tail after a crash, or damage). Such lines are skipped, never fatal.
struct JournalContents
{
    QList<JournalEntry> entries;
    int damagedLines = 0; // complete lines that failed their checksum or did not parse
    bool tornTail = false; // the file ends in a line without its newline
};

// An append-only audit journal file (README "The audit record before the answer"): tapd
// appends each /forward record here with one write() before the answer goes out, so a process
// killed with SIGKILL keeps it (the kernel holds it; a host's power loss is not covered: no
// fsync), and inserts it into audit_log later.
//
// File `<dir>/audit-<id>.journal`, `<id>` random: a header line `TAP-AUDIT-JOURNAL 1 <id>`,
// then one line per entry, `<number> <crc32 of the JSON, 8 hex> <record as compact JSON>`.
// The file is locked (flock, exclusive) for as long as this object lives: one process per file.
// Not thread-safe: the caller serialises append(), truncate() and read().
class AuditJournal
{
public:
    ~AuditJournal();
    AuditJournal(const AuditJournal &) = delete;
    AuditJournal &operator=(const AuditJournal &) = delete;

    // A new, empty journal in `dir` (mode 0600), locked. It appears under its final name only
    // once locked and its header written, so a process scanning `dir` never takes it.
    static core::Result<std::unique_ptr<AuditJournal>> create(const QString &dir,
                                                              core::Random &random);
    // Locks the journal file at `path` (from files()). Conflict when another process holds it
    // (a running tapd's own journal) or it went away meanwhile.
    static core::Result<std::unique_ptr<AuditJournal>> adopt(const QString &path);
    // The journal files in `dir` (whether locked or not), by name.
    static QStringList files(const QString &dir);

    const QString &id() const { return m_id; }
    const QString &path() const { return m_path; }
    qint64 size() const { return m_size; }
    bool isEmpty() const { return m_size <= m_headerSize; }

    // Appends one entry with a single write(). Once it returns ok the entry is in the file.
    core::Result<void> append(qint64 number, const AuditRecord &record);
    core::Result<JournalContents> read() const;
    // Back to the header alone (every entry is in the database).
    core::Result<void> truncate();
    // Deletes the file (an adopted journal whose entries are all in the database).
    core::Result<void> remove();

    static QByteArray encodeEntry(qint64 number, const AuditRecord &record);
    static std::optional<JournalEntry> decodeEntry(QByteArrayView line);

private:
    AuditJournal(int fd, QString path, QString id, qint64 headerSize, qint64 size);

    int m_fd = -1;
    QString m_path;
    QString m_id;
    qint64 m_headerSize = 0;
    qint64 m_size = 0;
    bool m_broken = false; // a failed append left bytes that could not be cut off
};

} // namespace tap::store
