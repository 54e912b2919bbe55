#include "forward/scrubbercache.h"

#include "crypto/hmac.h"

namespace tap::forward {

namespace {

// Names and values, each length-prefixed, hashed: equal only for the same secrets in order.
QByteArray fingerprintOf(const QList<sanitizer::Secret> &secrets)
{
    QByteArray all;
    for (const sanitizer::Secret &s : secrets) {
        const QByteArray name = s.name.toUtf8();
        const QByteArrayView value = s.value.view();
        all += QByteArray::number(name.size()) + ':' + name + QByteArray::number(value.size())
                + ':';
        all.append(value.data(), value.size());
    }
    const QByteArray digest = crypto::sha256(all);
    all.fill('\0'); // the secrets' copy
    return digest;
}

} // namespace

std::shared_ptr<const sanitizer::Scrubber>
ScrubberCache::get(const QString &rowId, const QList<sanitizer::Secret> &secrets, qint64 nowMs)
{
    const QByteArray fingerprint = fingerprintOf(secrets);
    {
        QMutexLocker locker(&m_lock);
        const auto it = m_entries.constFind(rowId);
        if (it != m_entries.constEnd() && it->fingerprint == fingerprint
            && nowMs - it->builtAt < kMaxAgeMs)
            return it->scrubber;
    }
    auto built = std::make_shared<const sanitizer::Scrubber>(secrets);
    QMutexLocker locker(&m_lock);
    m_entries.removeIf([nowMs](const auto &e) { return nowMs - e.value().builtAt >= kMaxAgeMs; });
    m_entries.insert(rowId, Entry{ fingerprint, built, nowMs });
    return built;
}

} // namespace tap::forward
