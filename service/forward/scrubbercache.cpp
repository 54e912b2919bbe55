#include "forward/scrubbercache.h"

namespace tap::forward {

namespace {

bool sameSecret(const sanitizer::Secret &a, const sanitizer::Secret &b)
{
    return a.name == b.name && core::constantTimeEquals(a.value.view(), b.value.view());
}

// Whether `built` is `base` followed by `extra`.
bool sameSecrets(const QList<sanitizer::Secret> &built, const QList<sanitizer::Secret> &base,
                 const QList<sanitizer::Secret> &extra)
{
    if (built.size() != base.size() + extra.size())
        return false;
    bool same = true;
    for (qsizetype i = 0; i < built.size(); ++i)
        same = sameSecret(built.at(i), i < base.size() ? base.at(i) : extra.at(i - base.size()))
                && same;
    return same;
}

} // namespace

std::shared_ptr<const sanitizer::Scrubber> ScrubberCache::get(const QString &rowId,
                                                              const QList<sanitizer::Secret> &base,
                                                              const QList<sanitizer::Secret> &extra,
                                                              qint64 nowMs)
{
    {
        QMutexLocker locker(&m_lock);
        const auto it = m_entries.constFind(rowId);
        if (it != m_entries.constEnd() && nowMs - it->builtAt < kMaxAgeMs
            && sameSecrets(it->secrets, base, extra))
            return it->scrubber;
    }
    QList<sanitizer::Secret> secrets = base;
    secrets.append(extra);
    auto built = std::make_shared<const sanitizer::Scrubber>(secrets);
    QMutexLocker locker(&m_lock);
    m_entries.removeIf([nowMs](const auto &e) { return nowMs - e.value().builtAt >= kMaxAgeMs; });
    m_entries.insert(rowId, Entry{ std::move(secrets), built, nowMs });
    return built;
}

} // namespace tap::forward
