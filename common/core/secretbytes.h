#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace tap::core {

// Secret material (keys, credential values, tokens before hashing). The buffer is wiped when
// the object dies; it cannot be printed or streamed to a log (operator<< is deleted). Copies
// are deep so that each owner wipes its own buffer.
class SecretBytes
{
public:
    SecretBytes() = default;
    explicit SecretBytes(QByteArrayView bytes);
    static SecretBytes adopt(QByteArray &&bytes); // takes the buffer, wipes nothing of the caller
    ~SecretBytes();

    SecretBytes(const SecretBytes &other);
    SecretBytes &operator=(const SecretBytes &other);
    SecretBytes(SecretBytes &&other) noexcept;
    SecretBytes &operator=(SecretBytes &&other) noexcept;

    bool isEmpty() const { return m_data.isEmpty(); }
    qsizetype size() const { return m_data.size(); }
    const char *constData() const { return m_data.constData(); }
    QByteArrayView view() const { return m_data; }
    // A copy the caller must treat as secret (e.g. to hand to a socket write).
    QByteArray exposeCopy() const { return QByteArray(m_data.constData(), m_data.size()); }

    void clear();

private:
    QByteArray m_data;
};

// Any stream (QDebug, QTextStream, ...); a template so that no stream type needs to be complete
// here (clang refuses a deleted function whose by-value parameter type is incomplete).
template <typename Stream>
void operator<<(Stream &&, const SecretBytes &) = delete;

// Constant-time equality for tokens, MACs and hashes.
bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

// Overwrites the bytes of a QByteArray in place (detaching first).
void wipe(QByteArray &bytes);

} // namespace tap::core
